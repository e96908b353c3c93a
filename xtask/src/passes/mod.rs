//! Spec normalisation: small named passes that turn springdoc's OpenAPI 3.1 output into a
//! document progenitor 0.15 accepts and generates correct code from.
//!
//! Each pass is one module with a doc comment saying what the source gets wrong, what the
//! pass changes, and what (if anything) is lost; each has a unit test on a tiny fixture. Passes
//! run in the order of [`PASSES`] on the document as `serde_json::Value` (openapiv3 cannot
//! parse the 3.1 input), and each returns a count plus notes that go into the normalisation
//! report `regen` prints and writes beside the generated code.

use serde_json::Value;

mod client_managed_headers;
mod defaults_empty_strings;
mod defaults_nonconforming;
pub(crate) mod defaults_placeholder_formats;
mod json_media_types;
mod multipart_operations;
mod null_type_objects;
mod open_response_enums;
mod openapi_3_0;
mod operation_ids;
mod relax_response_constraints;
mod type_arrays;

pub use multipart_operations::{MULTIPART_EXTENSION, MultipartOperation};

/// What one pass did to one document.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassOutcome {
    /// How many places the pass changed.
    pub changes: usize,
    /// Details worth a reviewer's eye (renamed operations, removed operations, ...).
    pub notes: Vec<String>,
}

impl PassOutcome {
    /// Counts one change.
    pub fn change(&mut self) {
        self.changes += 1;
    }

    /// Counts one change and records a note about it.
    pub fn note(&mut self, note: impl Into<String>) {
        self.changes += 1;
        self.notes.push(note.into());
    }
}

/// One normalisation pass.
pub struct Pass {
    /// Stable name, used in the report.
    pub name: &'static str,
    /// One line: what the pass fixes.
    pub fixes: &'static str,
    /// The transformation.
    pub run: fn(&mut Value) -> PassOutcome,
}

/// Every pass, in the order they run. Order matters: version and type fixes come first so
/// later passes see 3.0-shaped schemas; defaults are judged after types are settled; the
/// read-side relaxations run last so they see the final set of operations.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "openapi_3_0",
        fixes: "declare OpenAPI 3.0.3 and rewrite or drop 3.1-only keywords",
        run: openapi_3_0::run,
    },
    Pass {
        name: "type_arrays",
        fixes: "`type: [T, \"null\"]` becomes `type: T, nullable: true`",
        run: type_arrays::run,
    },
    Pass {
        name: "null_type_objects",
        fixes: "`type: \"null\"` schemas with properties become nullable objects",
        run: null_type_objects::run,
    },
    Pass {
        name: "defaults_nonconforming",
        fixes: "drop defaults that do not validate against their own schema",
        run: defaults_nonconforming::run,
    },
    Pass {
        name: "defaults_placeholder_formats",
        fixes: "drop placeholder defaults (`\"\"`) on uuid/date/date-time strings",
        run: defaults_placeholder_formats::run,
    },
    Pass {
        name: "defaults_empty_strings",
        fixes: "drop `default: \"\"` so optional strings are `Option` and not always sent",
        run: defaults_empty_strings::run,
    },
    Pass {
        name: "json_media_types",
        fixes: "one JSON media type per response; untyped 5xx bodies left raw",
        run: json_media_types::run,
    },
    Pass {
        name: "multipart_operations",
        fixes: "move multipart uploads out of progenitor's way (generated separately)",
        run: multipart_operations::run,
    },
    Pass {
        name: "client_managed_headers",
        fixes: "drop `Wink-Version` / `Accept` parameters the client always sends",
        run: client_managed_headers::run,
    },
    Pass {
        name: "operation_ids",
        fixes: "replace springdoc's `_1` operationId suffixes with names from the path",
        run: operation_ids::run,
    },
    Pass {
        name: "open_response_enums",
        fixes: "string enums in responses accept values added after this version",
        run: open_response_enums::run,
    },
    Pass {
        name: "relax_response_constraints",
        fixes: "length/range/count limits are not enforced when decoding responses",
        run: relax_response_constraints::run,
    },
];

/// The report line for one pass on one document.
#[derive(Debug, Clone)]
pub struct PassReport {
    /// Pass name.
    pub name: &'static str,
    /// What it fixes.
    pub fixes: &'static str,
    /// What it did.
    pub outcome: PassOutcome,
}

/// Runs every pass over `doc`, in order.
pub fn normalise(doc: &mut Value) -> Vec<PassReport> {
    PASSES
        .iter()
        .map(|pass| PassReport { name: pass.name, fixes: pass.fixes, outcome: (pass.run)(doc) })
        .collect()
}

/// Helpers shared by the passes' tests.
#[cfg(test)]
pub(crate) mod fixture {
    use serde_json::{Value, json};

    /// A document with one operation whose response is `response` and whose request body
    /// (when given) is `request`, plus the given component schemas.
    pub fn doc(request: Option<Value>, response: Value, schemas: Value) -> Value {
        let mut op = json!({
            "operationId": "op",
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": response}}}}
        });
        if let Some(request) = request {
            op["requestBody"] = json!({"content": {"application/json": {"schema": request}}});
        }
        json!({"openapi": "3.1.0", "paths": {"/x": {"post": op}}, "components": {"schemas": schemas}})
    }
}
