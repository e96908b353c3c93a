//! Turning a normalised document into formatted Rust with progenitor.
//!
//! progenitor is used as a library (no macro, no build.rs) with the settings wink-api is
//! designed around: builder interface, `crate::ClientContext` as the client's inner value and
//! hand-written `ClientHooks` required (`HooksMode::Expected`), `schemars::JsonSchema` on every
//! type. Output is formatted in-process with prettyplease, so it is byte-for-byte
//! deterministic. progenitor asserts (panics) on some inputs; those panics are caught and,
//! when the document as a whole fails, each operation is tried alone so the error can name
//! the one at fault.

use std::panic::{AssertUnwindSafe, catch_unwind};

use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::document::NormalisedDocument;

/// Why code generation failed.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// progenitor refused or panicked, and the failure was narrowed to one operation.
    #[error("{file}: progenitor failed on operation `{operation}` ({method} {path}): {message}")]
    Operation {
        /// Document file name.
        file: String,
        /// The operation that fails on its own.
        operation: String,
        /// Its method.
        method: String,
        /// Its path.
        path: String,
        /// progenitor's error or panic message.
        message: String,
    },
    /// progenitor failed on the document and on no single operation (a component schema).
    #[error("{file}: progenitor failed on the component schemas: {message}")]
    Document {
        /// Document file name.
        file: String,
        /// progenitor's error or panic message.
        message: String,
    },
    /// The generated tokens are not a Rust file (a progenitor bug).
    #[error("{file}: generated code does not parse as Rust: {message}")]
    Unparsable {
        /// Document file name.
        file: String,
        /// syn's message.
        message: String,
    },
}

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote!(crate::ClientContext))
        .with_hooks(HooksMode::Expected)
        .with_derive("schemars::JsonSchema");
    settings
}

thread_local! {
    static INSIDE_PROGENITOR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps progenitor's expected panics off stderr (they become errors); other panics still
/// print through the previous hook.
fn quiet_progenitor_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !INSIDE_PROGENITOR.with(|f| f.get()) {
                previous(info);
            }
        }));
    });
}

/// Runs progenitor on `spec`, turning a panic into an error message.
fn run_progenitor(spec: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    quiet_progenitor_panics();
    INSIDE_PROGENITOR.with(|f| f.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| Generator::new(&settings()).generate_tokens(spec)));
    INSIDE_PROGENITOR.with(|f| f.set(false));
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .map(|m| format!("panicked: {m}"))
            .unwrap_or_else(|| "panicked".into())),
    }
}

