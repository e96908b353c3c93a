//! Reading one audience document and making it fit for progenitor.
//!
//! This is the whole path from verified bytes to an `openapiv3::OpenAPI`: parse (with file,
//! line and column on invalid JSON), check that every local `$ref` resolves (naming the JSON
//! pointer of a dangling one), run the normalisation passes, check that nothing unsupported
//! survived them (naming operation and location), and convert. Every failure is a
//! [`DocumentError`] that says where; nothing here panics on bad input.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::passes::{self, PassReport};
use crate::schema_walk::pointer_token;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Why a document cannot be generated from.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Not JSON.
    #[error("{file}:{line}:{column}: invalid JSON: {message}")]
    InvalidJson {
        /// Document file name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's message.
        message: String,
    },
    /// A `$ref` names something the document does not have.
    #[error("{file}: {at}: $ref `{target}` points to nothing in the document")]
    DanglingRef {
        /// Document file name.
        file: String,
        /// JSON pointer of the object holding the `$ref`.
        at: String,
        /// The reference.
        target: String,
    },
    /// Something no normalisation pass handles survived them.
    #[error("{file}: operation `{operation}` at {at}: unsupported: {what}")]
    Unsupported {
        /// Document file name.
        file: String,
        /// operationId (or method and path when it has none).
        operation: String,
        /// JSON pointer into the normalised document.
        at: String,
        /// What is unsupported.
        what: String,
    },
    /// The normalised document is not a valid OpenAPI 3.0 document.
    #[error("{file}: {at}: not a valid OpenAPI 3.0 document after normalisation: {message}")]
    Shape {
        /// Document file name.
        file: String,
        /// Where deserialisation failed.
        at: String,
        /// What openapiv3 said.
        message: String,
    },
}

/// A document ready for the generator.
#[derive(Debug)]
pub struct NormalisedDocument {
    /// The normalised JSON (kept for reports and the multipart generator).
    pub json: Value,
    /// The same, as openapiv3 types.
    pub spec: openapiv3::OpenAPI,
    /// What each pass did.
    pub passes: Vec<PassReport>,
}

/// Parses, checks, normalises and converts one document.
pub fn prepare(file: &str, bytes: &[u8]) -> Result<NormalisedDocument, DocumentError> {
    let mut json = parse_json(file, bytes)?;
    check_references(file, &json)?;
    let passes = passes::normalise(&mut json);
    check_supported(file, &json)?;
    let spec = to_openapiv3(file, &json)?;
    Ok(NormalisedDocument { json, spec, passes })
}

/// Parses JSON, reporting file, line and column on failure.
pub fn parse_json(file: &str, bytes: &[u8]) -> Result<Value, DocumentError> {
    serde_json::from_slice(bytes).map_err(|e| DocumentError::InvalidJson {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// Checks that every local `$ref` (`#/...`) resolves.
pub fn check_references(file: &str, doc: &Value) -> Result<(), DocumentError> {
    fn walk(file: &str, root: &Value, value: &Value, at: &mut String) -> Result<(), DocumentError> {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let resolves = target.strip_prefix('#').is_some_and(|p| root.pointer(p).is_some());
                    if !resolves {
                        return Err(DocumentError::DanglingRef {
                            file: file.into(),
                            at: at.clone(),
                            target: target.clone(),
                        });
                    }
                }
                for (key, child) in map {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&pointer_token(key));
                    walk(file, root, child, at)?;
                    at.truncate(len);
                }
            }
            Value::Array(list) => {
                for (i, child) in list.iter().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    walk(file, root, child, at)?;
                    at.truncate(len);
                }
            }
            _ => {}
        }
        Ok(())
    }
    walk(file, doc, doc, &mut String::new())
}

