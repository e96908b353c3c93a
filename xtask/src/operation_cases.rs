//! Generated test cases: one call per operation, with valid arguments synthesised from the spec.
//!
//! The conformance suite (Prism) and the wire snapshots (`tests/tests/operations/`) need every
//! operation called through the generated client with arguments the spec accepts. Writing 124
//! calls by hand would go stale at the next spec bump, so `regen` writes them: for each
//! operation, a `operation_case!` invocation whose closure sets every path parameter, every
//! required query or header parameter and the JSON body, then sends.
//!
//! Values come from the *original* document's schemas (the ones Prism validates against), not
//! the normalised ones: a usable `example` when it satisfies the schema's type, format, enum,
//! pattern and bounds, otherwise a value synthesised from them (required properties only,
//! one array item, the first enum value). Rust types are read from the setters progenitor
//! generated (`V: TryInto<T>`), so the cases compile against exactly the client they test.
//! Optional parameters and properties are left out: the cases prove the minimum valid call.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};
use serde_json::{Map, Value, json};

use crate::passes::defaults_placeholder_formats::{is_date, is_date_time, is_uuid};

/// Why a case could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The operation has no builder in the generated code under the expected name.
    #[error("{file}: no generated builder `{builder}` for operation `{operation}`")]
    MissingBuilder {
        /// Document file name.
        file: String,
        /// The normalised operationId.
        operation: String,
        /// The struct looked for in `mod builder`.
        builder: String,
    },
    /// A parameter has no setter on its builder.
    #[error("{file}: operation `{operation}` has no setter `{setter}` for parameter `{parameter}`")]
    MissingSetter {
        /// Document file name.
        file: String,
        /// The normalised operationId.
        operation: String,
        /// The spec's parameter name.
        parameter: String,
        /// The setter looked for.
        setter: String,
    },
    /// No value satisfying a schema could be found.
    #[error("{file}: cannot synthesise a valid value at {pointer}: {reason}")]
    Unsatisfiable {
        /// Document file name.
        file: String,
        /// JSON pointer of the schema.
        pointer: String,
        /// What was missing.
        reason: String,
    },
}

