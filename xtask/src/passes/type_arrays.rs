//! `type_arrays`: OpenAPI 3.1 spells nullability `type: ["string", "null"]`; openapiv3 cannot
//! parse a list there (account has 14, consumer and supplier 2 each).
//!
//! The pass rewrites `[T, "null"]` to `type: T, nullable: true`, the 3.0 spelling, which
//! loses nothing. A list of several non-null types (none in these documents) has no 3.0
//! form: its `type` is removed, leaving an unconstrained schema, and the note names it.

use serde_json::{Value, json};

use super::PassOutcome;
use crate::schema_walk::visit_schemas_mut;

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    visit_schemas_mut(doc, &mut |schema, site| {
        let Some(Value::Array(types)) = schema.get("type") else {
            return;
        };
        let nullable = types.iter().any(|t| t == "null");
        let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match rest.as_slice() {
            [single] => {
                schema.insert("type".into(), single.clone());
                out.change();
            }
            [] => {
                schema.remove("type");
                out.change();
            }
            _ => {
                schema.remove("type");
                out.note(format!("{}: several types {rest:?}, left unconstrained", site.pointer));
            }
        }
        if nullable {
            schema.insert("nullable".into(), json!(true));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::passes::fixture::doc;

    #[test]
    fn nullable_type_lists_become_nullable() {
        let mut d = doc(
            None,
            json!({"$ref": "#/components/schemas/W"}),
            json!({"W": {"type": "object", "properties": {
                "gross": {"type": ["number", "null"]},
                "id": {"type": ["string"]},
                "either": {"type": ["string", "integer"]}
            }}}),
        );
        let out = run(&mut d);
        let props = &d["components"]["schemas"]["W"]["properties"];
        assert_eq!(props["gross"], json!({"type": "number", "nullable": true}));
        assert_eq!(props["id"], json!({"type": "string"}));
        assert_eq!(props["either"], json!({}));
        assert_eq!(out.changes, 3);
        assert_eq!(out.notes.len(), 1);
        assert!(out.notes[0].contains("/components/schemas/W/properties/either"));
    }
}
