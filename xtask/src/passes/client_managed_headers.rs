//! `client_managed_headers`: every operation declares a `Wink-Version` header parameter
//! (the only valid value is `2.0`, and the spec's own default `2.0.0` is wrong) and many an
//! `Accept` parameter whose only value is `application/json`. Generated as parameters they
//! become 122 one-variant enums and 68 Accept enums, a quarter of the generated lines, and
//! every caller would have to pass them.
//!
//! The pass removes both parameters (matched case-insensitively); wink-api's request hook
//! sends `Wink-Version: 2.0` and `Accept: application/json` on every request instead.
//! What is lost: nothing a caller could usefully choose.

use serde_json::Value;

use super::PassOutcome;

/// Header parameters the client sets itself, lowercase.
pub const CLIENT_MANAGED: [&str; 2] = ["wink-version", "accept"];

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return out;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (key, entry) in item.iter_mut() {
            let params = if key == "parameters" { Some(entry) } else { entry.get_mut("parameters") };
            let Some(Value::Array(params)) = params else {
                continue;
            };
            let before = params.len();
            params.retain(|p| !is_client_managed(p));
            out.changes += before - params.len();
        }
    }
    out
}

fn is_client_managed(param: &Value) -> bool {
    param.get("in").and_then(Value::as_str) == Some("header")
        && param
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| CLIENT_MANAGED.contains(&n.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn removes_version_and_accept_headers_only() {
        let mut d = json!({"paths": {"/x": {"get": {"parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "Wink-Version", "in": "header", "schema": {"type": "string", "enum": ["2.0"], "default": "2.0.0"}},
            {"name": "accept", "in": "header", "schema": {"type": "string"}},
            {"name": "Accept", "in": "query", "schema": {"type": "string"}}
        ]}}}});
        let out = run(&mut d);
        let names: Vec<_> = d["paths"]["/x"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["id", "Accept"]);
        assert_eq!(out.changes, 2);
    }
}
