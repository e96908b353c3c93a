//! `defaults_empty_strings`: springdoc writes `default: ""` on every string that declares no
//! default (affiliate: 746, after the format pass took the uuid/date ones). typify turns
//! an optional property with a default into a plain `String` with `#[serde(default)]`, so
//! the client cannot leave it out: every request carries `""` for each field the caller did
//! not set. Measured with Prism: `createSyndicationEntry` sends `"uniqueId": ""` although the
//! property has `minLength: 5`, and is rejected; against the real API, "not set" and "set to
//! empty" become indistinguishable.
//!
//! The pass removes `default: ""` from string schemas, so optional strings are `Option` and
//! skipped when `None`. What is lost: an intended empty-string default, which springdoc's
//! output cannot tell apart from its placeholder (and which a server applies anyway when the
//! field is absent).

use serde_json::Value;

use super::PassOutcome;
use crate::schema_walk::visit_schemas_mut;

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    visit_schemas_mut(doc, &mut |schema, _| {
        let is_string = match schema.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
            _ => false,
        };
        if is_string && schema.get("default") == Some(&Value::String(String::new())) {
            schema.remove("default");
            out.change();
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
    fn drops_empty_string_defaults_on_strings_only() {
        let mut d = doc(
            None,
            json!({"type": "object", "properties": {
                "uniqueId": {"type": "string", "default": "", "minLength": 5},
                "note": {"type": ["string", "null"], "default": ""},
                "kept": {"type": "string", "default": "PUBLISHED"},
                "flag": {"type": "boolean", "default": false}
            }}),
            json!({}),
        );
        let outcome = run(&mut d);
        assert_eq!(outcome.changes, 2);
        let properties = &d["paths"]["/x"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["properties"];
        assert!(properties["uniqueId"].get("default").is_none());
        assert!(properties["note"].get("default").is_none());
        assert_eq!(properties["kept"]["default"], "PUBLISHED");
        assert_eq!(properties["flag"]["default"], false);
    }
}
