//! `multipart_operations`: supplier has 10 `multipart/form-data` upload operations, which
//! progenitor refuses outright (and would take the whole document down with it).
//!
//! The pass moves each such operation out of `paths` into the root extension
//! [`MULTIPART_EXTENSION`], as a [`MultipartOperation`]; the generator then writes those
//! methods itself (a `reqwest::multipart::Form` body, the same hooks, error and response
//! types as every other method), so no operation is dropped. Only operations whose
//! parameters are all in the path and whose form fields are binary files are moved; anything
//! else is left in place for the supported-construct check to report.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PassOutcome;

/// Root extension that carries the moved operations to the generator.
pub const MULTIPART_EXTENSION: &str = "x-wink-multipart-operations";

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// An upload operation, as the generator needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MultipartOperation {
    /// operationId.
    pub operation_id: String,
    /// Lowercase HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Summary and description, for the doc comment.
    pub doc: String,
    /// Path parameters, in template order.
    pub path_parameters: Vec<String>,
    /// Form fields: name and whether it takes several files.
    pub files: Vec<FileField>,
    /// The success status and the `$ref` of its JSON body.
    pub success: Option<(u16, String)>,
    /// The 4xx status codes and the `$ref` of their (shared) JSON body.
    pub error: Option<(Vec<u16>, String)>,
}

/// A binary form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileField {
    /// Field name.
    pub name: String,
    /// `true` for an array of files.
    pub multiple: bool,
}

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    let mut moved = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            let movable: Vec<String> = item
                .iter()
                .filter(|(m, op)| METHODS.contains(&m.as_str()) && describe(path, m, op).is_some())
                .map(|(m, _)| m.clone())
                .collect();
            for method in movable {
                let op = item.remove(&method).expect("listed above");
                let described = describe(path, &method, &op).expect("checked above");
                out.note(format!(
                    "{} ({} {path}) generated as a multipart method",
                    described.operation_id,
                    method.to_uppercase()
                ));
                moved.push(described);
            }
        }
        paths.retain(|_, item| {
            item.as_object().is_some_and(|i| i.keys().any(|k| METHODS.contains(&k.as_str())))
        });
    }
    if !moved.is_empty() {
        doc[MULTIPART_EXTENSION] = json!(moved);
    }
    out
}

fn describe(path: &str, method: &str, op: &Value) -> Option<MultipartOperation> {
    let schema = op.pointer("/requestBody/content/multipart~1form-data/schema")?;
    let mut files = Vec::new();
    for (name, field) in schema.get("properties")?.as_object()? {
        let binary =
            |s: &Value| s.get("type") == Some(&json!("string")) && s.get("format") == Some(&json!("binary"));
        let multiple = match field.get("type").and_then(Value::as_str) {
            Some("array") if field.get("items").is_some_and(binary) => true,
            _ if binary(field) => false,
            _ => return None,
        };
        files.push(FileField { name: name.clone(), multiple });
    }
    let mut path_parameters = Vec::new();
    for param in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        match param.get("in").and_then(Value::as_str) {
            Some("path") => path_parameters.push(param.get("name")?.as_str()?.to_string()),
            Some("header") => {} // client-managed headers only; checked below
            _ => return None,
        }
        if param.get("in").and_then(Value::as_str) == Some("header") {
            let name = param.get("name")?.as_str()?.to_ascii_lowercase();
            if !super::client_managed_headers::CLIENT_MANAGED.contains(&name.as_str()) {
                return None;
            }
        }
    }
    let responses = op.get("responses")?.as_object()?;
    let json_ref = |r: &Value| {
        let content = r.get("content")?.as_object()?;
        let media = content.get("application/json").or_else(|| content.get("*/*"))?;
        media.pointer("/schema/$ref")?.as_str().map(str::to_string)
    };
    let success = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        .and_then(|(code, r)| Some((code.parse().ok()?, json_ref(r)?)));
    let error_codes: Vec<u16> =
        responses.keys().filter(|c| c.starts_with('4')).filter_map(|c| c.parse().ok()).collect();
    let error = responses
        .iter()
        .filter(|(code, _)| code.starts_with('4'))
        .find_map(|(_, r)| json_ref(r))
        .map(|r| (error_codes, r));
    let doc = [op.get("summary"), op.get("description")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join("\n\n");
    Some(MultipartOperation {
        operation_id: op.get("operationId")?.as_str()?.to_string(),
        method: method.to_string(),
        path: path.to_string(),
        doc,
        path_parameters,
        files,
        success,
        error,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn uploads_move_to_the_extension_and_others_stay() {
        let mut d = json!({"paths": {
            "/p/{id}/upload": {"post": {
                "operationId": "uploadFiles",
                "summary": "Upload",
                "parameters": [{"name": "id", "in": "path"}, {"name": "Wink-Version", "in": "header"}],
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                }}}}},
                "responses": {
                    "207": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/P"}}}},
                    "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}}}
                }
            }},
            "/p/{id}": {"get": {"operationId": "show", "responses": {}}}
        }});
        let out = run(&mut d);
        assert!(d["paths"].get("/p/{id}/upload").is_none(), "an emptied path item is removed");
        assert!(d["paths"]["/p/{id}"].get("get").is_some());
        let moved: Vec<MultipartOperation> = serde_json::from_value(d[MULTIPART_EXTENSION].clone()).unwrap();
        assert_eq!(
            moved,
            [MultipartOperation {
                operation_id: "uploadFiles".into(),
                method: "post".into(),
                path: "/p/{id}/upload".into(),
                doc: "Upload".into(),
                path_parameters: vec!["id".into()],
                files: vec![FileField { name: "files".into(), multiple: true }],
                success: Some((207, "#/components/schemas/P".into())),
                error: Some((vec![400], "#/components/schemas/ProblemDetail".into())),
            }]
        );
        assert_eq!(out.changes, 1);
    }

    #[test]
    fn a_form_with_a_text_field_is_left_for_the_check_to_report() {
        let mut d = json!({"paths": {"/u": {"post": {
            "operationId": "u",
            "requestBody": {"content": {"multipart/form-data": {"schema": {"properties": {"note": {"type": "string"}}}}}},
            "responses": {}
        }}}});
        assert_eq!(run(&mut d).changes, 0);
        assert!(d["paths"]["/u"].get("post").is_some());
    }
}
