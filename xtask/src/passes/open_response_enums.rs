//! `open_response_enums`: typify turns `{type: string, enum: [...]}` into a closed Rust enum,
//! so a value Wink adds after this version fails the decoding of the **whole response**.
//!
//! For every string enum whose data can arrive in a response, the pass writes
//! `oneOf: [{title: "<E> Known", type: string, enum: [...]}, {title: "<E> Other", type: string}]`,
//! which typify generates as `enum E { Known(EKnown), Other(String) }`: the known values as a
//! closed enum plus a catch-all (`anyOf` does not give that; the titles name the variants). Enums
//! only ever sent by the client stay closed, so requests are still checked at compile time.
//! What is lost: defaults on those enums (a default must validate against the `oneOf`), and
//! for the schemas shared by requests and responses (listed by count in the report) the
//! request side also accepts unknown strings.

use serde_json::{Map, Value, json};

use super::PassOutcome;
use crate::schema_walk::{Direction, visit_schemas_mut};

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    // Find first, rewrite after: the rewritten schema contains a string enum again, which a
    // rewrite during the walk would visit and wrap forever.
    let mut found = Vec::new();
    visit_schemas_mut(doc, &mut |schema, site| {
        let is_string_enum =
            schema.get("type").and_then(Value::as_str) == Some("string") && schema.contains_key("enum");
        if site.direction.is_read() && is_string_enum {
            found.push((site.pointer.clone(), site.direction));
        }
    });
    let mut shared = 0;
    let mut labels = std::collections::BTreeSet::new();
    for (pointer, direction) in found {
        let mut label = label_for(&pointer);
        let base = label.clone();
        let mut n = 1;
        while !labels.insert(label.clone()) {
            n += 1;
            label = format!("{base} {n}");
        }
        let Some(Value::Object(schema)) = doc.pointer_mut(&pointer) else { continue };
        open_up(schema, &label);
        out.change();
        if direction == Direction::Both {
            shared += 1;
        }
    }
    if shared > 0 {
        out.notes.push(format!("{shared} of them in schemas shared with requests (open there too)"));
    }
    out
}

/// A name for the enum at `pointer`, the way typify would name it: the component and the
/// property path (`InventoryMap_ManagingEntity type`).
fn label_for(pointer: &str) -> String {
    const STRUCTURAL: [&str; 8] =
        ["properties", "items", "additionalProperties", "oneOf", "anyOf", "allOf", "content", "schema"];
    let tail = pointer.strip_prefix("/components/schemas/").unwrap_or(pointer);
    tail.split('/')
        .filter(|s| !s.is_empty() && !STRUCTURAL.contains(s) && !s.bytes().all(|b| b.is_ascii_digit()))
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rewrites the string enum `schema` as `oneOf [known values, any string]`. The titles share
/// the prefix `label` so that typify names the variants `Known` and `Other` (it strips the
/// common prefix) and the type of the known values `<Label>Known` (unique per enum).
fn open_up(schema: &mut Map<String, Value>, label: &str) {
    let values = schema.remove("enum").unwrap_or_default();
    schema.remove("type");
    schema.remove("default");
    let mut known = Map::new();
    known.insert("title".into(), json!(format!("{label} Known")));
    known.insert("type".into(), json!("string"));
    known.insert("enum".into(), values);
    schema.insert("oneOf".into(), json!([known, {"title": format!("{label} Other"), "type": "string"}]));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::passes::fixture::doc;

    #[test]
    fn response_enums_open_and_request_enums_stay_closed() {
        let mut d = doc(
            Some(json!({"$ref": "#/components/schemas/In"})),
            json!({"$ref": "#/components/schemas/Out"}),
            json!({
                "In": {"type": "object", "properties": {"mode": {"type": "string", "enum": ["A"]}}},
                "Out": {"type": "object", "properties": {"state": {"type": "string", "enum": ["ON", "OFF"], "default": "ON", "description": "d"}}}
            }),
        );
        let out = run(&mut d);
        let s = &d["components"]["schemas"];
        assert_eq!(s["In"]["properties"]["mode"], json!({"type": "string", "enum": ["A"]}));
        assert_eq!(
            s["Out"]["properties"]["state"],
            json!({"description": "d", "oneOf": [
                {"title": "Out state Known", "type": "string", "enum": ["ON", "OFF"]},
                {"title": "Out state Other", "type": "string"}
            ]})
        );
        assert_eq!(out.changes, 1);
    }

    #[test]
    fn labels_name_component_and_property_path() {
        assert_eq!(label_for("/components/schemas/Map_X/properties/type"), "Map_X type");
        assert_eq!(label_for("/components/schemas/Map_X/properties/tags/items"), "Map_X tags");
    }
}
