//! Visiting every JSON Schema object of an OpenAPI document, with where it sits.
//!
//! The normalisation passes rewrite schema keywords (`type`, `default`, `enum`, ...). Those
//! words are also ordinary property names (`properties.type`), so a pass must only touch
//! objects that really are schemas. This module knows where OpenAPI 3.x puts schemas and which
//! way each one travels (request, response, both), which is what the read-lenient /
//! write-strict passes need.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

/// Which way a schema's data travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Only sent by the client (request bodies, parameters).
    Request,
    /// Only received by the client (response bodies, response headers).
    Response,
    /// Reachable from both a request and a response.
    Both,
    /// Reachable from no operation.
    Unused,
}

impl Direction {
    /// Whether data of this schema can arrive in a response.
    pub fn is_read(self) -> bool {
        matches!(self, Direction::Response | Direction::Both)
    }

    fn of(request: bool, response: bool) -> Self {
        match (request, response) {
            (true, true) => Direction::Both,
            (true, false) => Direction::Request,
            (false, true) => Direction::Response,
            (false, false) => Direction::Unused,
        }
    }
}

/// Where a visited schema is.
#[derive(Debug, Clone)]
pub struct SchemaSite {
    /// JSON pointer of the schema object in the document.
    pub pointer: String,
    /// Which way its data travels.
    pub direction: Direction,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Keywords whose value is one sub-schema.
const SUBSCHEMA_KEYS: [&str; 5] = ["items", "additionalProperties", "not", "contains", "unevaluatedItems"];
/// Keywords whose value is an array of sub-schemas.
const SUBSCHEMA_LIST_KEYS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to sub-schemas.
const SUBSCHEMA_MAP_KEYS: [&str; 3] = ["properties", "patternProperties", "$defs"];

/// Escapes one JSON pointer token (RFC 6901).
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Calls `f` on every schema object in `doc`, parents before children.
pub fn visit_schemas_mut(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &SchemaSite)) {
    let directions = component_directions(doc);
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in schemas.iter_mut() {
            let direction = directions.get(name).copied().unwrap_or(Direction::Unused);
            let pointer = format!("/components/schemas/{}", pointer_token(name));
            walk(schema, pointer, direction, f);
        }
    }
    for (pointer, schema, direction) in operation_schema_roots(doc) {
        walk(schema, pointer, direction, f);
    }
}

fn walk(
    value: &mut Value,
    pointer: String,
    direction: Direction,
    f: &mut dyn FnMut(&mut Map<String, Value>, &SchemaSite),
) {
    let Value::Object(schema) = value else { return };
    f(schema, &SchemaSite { pointer: pointer.clone(), direction });
    for key in SUBSCHEMA_KEYS {
        if let Some(sub) = schema.get_mut(key) {
            walk(sub, format!("{pointer}/{key}"), direction, f);
        }
    }
    for key in SUBSCHEMA_LIST_KEYS {
        if let Some(Value::Array(list)) = schema.get_mut(key) {
            for (i, sub) in list.iter_mut().enumerate() {
                walk(sub, format!("{pointer}/{key}/{i}"), direction, f);
            }
        }
    }
    for key in SUBSCHEMA_MAP_KEYS {
        if let Some(Value::Object(map)) = schema.get_mut(key) {
            for (name, sub) in map.iter_mut() {
                walk(sub, format!("{pointer}/{key}/{}", pointer_token(name)), direction, f);
            }
        }
    }
}

