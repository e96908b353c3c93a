//! `relax_response_constraints`: typify enforces `minLength`/`maxLength`/`pattern` through
//! newtypes and `minimum: 1` through `NonZero` integers, **also when decoding responses**, so a
//! response the server really sent (an empty string where the spec says `minLength: 1`) fails
//! to decode and the caller loses all of it.
//!
//! For schemas whose data can arrive in a response the pass removes the length, pattern,
//! range and count keywords (`minLength`, `maxLength`, `pattern`, `minimum`, `maximum`,
//! `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`, `minItems`, `maxItems`,
//! `uniqueItems`, `minProperties`, `maxProperties`). Request-only schemas keep them, so the
//! client still refuses to build an invalid request. What is lost: the constraints on schemas
//! shared by requests and responses are no longer checked on the request side either (the
//! server still checks them); the report counts those.

use serde_json::Value;

use super::PassOutcome;
use crate::schema_walk::{Direction, visit_schemas_mut};

const CONSTRAINTS: [&str; 13] = [
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    let mut shared = 0;
    visit_schemas_mut(doc, &mut |schema, site| {
        if !site.direction.is_read() {
            return;
        }
        let before = schema.len();
        for key in CONSTRAINTS {
            schema.remove(key);
        }
        let removed = before - schema.len();
        out.changes += removed;
        if site.direction == Direction::Both {
            shared += removed;
        }
    });
    if shared > 0 {
        out.notes.push(format!("{shared} of them in schemas shared with requests (unchecked there too)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::passes::fixture::doc;

    #[test]
    fn response_constraints_go_request_constraints_stay() {
        let mut d = doc(
            Some(json!({"$ref": "#/components/schemas/In"})),
            json!({"$ref": "#/components/schemas/Out"}),
            json!({
                "In": {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}, "shared": {"$ref": "#/components/schemas/Both"}}},
                "Out": {"type": "object", "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 5},
                    "count": {"type": "integer", "minimum": 1},
                    "tags": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^a"}},
                    "shared": {"$ref": "#/components/schemas/Both"}
                }},
                "Both": {"type": "string", "minLength": 2}
            }),
        );
        let out = run(&mut d);
        let s = &d["components"]["schemas"];
        assert_eq!(s["In"]["properties"]["name"], json!({"type": "string", "minLength": 1}));
        assert_eq!(s["Out"]["properties"]["name"], json!({"type": "string"}));
        assert_eq!(s["Out"]["properties"]["count"], json!({"type": "integer"}));
        assert_eq!(s["Out"]["properties"]["tags"], json!({"type": "array", "items": {"type": "string"}}));
        assert_eq!(s["Both"], json!({"type": "string"}));
        assert_eq!(out.changes, 6);
        assert_eq!(out.notes, ["1 of them in schemas shared with requests (unchecked there too)"]);
    }
}