/// One operation's case, before rendering.
#[derive(Debug, Clone, PartialEq)]
struct Case {
    /// operationId in the original document (what reviewers and Prism see).
    original_id: String,
    method: String,
    path: String,
    /// The client method (snake case of the normalised operationId).
    client_method: String,
    /// `(setter, Rust type, sample)` in parameter order, then the body.
    arguments: Vec<Argument>,
    /// The success response is a byte stream (not JSON), so the case reads it raw.
    streams: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Argument {
    setter: String,
    rust_type: String,
    value: Value,
}

/// What a case needs to know of one of progenitor's builders.
#[derive(Debug, Default)]
pub struct Builder {
    /// Setter name -> the type `T` of its `V: TryInto<T>` bound, as source text.
    pub setters: BTreeMap<String, String>,
    /// `send()` returns a `ByteStream` (the success response is not JSON).
    pub streams: bool,
}

/// Every builder in progenitor's `mod builder`, by struct name.
pub fn builders(file: &syn::File) -> BTreeMap<String, Builder> {
    let mut out = BTreeMap::new();
    let builder = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    for item in builder.into_iter().flatten() {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(self_ty) = &*imp.self_ty else { continue };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else { continue };
        let builder: &mut Builder = out.entry(name).or_default();
        for impl_item in &imp.items {
            let syn::ImplItem::Fn(f) = impl_item else { continue };
            if f.sig.ident == "send" {
                let output = &f.sig.output;
                builder.streams = quote::quote!(#output).to_string().contains("ByteStream");
            } else if let Some(ty) = try_into_target(&f.sig.generics) {
                builder.setters.insert(f.sig.ident.to_string(), ty);
            }
        }
    }
    out
}

fn try_into_target(generics: &syn::Generics) -> Option<String> {
    for predicate in &generics.where_clause.as_ref()?.predicates {
        let syn::WherePredicate::Type(p) = predicate else { continue };
        for bound in &p.bounds {
            let syn::TypeParamBound::Trait(t) = bound else { continue };
            let segment = t.path.segments.last()?;
            if segment.ident != "TryInto" {
                continue;
            }
            if let syn::PathArguments::AngleBracketed(args) = &segment.arguments
                && let Some(syn::GenericArgument::Type(ty)) = args.args.first()
            {
                return Some(quote::quote!(#ty).to_string().replace(' ', ""));
            }
        }
    }
    None
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Renders the cases file of one audience.
///
/// `original` is the document as pinned, `normalised` what the client was generated from,
/// `code` the generated module, `module` its name in wink-api.
pub fn render(
    file: &str,
    module: &str,
    original: &Value,
    normalised: &Value,
    code: &syn::File,
    header: &str,
) -> Result<String, CaseError> {
    let cases = collect(file, original, normalised, code)?;
    let mut out = header.to_string();
    let _ = writeln!(out, "#[allow(unused_imports)]\nuse wink_api::{module}::{{Client, types}};\n");
    let _ = writeln!(
        out,
        "/// The audience (wink-api module) these cases call.\npub const AUDIENCE: &str = {module:?};\n"
    );
    let _ =
        writeln!(out, "/// Every operation of the document that has a case below, by original operationId.");
    let _ = writeln!(out, "pub const COVERED_OPERATIONS: &[&str] = &[");
    for case in &cases {
        let _ = writeln!(out, "    {:?},", case.original_id);
    }
    let _ = writeln!(out, "];\n");
    for case in &cases {
        let _ = writeln!(out, "operation_case! {{");
        let _ = writeln!(
            out,
            "    {}{} {:?} {:?} {:?},",
            if case.streams { "stream " } else { "" },
            case.client_method,
            case.original_id,
            case.method,
            case.path
        );
        let _ = writeln!(out, "    |client| client.{}()", case.client_method);
        for arg in &case.arguments {
            let value = rust_value(&arg.rust_type, &arg.value);
            let _ = writeln!(out, "        .{}({value})", arg.setter);
        }
        let _ = writeln!(out, "}}\n");
    }
    Ok(out.trim_end().to_string() + "\n")
}

/// A Rust expression producing `value` as `rust_type`: string literals as they are, anything
/// else deserialised from its JSON by the suite's `sample` helper.
fn rust_value(rust_type: &str, value: &Value) -> String {
    match value {
        Value::String(s) if rust_type == "::std::string::String" => format!("{s:?}"),
        _ => {
            let json = serde_json::to_string(value).expect("a JSON value serialises");
            let mut hashes = "#".to_string();
            while json.contains(&format!("\"{hashes}")) {
                hashes.push('#');
            }
            format!("sample::<{rust_type}>(r{hashes}\"{json}\"{hashes})")
        }
    }
}

fn collect(
    file: &str,
    original: &Value,
    normalised: &Value,
    code: &syn::File,
) -> Result<Vec<Case>, CaseError> {
    let builders = builders(code);
    let sampler = Sampler { file, doc: original };
    let mut cases = Vec::new();
    let empty = Map::new();
    let paths = normalised.get("paths").and_then(Value::as_object).unwrap_or(&empty);
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap_or(&empty) {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
            let original_op = &original["paths"][path][method];
            let original_id = original_op["operationId"].as_str().unwrap_or(id).to_string();
            let builder = id.to_upper_camel_case();
            let Some(builder) = builders.get(&builder) else {
                return Err(CaseError::MissingBuilder { file: file.into(), operation: id.into(), builder });
            };
            let builder_setters = &builder.setters;
            let pointer = format!("/paths/{}/{method}", escape(path));
            let mut arguments = Vec::new();
            for param in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                let param = sampler.resolve(param);
                let name = param["name"].as_str().unwrap_or_default();
                let location = param["in"].as_str().unwrap_or_default();
                if location != "path" && param["required"] != json!(true) {
                    continue;
                }
                let Some((setter, rust_type)) = setter_of(builder_setters, name) else {
                    return Err(CaseError::MissingSetter {
                        file: file.into(),
                        operation: id.into(),
                        parameter: name.into(),
                        setter: name.to_snake_case(),
                    });
                };
                // The original parameter (same name and place) carries the schema Prism checks.
                let original_param = original_op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| sampler.resolve(p))
                    .find(|p| p["name"] == name && p["in"] == location)
                    .unwrap_or(param);
                let value =
                    sampler.parameter(name, original_param, &format!("{pointer}/parameters/{name}"))?;
                arguments.push(Argument { setter, rust_type: rust_type.clone(), value });
            }
            let body_schema = original_op
                .pointer("/requestBody/content/application~1json/schema")
                .or_else(|| op.pointer("/requestBody/content/application~1json/schema"));
            if let (Some(schema), Some(rust_type)) = (body_schema, builder_setters.get("body")) {
                let value = sampler.sample(schema, &format!("{pointer}/requestBody"), 0)?;
                arguments.push(Argument { setter: "body".into(), rust_type: rust_type.clone(), value });
            }
            cases.push(Case {
                original_id,
                method: method.to_uppercase(),
                path: path.clone(),
                client_method: id.to_snake_case(),
                arguments,
                streams: builder.streams,
            });
        }
    }
    // Multipart operations (moved to the root extension by the normalisation, generated by
    // xtask as positional methods) have no builder, so no case: supplier's ten uploads. The
    // completeness test accepts exactly those as uncovered and the README counts them.
    cases.sort_by(|a, b| a.original_id.cmp(&b.original_id));
    Ok(cases)
}

/// The builder setter progenitor generated for a parameter, with its Rust type: the
/// parameter's snake-case name, or that name with `_` appended (progenitor's escape for a
/// Rust keyword: `type` becomes `type_`). Read from the builder rather than from a keyword
/// list, so it follows whatever progenitor does.
fn setter_of<'b>(setters: &'b BTreeMap<String, String>, parameter: &str) -> Option<(String, &'b String)> {
    let snake = parameter.to_snake_case();
    let escaped = format!("{snake}_");
    [snake, escaped].into_iter().find_map(|name| setters.get(&name).map(|ty| (name, ty)))
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Finds values that satisfy schemas of one document.
struct Sampler<'a> {
    file: &'a str,
    doc: &'a Value,
}

/// How deep `$ref`s are followed before giving up on an (always recursive) schema.
const MAX_DEPTH: usize = 24;

/// A fixed value for each string format, valid for Prism's format checks.
fn format_sample(format: &str) -> Option<&'static str> {
    Some(match format {
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "date" => "2026-06-01",
        "date-time" => "2026-06-01T12:00:00Z",
        "email" => "traveller@example.com",
        "uri" | "url" => "https://example.com/",
        "time" => "12:00:00",
        _ => return None,
    })
}

