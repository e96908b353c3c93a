//! `json_media_types`: springdoc offers every error response as json, xml, text and `*/*`,
//! 401/403 only as `*/*`, and 500 as an untyped object in five media types. progenitor
//! asserts a single response type per operation (a panic, not an error) and only decodes
//! `application/json`.
//!
//! The pass keeps one media type per response: `application/json` where offered; a `*/*`
//! entry becomes `application/json` unless its schema is a bare string (then `text/plain`,
//! returned as raw bytes). Error responses whose only schema is an untyped object (the 500s)
//! are removed, so such a response reaches the caller as `Error::UnexpectedResponse` with
//! status, headers and body intact, HTML included, rather than failing to decode.
//! What is lost: the xml/text alternatives (the client only ever asks for JSON) and an
//! "untyped object" schema that promised nothing.

use serde_json::{Value, json};

use super::PassOutcome;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    let mut removed_untyped = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return out;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Some(content) = op.pointer_mut("/requestBody/content")
                && keep_single_media_type(content)
            {
                out.change();
            }
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            responses.retain(|code, response| {
                let is_error = !code.starts_with('2') && !code.starts_with('1') && !code.starts_with('3');
                if is_error && has_only_untyped_object(response) {
                    removed_untyped += 1;
                    return false;
                }
                true
            });
            for response in responses.values_mut() {
                if let Some(content) = response.get_mut("content")
                    && keep_single_media_type(content)
                {
                    out.change();
                }
            }
        }
    }
    if removed_untyped > 0 {
        out.changes += removed_untyped;
        out.notes.push(format!(
            "{removed_untyped} untyped error response(s) (500) left undecoded: callers get the raw response"
        ));
    }
    out
}

/// Reduces `content` to one media type; returns whether it changed anything.
fn keep_single_media_type(content: &mut Value) -> bool {
    let Some(map) = content.as_object_mut() else {
        return false;
    };
    if map.len() <= 1 && !map.contains_key("*/*") {
        return false;
    }
    if let Some((key, entry)) =
        map.iter().find(|(k, _)| k.starts_with("application/json")).map(|(k, v)| (k.clone(), v.clone()))
    {
        *content = json!({ key: entry });
        return true;
    }
    if let Some(entry) = map.get("*/*").cloned() {
        let bare_string = entry.pointer("/schema/type").and_then(Value::as_str) == Some("string")
            && entry.pointer("/schema/format").is_none();
        let key = if bare_string { "text/plain" } else { "application/json" };
        *content = json!({ key: entry });
        return true;
    }
    false
}

fn has_only_untyped_object(response: &Value) -> bool {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return false;
    };
    !content.is_empty()
        && content.values().all(|media| {
            media.get("schema").and_then(Value::as_object).is_some_and(|s| {
                s.get("type").and_then(Value::as_str) == Some("object")
                    && !["properties", "additionalProperties", "$ref", "allOf", "oneOf", "anyOf"]
                        .iter()
                        .any(|k| s.contains_key(*k))
            })
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn one_media_type_per_response_and_untyped_500s_removed() {
        let problem = json!({"schema": {"$ref": "#/components/schemas/ProblemDetail"}});
        let untyped = json!({"schema": {"type": "object"}});
        let mut d = json!({"paths": {"/x": {"get": {"responses": {
            "200": {"content": {"*/*": {"schema": {"type": "string"}}}},
            "400": {"content": {"application/json": problem, "application/xml": problem, "*/*": problem}},
            "401": {"content": {"*/*": problem}},
            "500": {"content": {"application/json": untyped, "text/html": untyped}}
        }}}}});
        let out = run(&mut d);
        let r = &d["paths"]["/x"]["get"]["responses"];
        assert_eq!(r["200"]["content"], json!({"text/plain": {"schema": {"type": "string"}}}));
        assert_eq!(r["400"]["content"], json!({"application/json": problem}));
        assert_eq!(r["401"]["content"], json!({"application/json": problem}));
        assert!(r.get("500").is_none());
        assert_eq!(out.changes, 4);
    }

    #[test]
    fn a_typed_500_is_kept() {
        let mut d = json!({"paths": {"/x": {"get": {"responses": {
            "500": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}}}
        }}}}});
        run(&mut d);
        assert!(d["paths"]["/x"]["get"]["responses"].get("500").is_some());
    }
}
