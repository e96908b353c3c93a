//! `null_type_objects`: springdoc writes some nullable objects as `type: "null"` *with*
//! `properties` (account's `SimpleAddress_*`), which makes progenitor panic.
//!
//! The pass makes such a schema `type: object, nullable: true`, which is what the properties
//! say it is. A bare `type: "null"` (no properties) becomes an unconstrained nullable schema.
//! Nothing is lost.

use serde_json::{Value, json};

use super::PassOutcome;
use crate::schema_walk::visit_schemas_mut;

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    visit_schemas_mut(doc, &mut |schema, site| {
        if schema.get("type").and_then(Value::as_str) != Some("null") {
            return;
        }
        if schema.contains_key("properties") {
            schema.insert("type".into(), json!("object"));
            out.note(format!("{}: `type: null` with properties made a nullable object", site.pointer));
        } else {
            schema.remove("type");
            out.change();
        }
        schema.insert("nullable".into(), json!(true));
        if schema.get("default") == Some(&Value::Null) {
            schema.remove("default");
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
    fn null_typed_objects_become_nullable_objects() {
        let mut d = doc(
            None,
            json!({"$ref": "#/components/schemas/SimpleAddress"}),
            json!({
                "SimpleAddress": {"type": "null", "default": null, "properties": {"address1": {"type": "string"}}}
            }),
        );
        let out = run(&mut d);
        assert_eq!(
            d["components"]["schemas"]["SimpleAddress"],
            json!({"type": "object", "nullable": true, "properties": {"address1": {"type": "string"}}})
        );
        assert_eq!(out.changes, 1);
    }
}
