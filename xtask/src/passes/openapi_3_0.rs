//! `openapi_3_0`: springdoc emits OpenAPI **3.1.0**; progenitor 0.15 (through openapiv3)
//! refuses it ("invalid version: 3.1.0") and, when told it is 3.0, silently drops the
//! 3.1-only keywords it cannot represent.
//!
//! The pass declares `3.0.3` and rewrites what has a 3.0 equivalent: schema `examples: [..]`
//! becomes `example` (the first one), `const` becomes a one-value `enum`, numeric
//! `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` plus the 3.0 boolean.
//! Keywords with no 3.0 equivalent are removed and counted: `contains` and
//! `unevaluatedItems` (springdoc writes them as empty placeholders `{"default": ""}`, so
//! nothing real is lost on these documents), `prefixItems`, `$schema`, `$id`, `$comment`,
//! `unevaluatedProperties`, `propertyNames`, `dependentRequired`, `dependentSchemas`,
//! `if`/`then`/`else`, and the root's `jsonSchemaDialect` and `webhooks`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::PassOutcome;
use crate::schema_walk::visit_schemas_mut;

const DROPPED_SCHEMA_KEYWORDS: [&str; 13] = [
    "contains",
    "unevaluatedItems",
    "prefixItems",
    "$schema",
    "$id",
    "$comment",
    "unevaluatedProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
];

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    if let Some(version) = doc.get("openapi").and_then(Value::as_str)
        && version.starts_with("3.1")
    {
        out.note(format!("openapi {version} declared as 3.0.3"));
        doc["openapi"] = json!("3.0.3");
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    if let Some(root) = doc.as_object_mut() {
        for key in ["jsonSchemaDialect", "webhooks"] {
            if root.remove(key).is_some() {
                *counts.entry(key).or_default() += 1;
            }
        }
        if let Some(Value::Object(license)) = root.get_mut("info").and_then(|i| i.get_mut("license"))
            && license.remove("identifier").is_some()
        {
            *counts.entry("info.license.identifier").or_default() += 1;
        }
    }
    visit_schemas_mut(doc, &mut |schema, _| {
        for key in DROPPED_SCHEMA_KEYWORDS {
            if schema.remove(key).is_some() {
                *counts.entry(key).or_default() += 1;
            }
        }
        if let Some(Value::Array(examples)) = schema.get("examples") {
            let first = examples.first().cloned();
            schema.remove("examples");
            if let Some(first) = first {
                schema.entry("example").or_insert(first);
            }
            *counts.entry("examples").or_default() += 1;
        }
        if let Some(value) = schema.remove("const") {
            schema.insert("enum".into(), json!([value]));
            *counts.entry("const").or_default() += 1;
        }
        for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            if let Some(bound) = schema.get(exclusive).filter(|b| b.is_number()).cloned() {
                schema.insert(inclusive.into(), bound);
                schema.insert(exclusive.into(), json!(true));
                *counts.entry(exclusive).or_default() += 1;
            }
        }
    });
    for (key, n) in counts {
        out.changes += n;
        out.notes.push(format!("`{key}` rewritten or removed in {n} place(s)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::passes::fixture::doc;

    #[test]
    fn downgrades_version_and_keywords_but_not_property_names() {
        let mut d = doc(
            None,
            json!({"type": "object", "properties": {
                "contains": {"type": "array", "items": {"type": "string"}, "contains": {"default": ""}, "unevaluatedItems": {"default": ""}},
                "tag": {"type": "string", "examples": ["a", "b"]},
                "kind": {"const": "fixed"},
                "size": {"type": "number", "exclusiveMinimum": 0}
            }}),
            json!({}),
        );
        let out = run(&mut d);
        let props = &d["paths"]["/x"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
        assert_eq!(d["openapi"], "3.0.3");
        assert!(props.get("contains").is_some(), "a property named `contains` is kept");
        assert_eq!(props["contains"], json!({"type": "array", "items": {"type": "string"}}));
        assert_eq!(props["tag"], json!({"type": "string", "example": "a"}));
        assert_eq!(props["kind"], json!({"enum": ["fixed"]}));
        assert_eq!(props["size"], json!({"type": "number", "minimum": 0, "exclusiveMinimum": true}));
        assert_eq!(out.changes, 1 + 2 + 1 + 1 + 1);
    }
}