/// Checks, per operation, the constructs progenitor would refuse or panic on.
pub fn check_supported(file: &str, doc: &Value) -> Result<(), DocumentError> {
    let unsupported = |operation: &str, at: String, what: String| DocumentError::Unsupported {
        file: file.to_string(),
        operation: operation.to_string(),
        at,
        what,
    };
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0") {
        return Err(unsupported("(document)", "/openapi".into(), format!("OpenAPI version `{version}`")));
    }
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(());
    };
    let mut ids = BTreeSet::new();
    for (path, item) in paths {
        for (method, op) in
            item.as_object().into_iter().flatten().filter(|(m, _)| METHODS.contains(&m.as_str()))
        {
            let base = format!("/paths/{}/{method}", pointer_token(path));
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                return Err(unsupported(
                    &format!("{} {path}", method.to_uppercase()),
                    base,
                    "no operationId".into(),
                ));
            };
            if !ids.insert(id) {
                return Err(unsupported(id, format!("{base}/operationId"), "duplicate operationId".into()));
            }
            if let Some(content) = op.pointer("/requestBody/content").and_then(Value::as_object) {
                for media in content.keys() {
                    if !media.starts_with("application/json")
                        && media != "application/x-www-form-urlencoded"
                        && media != "application/octet-stream"
                    {
                        return Err(unsupported(
                            id,
                            format!("{base}/requestBody/content/{}", pointer_token(media)),
                            format!("request body media type `{media}`"),
                        ));
                    }
                }
            }
            for (i, param) in op.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate()
            {
                let location = param.get("in").and_then(Value::as_str).unwrap_or("");
                if !matches!(location, "path" | "query" | "header") {
                    return Err(unsupported(
                        id,
                        format!("{base}/parameters/{i}"),
                        format!("parameter in `{location}`"),
                    ));
                }
            }
            let mut error_types = BTreeSet::new();
            let mut success_types = BTreeSet::new();
            for (code, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                let content = response.get("content").and_then(Value::as_object);
                if content.is_some_and(|c| c.len() > 1) {
                    return Err(unsupported(
                        id,
                        format!("{base}/responses/{code}/content"),
                        "several response media types".into(),
                    ));
                }
                let typ =
                    content.and_then(|c| c.iter().next()).map(|(m, v)| (m.clone(), v.get("schema").cloned()));
                let typ = serde_json::to_string(&typ).unwrap_or_default();
                if code.starts_with('2') || code == "default" {
                    success_types.insert(typ);
                } else {
                    error_types.insert(typ);
                }
            }
            if success_types.len() > 1 || error_types.len() > 1 {
                let which = if success_types.len() > 1 { "success" } else { "error" };
                return Err(unsupported(
                    id,
                    format!("{base}/responses"),
                    format!("{which} responses of different types"),
                ));
            }
        }
    }
    Ok(())
}

fn to_openapiv3(file: &str, doc: &Value) -> Result<openapiv3::OpenAPI, DocumentError> {
    serde_path_to_error::deserialize(doc).map_err(|e| DocumentError::Shape {
        file: file.to_string(),
        at: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_json_names_file_line_and_column() {
        let err = prepare("affiliate.json", b"{\n  \"openapi\": \"3.1.0\",\n  oops\n}").unwrap_err();
        assert!(matches!(err, DocumentError::InvalidJson { line: 3, column: 3, .. }), "{err:?}");
        assert!(err.to_string().starts_with("affiliate.json:3:3: invalid JSON"), "{err}");
    }

    #[test]
    fn a_dangling_ref_names_its_json_pointer() {
        let doc = br##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"operationId": "a",
            "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gone"}}}}}}}}}"##;
        let err = prepare("x.json", doc).unwrap_err().to_string();
        assert!(err.contains("/paths/~1a/get/responses/200/content/application~1json/schema"), "{err}");
        assert!(err.contains("#/components/schemas/Gone"), "{err}");
    }

    #[test]
    fn an_unsupported_construct_names_operation_and_location() {
        let doc = br#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"operationId": "a",
            "parameters": [{"name": "c", "in": "cookie", "schema": {"type": "string"}}], "responses": {}}}}}"#;
        let err = prepare("x.json", doc).unwrap_err().to_string();
        assert_eq!(
            err,
            "x.json: operation `a` at /paths/~1a/get/parameters/0: unsupported: parameter in `cookie`"
        );
    }

    #[test]
    fn a_shape_error_names_its_path() {
        let doc = br#"{"openapi": "3.1.0", "info": {"title": "t", "version": 1}, "paths": {}}"#;
        let err = prepare("x.json", doc).unwrap_err().to_string();
        assert!(err.contains("info.version"), "{err}");
    }
}
