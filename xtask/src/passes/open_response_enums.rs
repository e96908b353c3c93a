//! `open_response_enums`: typify turns `{type: string, enum: [...]}` into a closed Rust enum,
//! so a value Wink adds after this version fails the decoding of the **whole response**.
//!
//! For every string enum whose data can arrive in a response, the pass writes
//! `oneOf: [{title: Known, type: string, enum: [...]}, {title: Other, type: string}]`, which
//! typify generates as `enum E { Known(EKnown), Other(String) }`: the known values as a closed
//! enum plus a catch-all (`anyOf` does not give that; the titles name the variants). Enums
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
    for (pointer, direction) in found {
        let Some(Value::Object(schema)) = doc.pointer_mut(&pointer) else {
            continue;
        };
        open_up(schema);
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

fn open_up(schema: &mut Map<String, Value>) {
    let values = schema.remove("enum").unwrap_or_default();
    schema.remove("type");
    schema.remove("default");
    let mut known = Map::new();
    known.insert("title".into(), json!("Known"));
    known.insert("type".into(), json!("string"));
    known.insert("enum".into(), values);
    schema.insert("oneOf".into(), json!([known, {"title": "Other", "type": "string"}]));
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
                {"title": "Known", "type": "string", "enum": ["ON", "OFF"]},
                {"title": "Other", "type": "string"}
            ]})
        );
        assert_eq!(out.changes, 1);
    }
}
