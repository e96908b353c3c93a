//! `defaults_nonconforming`: springdoc writes placeholder defaults that do not validate
//! against their own schema: `""` on arrays (affiliate: 84), enums (119), integers (62),
//! numbers (8) and objects (6), `"2.0.0"` on `Wink-Version` whose enum is `["2.0"]`,
//! `"APPROVED"` outside supplier's enum, `"0.0"` strings on numbers. typify aborts the whole
//! generation on the first one with "value does not conform to the given schema", naming no
//! schema.
//!
//! The pass removes every default that fails a structural check against its schema (type,
//! `enum`, `nullable`, array items and object properties, following local `$ref`s). What is
//! lost: only values that could never have been sent or received as they are; a field that
//! had one simply has no default (it stays `Option` when not required).

use serde_json::{Map, Value};

use super::PassOutcome;
use crate::schema_walk::{component_ref_name, visit_schemas_mut};

pub fn run(doc: &mut Value) -> PassOutcome {
    let components = doc.pointer("/components/schemas").cloned().unwrap_or(Value::Null);
    let mut out = PassOutcome::default();
    visit_schemas_mut(doc, &mut |schema, _| {
        let Some(default) = schema.get("default") else {
            return;
        };
        if !conforms(default, schema, &components, 0) {
            schema.remove("default");
            out.change();
        }
    });
    out
}

/// Whether `value` validates against `schema` structurally. Unknown or unresolvable
/// constructs are given the benefit of the doubt.
pub(crate) fn conforms(value: &Value, schema: &Map<String, Value>, components: &Value, depth: usize) -> bool {
    if depth > 16 {
        return true;
    }
    if let Some(Value::String(reference)) = schema.get("$ref") {
        return match component_ref_name(reference).and_then(|n| components.get(n)).and_then(Value::as_object)
        {
            Some(target) => conforms(value, target, components, depth + 1),
            None => true,
        };
    }
    if value.is_null() {
        return schema.get("nullable") == Some(&Value::Bool(true))
            || (!schema.contains_key("type") && !schema.contains_key("enum"));
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        return false;
    }
    let ok_type = match schema.get("type").and_then(Value::as_str) {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        _ => true,
    };
    if !ok_type {
        return false;
    }
    match value {
        Value::Array(items) => match schema.get("items").and_then(Value::as_object) {
            Some(item_schema) => items.iter().all(|item| conforms(item, item_schema, components, depth + 1)),
            None => true,
        },
        Value::Object(fields) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            fields.iter().all(|(name, field)| {
                match properties.and_then(|p| p.get(name)).and_then(Value::as_object) {
                    Some(field_schema) => conforms(field, field_schema, components, depth + 1),
                    None => true,
                }
            })
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::passes::fixture::doc;

    #[test]
    fn drops_only_defaults_that_do_not_validate() {
        let mut d = doc(
            None,
            json!({"$ref": "#/components/schemas/S"}),
            json!({
                "S": {"type": "object", "properties": {
                    "list": {"type": "array", "items": {"type": "string"}, "default": ""},
                    "state": {"type": "string", "enum": ["A", "B"], "default": ""},
                    "version": {"type": "string", "enum": ["2.0"], "default": "2.0.0"},
                    "count": {"type": "integer", "default": ""},
                    "price": {"type": "number", "default": "0.0"},
                    "nested": {"$ref": "#/components/schemas/N", "default": ""},
                    "keptString": {"type": "string", "default": ""},
                    "keptEnum": {"type": "string", "enum": ["A"], "default": "A"},
                    "keptNumber": {"type": "number", "default": 1.5},
                    "keptList": {"type": "array", "items": {"type": "integer"}, "default": [1, 2]},
                    "keptNull": {"type": "string", "nullable": true, "default": null}
                }},
                "N": {"type": "object"}
            }),
        );
        let out = run(&mut d);
        let props = d["components"]["schemas"]["S"]["properties"].as_object().unwrap();
        let with_default: Vec<_> =
            props.iter().filter(|(_, s)| s.get("default").is_some()).map(|(k, _)| k.as_str()).collect();
        assert_eq!(with_default, ["keptString", "keptEnum", "keptNumber", "keptList", "keptNull"]);
        assert_eq!(out.changes, 6);
    }
}