/// Generates the module for one document: progenitor's client plus the multipart methods.
pub fn generate(file: &str, doc: &NormalisedDocument) -> Result<syn::File, CodegenError> {
    let tokens = run_progenitor(&doc.spec).map_err(|message| locate_failure(file, &doc.spec, message))?;
    let extra = crate::multipart::generate(file, &doc.json)?;
    let paths = operation_paths(&doc.json);
    syn::parse2::<syn::File>(quote!(#tokens #extra #paths))
        .map_err(|e| CodegenError::Unparsable { file: file.to_string(), message: e.to_string() })
}

/// `OPERATION_PATHS`: each operation's id (as progenitor's `OperationInfo` names it, snake
/// case) and its path template, sorted by id, so the hooks can name the template in their
/// span without the request's concrete ids.
fn operation_paths(doc: &serde_json::Value) -> proc_macro2::TokenStream {
    use heck::ToSnakeCase as _;
    let mut rows: Vec<(String, String)> = Vec::new();
    for (path, item) in doc.get("paths").and_then(|p| p.as_object()).into_iter().flatten() {
        for op in item.as_object().into_iter().flatten().map(|(_, op)| op) {
            if let Some(id) = op.get("operationId").and_then(|id| id.as_str()) {
                rows.push((id.to_snake_case(), path.clone()));
            }
        }
    }
    for op in doc.get(crate::passes::MULTIPART_EXTENSION).and_then(|m| m.as_array()).into_iter().flatten() {
        if let (Some(id), Some(path)) =
            (op.get("operationId").and_then(|v| v.as_str()), op.get("path").and_then(|v| v.as_str()))
        {
            rows.push((id.to_snake_case(), path.to_string()));
        }
    }
    rows.sort();
    rows.dedup_by(|a, b| a.0 == b.0);
    let (ids, paths): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    quote! {
        /// Each operation's `OperationInfo` id and path template, sorted by id.
        pub const OPERATION_PATHS: &[(&str, &str)] = &[#((#ids, #paths)),*];
    }
}

/// Formats a file with prettyplease, behind the "generated" header lines.
pub fn format_file(header: &str, file: &syn::File) -> String {
    let body = prettyplease::unparse(file);
    format!("{header}{body}")
}

/// Tries each operation alone to find the one progenitor fails on.
fn locate_failure(file: &str, spec: &openapiv3::OpenAPI, whole: String) -> CodegenError {
    let mut empty = spec.clone();
    empty.paths.paths.clear();
    if let Err(message) = run_progenitor(&empty) {
        return CodegenError::Document { file: file.to_string(), message };
    }
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let mut single_item = item.clone();
            for (m, slot) in [
                ("get", &mut single_item.get),
                ("put", &mut single_item.put),
                ("post", &mut single_item.post),
                ("delete", &mut single_item.delete),
                ("options", &mut single_item.options),
                ("head", &mut single_item.head),
                ("patch", &mut single_item.patch),
                ("trace", &mut single_item.trace),
            ] {
                if m != method {
                    *slot = None;
                }
            }
            let mut single = empty.clone();
            single.paths.paths.insert(path.clone(), openapiv3::ReferenceOr::Item(single_item));
            if let Err(message) = run_progenitor(&single) {
                return CodegenError::Operation {
                    file: file.to_string(),
                    operation: op.operation_id.clone().unwrap_or_default(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    message,
                };
            }
        }
    }
    CodegenError::Document { file: file.to_string(), message: whole }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document progenitor refuses in one operation (a query parameter given as `content`,
    /// which no pass rewrites), beside one it accepts.
    const REFUSED: &[u8] = br#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {
        "/fine": {"get": {"operationId": "fine", "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"type": "string"}}}}}}},
        "/odd": {"get": {"operationId": "odd", "parameters": [{"name": "q", "in": "query", "content": {"application/json": {"schema": {"type": "string"}}}}],
            "responses": {"200": {"description": ""}}}}
    }}"#;

    #[test]
    fn a_progenitor_failure_names_the_operation() {
        let doc = crate::document::prepare("x.json", REFUSED).unwrap();
        let Err(err) = generate("x.json", &doc) else { panic!("progenitor accepted a `content` parameter") };
        assert!(matches!(&err, CodegenError::Operation { operation, .. } if operation == "odd"), "{err}");
        assert!(
            err.to_string().starts_with("x.json: progenitor failed on operation `odd` (GET /odd): "),
            "{err}"
        );
    }

    #[test]
    fn a_progenitor_panic_is_an_error_not_a_crash() {
        // Two different success types: progenitor asserts (panics). The supported-construct
        // check normally catches this first; call the generator directly to prove the net.
        let mut doc = crate::document::prepare("x.json", REFUSED).unwrap();
        let openapiv3::ReferenceOr::Item(odd) = doc.spec.paths.paths.get_mut("/odd").unwrap() else {
            unreachable!()
        };
        let op = odd.get.as_mut().unwrap();
        op.parameters.clear();
        let json_string = |schema: &str| {
            serde_json::from_str::<openapiv3::ReferenceOr<openapiv3::Response>>(&format!(
                r#"{{"description": "", "content": {{"application/json": {{"schema": {{"type": "{schema}"}}}}}}}}"#
            ))
            .unwrap()
        };
        op.responses.responses.insert(openapiv3::StatusCode::Code(200), json_string("string"));
        op.responses.responses.insert(openapiv3::StatusCode::Code(201), json_string("integer"));
        let Err(err) = generate("x.json", &doc) else { panic!("progenitor accepted two success types") };
        let err = err.to_string();
        assert!(err.contains("operation `odd`") && err.contains("panicked"), "{err}");
    }
}