impl<'a> Sampler<'a> {
    fn error(&self, pointer: &str, reason: impl Into<String>) -> CaseError {
        CaseError::Unsatisfiable { file: self.file.into(), pointer: pointer.into(), reason: reason.into() }
    }

    /// Follows a local `$ref` (once per level) to what it names.
    fn resolve(&self, mut value: &'a Value) -> &'a Value {
        for _ in 0..MAX_DEPTH {
            match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(pointer) => match self.doc.pointer(pointer) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    /// A path or required parameter: its example when valid, else a value derived from its
    /// name (`managingEntityIdentifier` -> `managing-entity-1`), so snapshots read well.
    fn parameter(&self, name: &str, param: &Value, pointer: &str) -> Result<Value, CaseError> {
        let schema = self.resolve(param.get("schema").unwrap_or(&Value::Null));
        if let Some(example) = param.get("example").filter(|e| self.accepts(schema, e))
            && example != ""
        {
            return Ok(example.clone());
        }
        let stem = name.strip_suffix("Identifier").unwrap_or(name);
        let named = Value::String(format!("{}-1", heck::AsKebabCase(stem)));
        if self.accepts(schema, &named) {
            return Ok(named);
        }
        self.sample(schema, pointer, 0)
    }

    /// A value satisfying `schema`.
    fn sample(&self, schema: &Value, pointer: &str, depth: usize) -> Result<Value, CaseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(pointer, "schema nests too deeply (recursive required properties?)"));
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let target = reference
                .strip_prefix('#')
                .and_then(|p| self.doc.pointer(p))
                .ok_or_else(|| self.error(pointer, format!("dangling $ref {reference}")))?;
            return self.sample(target, reference.trim_start_matches('#'), depth + 1);
        }
        if let Some(value) = schema.get("const") {
            return Ok(value.clone());
        }
        if let Some(value) =
            schema.get("enum").and_then(Value::as_array).and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return Ok(value.clone());
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for (i, part) in parts.iter().enumerate() {
                match self.sample(part, &format!("{pointer}/allOf/{i}"), depth + 1)? {
                    Value::Object(fields) => merged.extend(fields),
                    other if parts.len() == 1 => return Ok(other),
                    _ => return Err(self.error(pointer, "allOf of non-objects")),
                }
            }
            return Ok(Value::Object(merged));
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                let branch = branches
                    .iter()
                    .position(|b| self.resolve(b).get("type") != Some(&json!("null")))
                    .ok_or_else(|| self.error(pointer, format!("{key} has only null branches")))?;
                return self.sample(&branches[branch], &format!("{pointer}/{key}/{branch}"), depth + 1);
            }
        }
        if let Some(example) = example_of(schema).filter(|e| self.accepts(schema, e)) {
            return Ok(example.clone());
        }
        match primary_type(schema) {
            Some("object") => self.object(schema, pointer, depth),
            Some("array") => {
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(1).max(1);
                let item = self.sample(
                    schema.get("items").unwrap_or(&json!({})),
                    &format!("{pointer}/items"),
                    depth + 1,
                )?;
                Ok(Value::Array(vec![item; min as usize]))
            }
            Some("string") => self.string(schema, pointer),
            Some("integer") => Ok(json!(self.number(schema).round() as i64)),
            Some("number") => Ok(json!(self.number(schema))),
            Some("boolean") => Ok(json!(true)),
            Some("null") => Ok(Value::Null),
            _ if schema.get("properties").is_some() => self.object(schema, pointer, depth),
            _ => Ok(json!({})),
        }
    }

    fn object(&self, schema: &Value, pointer: &str, depth: usize) -> Result<Value, CaseError> {
        let mut out = Map::new();
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
        {
            let property = properties.and_then(|p| p.get(name)).unwrap_or(&Value::Null);
            let value = if property.is_null() {
                json!("sample")
            } else {
                self.sample(property, &format!("{pointer}/properties/{name}"), depth + 1)?
            };
            out.insert(name.to_string(), value);
        }
        Ok(Value::Object(out))
    }

    fn string(&self, schema: &Value, pointer: &str) -> Result<Value, CaseError> {
        if let Some(value) = schema.get("format").and_then(Value::as_str).and_then(format_sample) {
            return Ok(json!(value));
        }
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema.get("maxLength").and_then(Value::as_u64).unwrap_or(u64::MAX) as usize;
        let mut candidates: Vec<String> =
            ["sample", "AAA", "EUR", "a", "1", "A1"].iter().map(|s| s.to_string()).collect();
        candidates.push("x".repeat(min.max(1)));
        candidates
            .into_iter()
            .map(|c| if c.len() < min { format!("{c}{}", "x".repeat(min - c.len())) } else { c })
            .map(Value::String)
            .find(|c| c.as_str().is_some_and(|s| s.len() <= max) && self.accepts(schema, c))
            .ok_or_else(|| {
                self.error(
                    pointer,
                    format!("no candidate string matches {schema}; give the schema an example"),
                )
            })
    }

    fn number(&self, schema: &Value) -> f64 {
        let min = schema.get("minimum").and_then(Value::as_f64);
        let exclusive_min = schema.get("exclusiveMinimum").and_then(Value::as_f64);
        let max = schema.get("maximum").and_then(Value::as_f64);
        let mut value = min
            .or(exclusive_min.map(|m| m + 1.0))
            .unwrap_or(1.0)
            .max(exclusive_min.map_or(f64::MIN, |m| m + 1.0));
        if let Some(max) = max {
            value = value.min(max);
        }
        value
    }

    /// Whether `value` satisfies `schema`'s own keywords (type, format, enum, pattern,
    /// bounds). Nested schemas are not followed: examples of objects are only used when the
    /// object's required properties are all present with the right JSON types.
    fn accepts(&self, schema: &Value, value: &Value) -> bool {
        let schema = self.resolve(schema);
        if let Some(values) = schema.get("enum").and_then(Value::as_array)
            && !values.contains(value)
        {
            return false;
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.is_empty() && !types.iter().any(|t| json_type_matches(t, value)) {
            return false;
        }
        match value {
            Value::String(s) => {
                let len = s.chars().count() as u64;
                if schema.get("minLength").and_then(Value::as_u64).is_some_and(|m| len < m)
                    || schema.get("maxLength").and_then(Value::as_u64).is_some_and(|m| len > m)
                {
                    return false;
                }
                if let Some(format) = schema.get("format").and_then(Value::as_str)
                    && !format_accepts(format, s)
                {
                    return false;
                }
                if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                    match regress::Regex::new(pattern) {
                        Ok(re) if re.find(s).is_some() => {}
                        _ => return false,
                    }
                }
                true
            }
            Value::Number(n) => {
                let n = n.as_f64().unwrap_or(f64::NAN);
                !(schema.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m)
                    || schema.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m))
            }
            Value::Object(fields) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .all(|name| {
                        fields.get(name).is_some_and(|v| {
                            properties.and_then(|p| p.get(name)).is_none_or(|p| {
                                let p = self.resolve(p);
                                p.get("type").is_none() || self.accepts(p, v)
                            })
                        })
                    })
                    && fields.iter().all(|(name, v)| {
                        properties.and_then(|p| p.get(name)).is_none_or(|p| self.accepts(p, v))
                    })
            }
            Value::Array(items) => {
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                items.len() as u64 >= min.max(1)
                    && schema.get("items").is_none_or(|item| items.iter().all(|v| self.accepts(item, v)))
            }
            _ => true,
        }
    }
}