/// The schemas that sit directly in operations (and in reusable components other than
/// `components/schemas`), with their pointer and direction.
fn operation_schema_roots(doc: &mut Value) -> Vec<(String, &mut Value, Direction)> {
    let mut roots = Vec::new();
    let Some(root) = doc.as_object_mut() else {
        return roots;
    };
    for (section, value) in root.iter_mut() {
        match section.as_str() {
            "paths" => {
                let Some(paths) = value.as_object_mut() else {
                    continue;
                };
                for (path, item) in paths.iter_mut() {
                    let base = format!("/paths/{}", pointer_token(path));
                    let Some(item) = item.as_object_mut() else {
                        continue;
                    };
                    for (key, entry) in item.iter_mut() {
                        if key == "parameters" {
                            parameter_schemas(entry, format!("{base}/parameters"), &mut roots);
                        } else if METHODS.contains(&key.as_str()) {
                            operation_schemas(entry, format!("{base}/{key}"), &mut roots);
                        }
                    }
                }
            }
            "components" => {
                let Some(components) = value.as_object_mut() else {
                    continue;
                };
                for (kind, entries) in components.iter_mut() {
                    let Some(entries) = entries.as_object_mut() else {
                        continue;
                    };
                    for (name, entry) in entries.iter_mut() {
                        let base = format!("/components/{kind}/{}", pointer_token(name));
                        match kind.as_str() {
                            "parameters" => single_parameter_schema(entry, base, &mut roots),
                            "requestBodies" => content_schemas(entry, base, Direction::Request, &mut roots),
                            "responses" => response_schemas(entry, base, &mut roots),
                            "headers" => {
                                if let Some(schema) = entry.get_mut("schema") {
                                    roots.push((format!("{base}/schema"), schema, Direction::Response));
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    roots
}

fn operation_schemas<'a>(
    op: &'a mut Value,
    base: String,
    roots: &mut Vec<(String, &'a mut Value, Direction)>,
) {
    let Some(op) = op.as_object_mut() else { return };
    for (key, value) in op.iter_mut() {
        match key.as_str() {
            "parameters" => parameter_schemas(value, format!("{base}/parameters"), roots),
            "requestBody" => content_schemas(value, format!("{base}/requestBody"), Direction::Request, roots),
            "responses" => {
                let Some(responses) = value.as_object_mut() else {
                    continue;
                };
                for (code, response) in responses.iter_mut() {
                    response_schemas(response, format!("{base}/responses/{}", pointer_token(code)), roots);
                }
            }
            _ => {}
        }
    }
}

fn parameter_schemas<'a>(
    params: &'a mut Value,
    base: String,
    roots: &mut Vec<(String, &'a mut Value, Direction)>,
) {
    let Some(params) = params.as_array_mut() else {
        return;
    };
    for (i, param) in params.iter_mut().enumerate() {
        single_parameter_schema(param, format!("{base}/{i}"), roots);
    }
}

fn single_parameter_schema<'a>(
    param: &'a mut Value,
    base: String,
    roots: &mut Vec<(String, &'a mut Value, Direction)>,
) {
    if let Some(schema) = param.get_mut("schema") {
        roots.push((format!("{base}/schema"), schema, Direction::Request));
    }
}

fn response_schemas<'a>(
    response: &'a mut Value,
    base: String,
    roots: &mut Vec<(String, &'a mut Value, Direction)>,
) {
    let Some(response) = response.as_object_mut() else {
        return;
    };
    for (key, value) in response.iter_mut() {
        match key.as_str() {
            "content" => media_schemas(value, format!("{base}/content"), Direction::Response, roots),
            "headers" => {
                let Some(headers) = value.as_object_mut() else {
                    continue;
                };
                for (name, header) in headers.iter_mut() {
                    if let Some(schema) = header.get_mut("schema") {
                        let pointer = format!("{base}/headers/{}/schema", pointer_token(name));
                        roots.push((pointer, schema, Direction::Response));
                    }
                }
            }
            _ => {}
        }
    }
}

fn content_schemas<'a>(
    body: &'a mut Value,
    base: String,
    direction: Direction,
    roots: &mut Vec<(String, &'a mut Value, Direction)>,
) {
    if let Some(content) = body.get_mut("content") {
        media_schemas(content, format!("{base}/content"), direction, roots);
    }
}

fn media_schemas<'a>(
    content: &'a mut Value,
    base: String,
    direction: Direction,
    roots: &mut Vec<(String, &'a mut Value, Direction)>,
) {
    let Some(content) = content.as_object_mut() else {
        return;
    };
    for (media, entry) in content.iter_mut() {
        if let Some(schema) = entry.get_mut("schema") {
            roots.push((format!("{base}/{}/schema", pointer_token(media)), schema, direction));
        }
    }
}

/// The component schema a local `$ref` names (`#/components/schemas/NAME`).
pub fn component_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(name) = component_ref_name(r)
            {
                out.insert(name.replace("~1", "/").replace("~0", "~"));
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Which way each component schema travels, following `$ref`s transitively from the
/// operations' request and response sites.
pub fn component_directions(doc: &Value) -> HashMap<String, Direction> {
    let mut request_seeds = BTreeSet::new();
    let mut response_seeds = BTreeSet::new();
    for item in doc.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
        for (key, entry) in item.as_object().into_iter().flatten() {
            if key == "parameters" {
                collect_refs(entry, &mut request_seeds);
            } else if METHODS.contains(&key.as_str()) {
                for (part, value) in entry.as_object().into_iter().flatten() {
                    match part.as_str() {
                        "parameters" | "requestBody" => collect_refs(value, &mut request_seeds),
                        "responses" => collect_refs(value, &mut response_seeds),
                        _ => {}
                    }
                }
            }
        }
    }
    for (kind, is_request) in
        [("parameters", true), ("requestBodies", true), ("responses", false), ("headers", false)]
    {
        if let Some(section) = doc.pointer(&format!("/components/{kind}")) {
            collect_refs(section, if is_request { &mut request_seeds } else { &mut response_seeds });
        }
    }
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object);
    let closure = |seeds: BTreeSet<String>| {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = seeds.into_iter().collect();
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(schema) = schemas.and_then(|s| s.get(&name)) {
                let mut refs = BTreeSet::new();
                collect_refs(schema, &mut refs);
                stack.extend(refs.into_iter().filter(|r| !seen.contains(r)));
            }
        }
        seen
    };
    let request = closure(request_seeds);
    let response = closure(response_seeds);
    schemas
        .into_iter()
        .flat_map(|s| s.keys())
        .map(|name| (name.clone(), Direction::of(request.contains(name), response.contains(name))))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fixture() -> Value {
        json!({
            "paths": {"/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
                }
            }},
            "components": {"schemas": {
                "In": {"type": "object", "properties": {"shared": {"$ref": "#/components/schemas/Shared"}}},
                "Out": {"type": "object", "properties": {
                    "shared": {"$ref": "#/components/schemas/Shared"},
                    "type": {"type": "array", "items": {"type": "string"}}
                }},
                "Shared": {"type": "string"},
                "Orphan": {"type": "string"}
            }}
        })
    }

    #[test]
    fn directions_follow_refs_transitively() {
        let d = component_directions(&fixture());
        assert_eq!(d["In"], Direction::Request);
        assert_eq!(d["Out"], Direction::Response);
        assert_eq!(d["Shared"], Direction::Both);
        assert_eq!(d["Orphan"], Direction::Unused);
    }

    #[test]
    fn visits_schemas_only_never_property_maps() {
        let mut doc = fixture();
        let mut seen = Vec::new();
        visit_schemas_mut(&mut doc, &mut |_, site| seen.push((site.pointer.clone(), site.direction)));
        let pointers: Vec<_> = seen.iter().map(|(p, _)| p.as_str()).collect();
        assert!(pointers.contains(&"/components/schemas/Out/properties/type/items"));
        assert!(pointers.contains(&"/paths/~1a~1{id}/parameters/0/schema"));
        assert!(!pointers.contains(&"/components/schemas/Out/properties"));
        let response =
            seen.iter().find(|(p, _)| p.ends_with("/responses/200/content/application~1json/schema"));
        assert_eq!(response.unwrap().1, Direction::Response);
    }
}