fn example_of(schema: &Value) -> Option<&Value> {
    schema.get("example").or_else(|| schema.get("examples").and_then(Value::as_array).and_then(|e| e.first()))
}

fn primary_type(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

fn json_type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn format_accepts(format: &str, s: &str) -> bool {
    match format {
        "uuid" => is_uuid(s),
        "date" => is_date(s),
        "date-time" => is_date_time(s),
        "email" => s.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        "uri" | "url" => s.starts_with("https://") || s.starts_with("http://"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "components": {"schemas": {
                "Currency": {"type": "string", "pattern": "^[A-Z]{3}$", "example": "eur"},
                "Booking": {
                    "type": "object",
                    "required": ["id", "currency", "nights", "guests", "status"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid", "example": "hotel-1"},
                        "currency": {"$ref": "#/components/schemas/Currency"},
                        "nights": {"type": "integer", "minimum": 2},
                        "guests": {"type": "array", "items": {"type": "string", "format": "email"}},
                        "status": {"type": ["string", "null"], "enum": [null, "OPEN"]},
                        "note": {"type": "string"}
                    }
                }
            }}
        })
    }

    #[test]
    fn samples_satisfy_formats_patterns_bounds_and_skip_optional_properties() {
        let doc = doc();
        let sampler = Sampler { file: "t.json", doc: &doc };
        let value = sampler.sample(&json!({"$ref": "#/components/schemas/Booking"}), "#", 0).unwrap();
        assert_eq!(
            value,
            json!({
                "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "currency": "AAA",
                "nights": 2,
                "guests": ["traveller@example.com"],
                "status": "OPEN"
            })
        );
    }

    #[test]
    fn valid_examples_are_kept_and_wrong_ones_replaced() {
        let doc = json!({});
        let sampler = Sampler { file: "t.json", doc: &doc };
        let sample = |s: Value| sampler.sample(&s, "#", 0).unwrap();
        assert_eq!(sample(json!({"type": "string", "example": "Lisbon"})), json!("Lisbon"));
        assert_eq!(sample(json!({"type": "integer", "example": "12"})), json!(1));
        assert_eq!(sample(json!({"type": "string", "maxLength": 3, "example": "toolong"})), json!("AAA"));
        assert_eq!(
            sample(json!({"type": "string", "format": "date", "example": "June"})),
            json!("2026-06-01")
        );
        let date_time =
            |example: &str| sample(json!({"type": "string", "format": "date-time", "example": example}));
        assert_eq!(date_time("2017-12-31T23:59:59.999+01:00"), json!("2017-12-31T23:59:59.999+01:00"));
        assert_eq!(date_time("2017-12-01T00:00:000.000+0000"), json!("2026-06-01T12:00:00Z"));
        assert_eq!(date_time("2017-12-31T23:59:59.999+0000"), json!("2026-06-01T12:00:00Z"));
    }

    #[test]
    fn path_parameters_are_named_after_the_parameter() {
        let doc = json!({});
        let sampler = Sampler { file: "t.json", doc: &doc };
        let param = json!({"name": "managingEntityIdentifier", "in": "path", "schema": {"type": "string", "default": ""}});
        assert_eq!(
            sampler.parameter("managingEntityIdentifier", &param, "#").unwrap(),
            json!("managing-entity-1")
        );
        let uuid = json!({"name": "id", "in": "path", "schema": {"type": "string", "format": "uuid"}});
        assert_eq!(
            sampler.parameter("id", &uuid, "#").unwrap(),
            json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        );
    }

    #[test]
    fn an_unsatisfiable_pattern_is_an_error_naming_the_schema() {
        let doc = json!({});
        let sampler = Sampler { file: "t.json", doc: &doc };
        let err = sampler.sample(
            &json!({"type": "string", "pattern": "^[0-9]{9}$"}),
            "/components/schemas/Phone",
            0,
        );
        let message = err.unwrap_err().to_string();
        assert!(message.contains("/components/schemas/Phone") && message.contains("example"), "{message}");
    }

    #[test]
    fn setters_are_found_under_the_snake_case_name_or_its_keyword_escape() {
        let setters: BTreeMap<String, String> =
            [("type_", "String"), ("managing_entity_identifier", "String"), ("type_name", "u8")]
                .into_iter()
                .map(|(name, ty)| (name.to_string(), ty.to_string()))
                .collect();
        let name_of = |parameter| setter_of(&setters, parameter).map(|(name, _)| name);
        assert_eq!(name_of("type").as_deref(), Some("type_"));
        assert_eq!(name_of("managingEntityIdentifier").as_deref(), Some("managing_entity_identifier"));
        assert_eq!(setter_of(&setters, "typeName"), Some(("type_name".to_string(), &"u8".to_string())));
        assert_eq!(name_of("missing"), None);
    }

    #[test]
    fn setter_types_are_read_from_progenitor_builders() {
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> ShowThing<'a> {
                    pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::uuid::Uuid> { self }
                    pub fn body<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<types::Thing>, <V as std::convert::TryInto<types::Thing>>::Error: std::fmt::Display { self }
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {}
                }
                impl<'a> DownloadThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<()>> {}
                }
            }
        };
        let builders = builders(&file);
        let thing = &builders["ShowThing"];
        assert_eq!(thing.setters.len(), 2);
        assert_eq!(thing.setters["id"], "::uuid::Uuid");
        assert_eq!(thing.setters["body"], "types::Thing");
        assert!(!thing.streams);
        assert!(builders["DownloadThing"].streams);
    }

    #[test]
    fn values_render_as_literals_or_typed_samples() {
        assert_eq!(rust_value("::std::string::String", &json!("a\"b")), r#""a\"b""#);
        assert_eq!(rust_value("types::Thing", &json!({"a": 1})), r##"sample::<types::Thing>(r#"{"a":1}"#)"##);
        assert_eq!(
            rust_value("types::Thing", &json!({"a": "\"#"})),
            r###"sample::<types::Thing>(r##"{"a":"\"#"}"##)"###
        );
    }
}
