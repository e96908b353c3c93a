//! `cargo xtask spec diff OLD NEW`: what a spec bump changes, classified for review.
//!
//! A bump is reviewed from this report, not from a 50 000-line diff of generated code. It
//! compares the *original* documents (what Wink publishes, before normalisation), per audience
//! document (`affiliate.json` is `affiliate`):
//!
//! - documents added and removed (a regroup), and operations that moved between documents;
//! - operations added, removed, or changed: method, path, parameters (name, place, required,
//!   type), request body, success type and error types;
//! - component schemas added, removed or renamed (a removed and an added schema with the same
//!   content); properties added, removed, or with another type or format; `required` entries
//!   added or removed; enum values added or removed (on a schema or on a property).
//!
//! Each change is classified twice, **breaking** or **additive**: for the Rust API of wink-api
//! (does code that compiled against the old client still compile and mean the same?) and for
//! the wire (does a client built on the old documents still work against the new server?).
//! Whether a schema travels in requests, responses or both ([`component_directions`]) decides
//! the wire side: a new required property is breaking only where the client sends it, a
//! property that stops being required only where the client receives it. Enums are open in
//! responses (`open_response_enums`), so a new enum value is additive on both sides.
//!
//! What is not classified finely: a new optional field is additive for Rust although it
//! breaks exhaustive struct literals of typify's public structs (use the generated builders);
//! schemas of documents that exist on one side only are not listed one by one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::document;
use crate::lock::Workspace;
use crate::schema_walk::{Direction, component_directions, component_ref_name};

/// One side of a diff: a version's documents, by audience name (the file stem).
#[derive(Debug, Clone)]
pub struct DocumentSet {
    /// The Wink API version (`info.version`) or, failing that, where the documents came from.
    pub label: String,
    /// Parsed original documents by audience name.
    pub documents: BTreeMap<String, Value>,
}

impl DocumentSet {
    /// Every `*.json` of `dir`, each a document named after its file stem.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let mut documents = BTreeMap::new();
        for (file, bytes) in read_json_files(dir)? {
            let doc = document::parse_json(&file, &bytes)?;
            documents.insert(file.trim_end_matches(".json").to_string(), doc);
        }
        let versions: BTreeSet<&str> =
            documents.values().filter_map(|d| d.pointer("/info/version")?.as_str()).collect();
        let label = match versions.len() {
            1 => versions.into_iter().next().unwrap_or_default().to_string(),
            _ => dir.display().to_string(),
        };
        Ok(Self { label, documents })
    }

    /// `arg` as a folder if one exists there, else as a version whose documents are in
    /// `openapi/<version>/` or `../shared/openapi/<version>/`.
    pub fn locate(ws: &Workspace, arg: &str) -> Result<Self> {
        let as_dir = PathBuf::from(arg);
        if as_dir.is_dir() {
            return Self::from_dir(&as_dir);
        }
        let candidates = [ws.local_spec_dir(arg), ws.shared_spec_dir(arg)];
        match candidates.iter().find(|dir| dir.is_dir()) {
            Some(dir) => Self::from_dir(dir),
            None => bail!(
                "`{arg}` is neither a folder nor a version with documents in {} or {}",
                candidates[0].display(),
                candidates[1].display()
            ),
        }
    }
}

/// Whether a change breaks callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Old callers keep working.
    Additive,
    /// Old callers break (do not compile, or fail at run time).
    Breaking,
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Impact::Additive => "additive",
            Impact::Breaking => "**breaking**",
        })
    }
}

use Impact::{Additive, Breaking};

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The audience document it is in (the new one, for a move).
    pub audience: String,
    /// What changed, in Markdown.
    pub what: String,
    /// For the Rust API of wink-api.
    pub rust: Impact,
    /// On the wire.
    pub wire: Impact,
}

/// The report: a Markdown section per audience with changes, headed by the summary line.
pub fn report(old: &DocumentSet, new: &DocumentSet, changes: &[Change]) -> String {
    let mut out = format!("# Wink API {} → {}\n\n{}\n", old.label, new.label, summary(changes));
    let audiences: BTreeSet<&str> =
        old.documents.keys().chain(new.documents.keys()).map(String::as_str).collect();
    for audience in audiences {
        let mine: Vec<&Change> = changes.iter().filter(|c| c.audience == audience).collect();
        let _ = write!(out, "\n## {audience}\n\n");
        if mine.is_empty() {
            out.push_str("No changes.\n");
            continue;
        }
        out.push_str("| change | Rust | wire |\n| --- | --- | --- |\n");
        for c in mine {
            let _ = writeln!(out, "| {} | {} | {} |", c.what, c.rust, c.wire);
        }
    }
    out
}

/// One line for a pull-request description: counts of changes and of breaking ones.
pub fn summary(changes: &[Change]) -> String {
    let rust = changes.iter().filter(|c| c.rust == Breaking).count();
    let wire = changes.iter().filter(|c| c.wire == Breaking).count();
    let additive = changes.iter().filter(|c| c.rust == Additive && c.wire == Additive).count();
    let audiences: BTreeSet<&str> = changes.iter().map(|c| c.audience.as_str()).collect();
    format!(
        "**Summary:** {} change(s) in {} document(s): {rust} breaking for Rust, {wire} breaking on the wire, {additive} additive.",
        changes.len(),
        audiences.len()
    )
}

/// Every change from `old` to `new`, sorted by audience.
pub fn diff(old: &DocumentSet, new: &DocumentSet) -> Vec<Change> {
    let mut changes = Vec::new();
    let old_ops: BTreeMap<&str, BTreeMap<String, Operation>> =
        old.documents.iter().map(|(name, doc)| (name.as_str(), operations(doc))).collect();
    let new_ops: BTreeMap<&str, BTreeMap<String, Operation>> =
        new.documents.iter().map(|(name, doc)| (name.as_str(), operations(doc))).collect();

    // Operations that left one document and appear, same method and path, in another.
    let mut departed: BTreeMap<(String, String, String), &str> = BTreeMap::new();
    for (name, ops) in &old_ops {
        for (id, op) in ops {
            if !new_ops.get(name).is_some_and(|n| n.contains_key(id)) {
                departed.insert((id.clone(), op.method.clone(), op.path.clone()), name);
            }
        }
    }
    let mut moved: BTreeSet<(String, &str)> = BTreeSet::new();
    for (name, ops) in &new_ops {
        for (id, op) in ops {
            if old_ops.get(name).is_some_and(|o| o.contains_key(id)) {
                continue;
            }
            if let Some(from) = departed.get(&(id.clone(), op.method.clone(), op.path.clone())) {
                moved.insert((id.clone(), from));
                changes.push(Change {
                    audience: name.to_string(),
                    what: format!("operation `{id}` moved from `{from}` (`{} {}`)", op.method, op.path),
                    rust: Breaking,
                    wire: Additive,
                });
            }
        }
    }

    // A document on one side only is one line; its operations are not listed one by one,
    // except those that moved.
    for name in old.documents.keys().filter(|n| !new.documents.contains_key(*n)) {
        let ops = &old_ops[name.as_str()];
        let moved_out = ops.keys().filter(|id| moved.contains(&((*id).clone(), name.as_str()))).count();
        let gone = ops.len() - moved_out;
        changes.push(Change {
            audience: name.clone(),
            what: format!(
                "document `{name}` removed ({} operations: {moved_out} moved to other documents, {gone} gone)",
                ops.len()
            ),
            rust: Breaking,
            wire: if gone > 0 { Breaking } else { Additive },
        });
    }
    for name in new.documents.keys().filter(|n| !old.documents.contains_key(*n)) {
        let ops = &new_ops[name.as_str()];
        let moved_in = ops.iter().filter(|(id, op)| is_moved_into(&moved, id, &departed, op)).count();
        changes.push(Change {
            audience: name.clone(),
            what: format!(
                "document `{name}` added ({} operations: {moved_in} moved from other documents, {} new)",
                ops.len(),
                ops.len() - moved_in
            ),
            rust: Additive,
            wire: Additive,
        });
    }

    let empty = BTreeMap::new();
    let names: BTreeSet<&str> = old_ops.keys().chain(new_ops.keys()).copied().collect();
    for name in names {
        let (before, after) = (old_ops.get(name).unwrap_or(&empty), new_ops.get(name).unwrap_or(&empty));
        let (old_doc, new_doc) = (old.documents.get(name), new.documents.get(name));
        let renames = match (old_doc, new_doc) {
            (Some(o), Some(n)) => renamed_schemas(o, n),
            _ => BTreeMap::new(),
        };
        if old_doc.is_none() || new_doc.is_none() {
            continue;
        }
        let mut push = |what: String, rust, wire| {
            changes.push(Change { audience: name.to_string(), what, rust, wire });
        };
        for (id, op) in before {
            if !after.contains_key(id) && !moved.contains(&(id.clone(), name)) {
                push(format!("operation `{id}` removed (`{} {}`)", op.method, op.path), Breaking, Breaking);
            }
        }
        for (id, op) in after {
            match before.get(id) {
                None if is_moved_into(&moved, id, &departed, op) => {}
                None => {
                    push(format!("operation `{id}` added (`{} {}`)", op.method, op.path), Additive, Additive)
                }
                Some(was) => compare_operations(id, was, op, &renames, &mut push),
            }
        }
        if let (Some(o), Some(n)) = (old_doc, new_doc) {
            compare_schemas(o, n, &renames, &mut push);
        }
    }
    changes.sort();
    changes
}

fn is_moved_into(
    moved: &BTreeSet<(String, &str)>,
    id: &str,
    departed: &BTreeMap<(String, String, String), &str>,
    op: &Operation,
) -> bool {
    departed
        .get(&(id.to_string(), op.method.clone(), op.path.clone()))
        .is_some_and(|from| moved.contains(&(id.to_string(), *from)))
}

/// What the diff compares of one operation.
#[derive(Debug, Clone, PartialEq)]
struct Operation {
    method: String,
    path: String,
    /// `(in, name)` → (required, type).
    parameters: BTreeMap<(String, String), (bool, String)>,
    /// (required, type) of the request body.
    body: Option<(bool, String)>,
    success: String,
    /// Status → type, for 4xx and 5xx.
    errors: BTreeMap<String, String>,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn operations(doc: &Value) -> BTreeMap<String, Operation> {
    let mut out = BTreeMap::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let shared = item.get("parameters");
        for (method, op) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
            let mut parameters = BTreeMap::new();
            for p in shared
                .into_iter()
                .chain(op.get("parameters"))
                .flat_map(|l| l.as_array().into_iter().flatten())
            {
                let p = resolve(doc, p);
                let text = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
                let ty = p.get("schema").map(describe).unwrap_or_else(|| "any".into());
                parameters.insert((text("in"), text("name")), (required, ty));
            }
            let body = op.get("requestBody").map(|b| {
                let b = resolve(doc, b);
                let required = b.get("required").and_then(Value::as_bool).unwrap_or(false);
                (required, content_type(b))
            });
            let responses = op.get("responses").and_then(Value::as_object);
            let mut success = "-".to_string();
            let mut errors = BTreeMap::new();
            for (status, response) in responses.into_iter().flatten() {
                let response = resolve(doc, response);
                if status.starts_with('2') && success == "-" {
                    success = format!("{status} {}", content_type(response));
                } else if status.starts_with('4') || status.starts_with('5') {
                    errors.insert(status.clone(), content_type(response));
                }
            }
            out.insert(
                id.to_string(),
                Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    parameters,
                    body,
                    success,
                    errors,
                },
            );
        }
    }
    out
}

/// A `$ref` to a component (parameter, body, response) resolved once; anything else as is.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => doc.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// The type of the first media type of a body or response (`-` when it has none).
fn content_type(holder: &Value) -> String {
    match holder.get("content").and_then(Value::as_object).and_then(|c| c.values().next()) {
        Some(media) => media.get("schema").map(describe).unwrap_or_else(|| "any".into()),
        None => "(no body)".into(),
    }
}

/// A schema as a short type: `Name` for a reference, `[T]`, `map<T>`, `string(uuid)`.
fn describe(schema: &Value) -> String {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(component_ref_name) {
        return name.to_string();
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => {
            types.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect::<Vec<_>>().join("|")
        }
        _ => {
            for key in ["allOf", "oneOf", "anyOf"] {
                if let Some(list) = schema.get(key).and_then(Value::as_array) {
                    let parts: Vec<String> = list.iter().map(describe).collect();
                    return format!("{key}({})", parts.join(", "));
                }
            }
            return "any".into();
        }
    };
    match ty.as_str() {
        "array" => format!("[{}]", schema.get("items").map(describe).unwrap_or_else(|| "any".into())),
        "object" => match schema.get("additionalProperties") {
            Some(extra) if extra.is_object() && !schema.get("properties").is_some_and(|p| p.is_object()) => {
                format!("map<{}>", describe(extra))
            }
            _ => "object".into(),
        },
        _ => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{ty}({format})"),
            None => ty,
        },
    }
}

/// `text` with every renamed schema name written as its new name, to tell a real type change
/// from a rename already reported.
fn through_renames(text: &str, renames: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (old, new) in renames {
        out = replace_word(&out, old, new);
    }
    out
}

fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before_ok = !rest[..at].chars().next_back().is_some_and(is_ident);
        let after_ok = !rest[at + word.len()..].chars().next().is_some_and(is_ident);
        out.push_str(&rest[..at]);
        out.push_str(if before_ok && after_ok { with } else { word });
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

fn compare_operations(
    id: &str,
    was: &Operation,
    now: &Operation,
    renames: &BTreeMap<String, String>,
    push: &mut impl FnMut(String, Impact, Impact),
) {
    if (was.method.as_str(), was.path.as_str()) != (now.method.as_str(), now.path.as_str()) {
        push(
            format!("operation `{id}`: `{} {}` is now `{} {}`", was.method, was.path, now.method, now.path),
            Additive,
            Breaking,
        );
    }
    for (key @ (place, name), (required, ty)) in &was.parameters {
        match now.parameters.get(key) {
            None => push(format!("operation `{id}`: {place} parameter `{name}` removed"), Breaking, Additive),
            Some((now_required, now_ty)) => {
                if through_renames(ty, renames) != *now_ty {
                    push(
                        format!("operation `{id}`: {place} parameter `{name}` is `{now_ty}`, was `{ty}`"),
                        Breaking,
                        Breaking,
                    );
                }
                match (required, now_required) {
                    (false, true) => push(
                        format!("operation `{id}`: {place} parameter `{name}` is now required"),
                        Breaking,
                        Breaking,
                    ),
                    (true, false) => push(
                        format!("operation `{id}`: {place} parameter `{name}` is now optional"),
                        Additive,
                        Additive,
                    ),
                    _ => {}
                }
            }
        }
    }
    for (key @ (place, name), (required, ty)) in &now.parameters {
        if !was.parameters.contains_key(key) {
            let (kind, impact) = if *required { ("required", Breaking) } else { ("optional", Additive) };
            push(
                format!("operation `{id}`: {kind} {place} parameter `{name}` (`{ty}`) added"),
                impact,
                impact,
            );
        }
    }
    match (&was.body, &now.body) {
        (None, Some((required, ty))) => {
            let impact = if *required { Breaking } else { Additive };
            push(format!("operation `{id}`: request body `{ty}` added"), impact, impact);
        }
        (Some((_, ty)), None) => {
            push(format!("operation `{id}`: request body `{ty}` removed"), Breaking, Additive)
        }
        (Some((_, ty)), Some((_, now_ty))) if through_renames(ty, renames) != *now_ty => {
            push(format!("operation `{id}`: request body is `{now_ty}`, was `{ty}`"), Breaking, Breaking)
        }
        _ => {}
    }
    if through_renames(&was.success, renames) != now.success {
        push(
            format!("operation `{id}`: success response is `{}`, was `{}`", now.success, was.success),
            Breaking,
            Breaking,
        );
    }
    let statuses: BTreeSet<&String> = was.errors.keys().chain(now.errors.keys()).collect();
    for status in statuses {
        let (before, after) = (was.errors.get(status), now.errors.get(status));
        if before.map(|b| through_renames(b, renames)).as_ref() != after {
            let show = |t: Option<&String>| t.map_or("(none)".to_string(), |t| format!("`{t}`"));
            push(
                format!("operation `{id}`: error {status} is {}, was {}", show(after), show(before)),
                Breaking,
                Additive,
            );
        }
    }
}

/// Removed and added schemas with the same content (references to other renamed schemas
/// aside): old name → new name.
fn renamed_schemas(old: &Value, new: &Value) -> BTreeMap<String, String> {
    let (Some(before), Some(after)) = (schemas(old), schemas(new)) else { return BTreeMap::new() };
    let removed: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let mut renames = BTreeMap::new();
    for old_name in removed {
        let mut same = added
            .iter()
            .filter(|n| before[old_name] == after[n.as_str()] && !renames.values().any(|v| v == **n));
        if let Some(new_name) = same.next() {
            renames.insert(old_name.clone(), (*new_name).clone());
        }
    }
    renames
}

fn schemas(doc: &Value) -> Option<&serde_json::Map<String, Value>> {
    doc.pointer("/components/schemas").and_then(Value::as_object)
}

fn compare_schemas(
    old: &Value,
    new: &Value,
    renames: &BTreeMap<String, String>,
    push: &mut impl FnMut(String, Impact, Impact),
) {
    let empty = serde_json::Map::new();
    let (before, after) = (schemas(old).unwrap_or(&empty), schemas(new).unwrap_or(&empty));
    let directions = component_directions(new);
    let old_directions = component_directions(old);
    for (old_name, new_name) in renames {
        push(format!("schema `{old_name}` renamed to `{new_name}`"), Breaking, Additive);
    }
    for name in before.keys().filter(|k| !after.contains_key(*k) && !renames.contains_key(*k)) {
        push(format!("schema `{name}` removed"), Breaking, Additive);
    }
    for name in after.keys().filter(|k| !before.contains_key(*k) && !renames.values().any(|v| v == *k)) {
        push(format!("schema `{name}` added"), Additive, Additive);
    }
    for (name, now) in after {
        let Some(was) = before.get(name) else { continue };
        let direction = directions
            .get(name)
            .copied()
            .filter(|d| *d != Direction::Unused)
            .or_else(|| old_directions.get(name).copied())
            .unwrap_or(Direction::Unused);
        let sent = matches!(direction, Direction::Request | Direction::Both);
        let received = matches!(direction, Direction::Response | Direction::Both);
        compare_enums(&format!("schema `{name}`"), was, now, push);
        let properties =
            |s: &Value| s.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let required = |s: &Value| -> BTreeSet<String> {
            s.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        };
        let (was_props, now_props) = (properties(was), properties(now));
        let (was_required, now_required) = (required(was), required(now));
        for (prop, schema) in &was_props {
            let subject = format!("schema `{name}`: property `{prop}`");
            match now_props.get(prop) {
                None => {
                    let wire = if received && was_required.contains(prop) { Breaking } else { Additive };
                    push(format!("{subject} removed"), Breaking, wire);
                }
                Some(now_schema) => {
                    let (ty, now_ty) = (through_renames(&describe(schema), renames), describe(now_schema));
                    if ty != now_ty {
                        push(
                            format!("{subject} is `{now_ty}`, was `{}`", describe(schema)),
                            Breaking,
                            Breaking,
                        );
                    }
                    compare_enums(&subject, schema, now_schema, push);
                }
            }
        }
        for prop in now_props.keys().filter(|p| !was_props.contains_key(*p)) {
            let ty = describe(&now_props[prop]);
            if now_required.contains(prop) {
                let wire = if sent { Breaking } else { Additive };
                push(format!("schema `{name}`: required property `{prop}` (`{ty}`) added"), wire, wire);
            } else {
                push(
                    format!("schema `{name}`: optional property `{prop}` (`{ty}`) added"),
                    Additive,
                    Additive,
                );
            }
        }
        // `required` changes of properties that exist on both sides (new and removed
        // properties are reported above with their required-ness).
        for prop in now_required.difference(&was_required).filter(|p| was_props.contains_key(*p)) {
            let wire = if sent { Breaking } else { Additive };
            push(format!("schema `{name}`: property `{prop}` is now required"), Breaking, wire);
        }
        for prop in was_required.difference(&now_required).filter(|p| now_props.contains_key(*p)) {
            let wire = if received { Breaking } else { Additive };
            push(format!("schema `{name}`: property `{prop}` is no longer required"), Breaking, wire);
        }
    }
}

fn compare_enums(subject: &str, was: &Value, now: &Value, push: &mut impl FnMut(String, Impact, Impact)) {
    let values = |s: &Value| -> Option<BTreeSet<String>> {
        let list = s.get("enum").or_else(|| s.pointer("/items/enum"))?.as_array()?;
        Some(list.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), String::from)).collect())
    };
    let (Some(before), Some(after)) = (values(was), values(now)) else { return };
    for value in after.difference(&before) {
        push(format!("{subject}: enum value `{value}` added"), Additive, Additive);
    }
    for value in before.difference(&after) {
        push(format!("{subject}: enum value `{value}` removed"), Breaking, Breaking);
    }
}

/// Every `*.json` file directly in `dir`, as (file name, bytes), sorted by name; an error if
/// there is none. What `spec diff` and `spec bump --from` read.
pub fn read_json_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            files.push((file, bytes));
        }
    }
    if files.is_empty() {
        bail!("{} holds no *.json document", dir.display());
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_folder_is_read_as_its_json_files_sorted_and_one_without_any_is_refused() {
        let dir = std::env::temp_dir().join(format!("wink-read-json-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("nested.json")).unwrap();
        std::fs::write(dir.join("notes.txt"), "not a document").unwrap();
        let err = read_json_files(&dir).unwrap_err();
        assert_eq!(err.to_string(), format!("{} holds no *.json document", dir.display()));
        std::fs::write(dir.join("b.json"), "{}").unwrap();
        std::fs::write(dir.join("a.json"), "[]").unwrap();
        let files = read_json_files(&dir).unwrap();
        let names: Vec<&str> = files.iter().map(|(file, _)| file.as_str()).collect();
        assert_eq!(names, ["a.json", "b.json"]);
        assert_eq!(files[0].1, b"[]");
        std::fs::remove_dir_all(&dir).unwrap();
    }
    use crate::lock::{Lock, PinnedDocument};
    use crate::spec_source::{SpecSearch, VerifiedDocument, sha256_hex};

    const MAPS: &str = "/api/managing-entity/{managingEntityIdentifier}/studio/map/list";
    const MAP: &str = "InventoryMap_ManagingEntity";

    /// The pinned 30.49.0 documents.
    fn pinned() -> DocumentSet {
        static PINNED: std::sync::OnceLock<DocumentSet> = std::sync::OnceLock::new();
        PINNED
            .get_or_init(|| {
                let ws = Workspace::current();
                let lock = Lock::load(&ws.lock_path()).unwrap();
                let docs = SpecSearch::standard(&ws, &lock, None).load_all(&lock).unwrap();
                let documents = docs
                    .iter()
                    .map(|d| (d.pin.name.clone(), document::parse_json(&d.pin.file, &d.bytes).unwrap()))
                    .collect();
                DocumentSet { label: lock.version, documents }
            })
            .clone()
    }

    /// The pinned documents as a new version with `mutate` applied to affiliate.
    fn mutated(mutate: impl FnOnce(&mut Value)) -> DocumentSet {
        let mut set = pinned();
        set.label = "30.50.0".into();
        for doc in set.documents.values_mut() {
            doc["info"]["version"] = "30.50.0".into();
        }
        mutate(set.documents.get_mut("affiliate").unwrap());
        set
    }

    /// The report from the pinned affiliate document to `new`.
    fn report_of(new: &DocumentSet) -> String {
        let old = only_affiliate(pinned());
        report(&old, new, &diff(&old, new))
    }

    /// Generates the client from `new`'s documents as regen would; the error, if any.
    fn regen_of(new: &DocumentSet) -> Result<()> {
        regen_allowing(new, false)
    }

    fn regen_allowing(new: &DocumentSet, allow_non_production_hosts: bool) -> Result<()> {
        let docs: Vec<VerifiedDocument> = new
            .documents
            .iter()
            .map(|(name, json)| {
                let bytes = serde_json::to_vec(json).unwrap();
                let pin = PinnedDocument {
                    name: name.clone(),
                    module: name.replace('-', "_"),
                    feature: name.clone(),
                    file: format!("{name}.json"),
                    sha256: sha256_hex(&bytes),
                    url: format!("https://example.com/{name}.json"),
                    allow_non_production_hosts,
                    operation_cases: false,
                };
                VerifiedDocument { pin, origin: "test".into(), bytes }
            })
            .collect();
        let lock = Lock {
            version: new.label.clone(),
            source: "test".into(),
            documents: docs.iter().map(|d| d.pin.clone()).collect(),
        };
        crate::regen::render(&lock, &docs).map(|_| ())
    }

    fn only_affiliate(mut set: DocumentSet) -> DocumentSet {
        set.documents.retain(|name, _| name == "affiliate");
        set
    }

    fn remove_operation(doc: &mut Value) {
        doc["paths"][MAPS].as_object_mut().unwrap().remove("get");
    }

    fn add_required_parameter(doc: &mut Value) {
        let parameters = doc["paths"][MAPS]["get"]["parameters"].as_array_mut().unwrap();
        parameters
            .push(json!({"name": "region", "in": "query", "required": true, "schema": {"type": "string"}}));
    }

    fn change_property_type(doc: &mut Value) {
        doc["components"]["schemas"][MAP]["properties"]["mapHeight"] = json!({"type": "string"});
    }

    fn add_enum_value(doc: &mut Value) {
        doc["components"]["schemas"][MAP]["properties"]["type"]["enum"]
            .as_array_mut()
            .unwrap()
            .push("CAROUSEL".into());
    }

    fn add_required_request_property(doc: &mut Value) {
        let upsert = &mut doc["components"]["schemas"]["UpsertInventoryMapRequest_ManagingEntity"];
        upsert["properties"]["region"] = json!({"type": "string", "minLength": 2});
        upsert["required"].as_array_mut().unwrap().push("region".into());
    }

    fn rename_schema(doc: &mut Value) {
        let text = serde_json::to_string(doc).unwrap();
        let text =
            text.replace(&format!("\"#/components/schemas/{MAP}\""), "\"#/components/schemas/InventoryMap\"");
        *doc = serde_json::from_str(&text).unwrap();
        let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
        let schema = schemas.remove(MAP).unwrap();
        schemas.insert("InventoryMap".into(), schema);
    }

    /// Affiliate split in two renamed documents: the map operations in `studio-maps`, the
    /// rest in `studio` (each with every schema).
    fn regroup(set: &mut DocumentSet) {
        let affiliate = set.documents.remove("affiliate").unwrap();
        let (mut maps, mut rest) = (affiliate.clone(), affiliate);
        maps["paths"].as_object_mut().unwrap().retain(|path, _| path.contains("/studio/map"));
        rest["paths"].as_object_mut().unwrap().retain(|path, _| !path.contains("/studio/map"));
        set.documents.insert("studio-maps".into(), maps);
        set.documents.insert("studio".into(), rest);
    }

    #[test]
    fn the_same_documents_have_no_changes() {
        let set = pinned();
        assert_eq!(diff(&set, &set), []);
        assert!(report(&set, &set, &[]).contains("0 change(s) in 0 document(s)"));
    }

    #[test]
    fn a_removed_operation_is_breaking_everywhere() {
        insta::assert_snapshot!(
            "diff_remove_operation",
            report_of(&only_affiliate(mutated(remove_operation)))
        );
    }

    #[test]
    fn a_new_required_parameter_is_breaking_everywhere() {
        insta::assert_snapshot!(
            "diff_add_required_parameter",
            report_of(&only_affiliate(mutated(add_required_parameter)))
        );
    }

    #[test]
    fn a_changed_property_type_is_breaking_everywhere() {
        insta::assert_snapshot!(
            "diff_change_property_type",
            report_of(&only_affiliate(mutated(change_property_type)))
        );
    }

    #[test]
    fn a_new_enum_value_is_additive() {
        let changes = diff(&pinned(), &mutated(add_enum_value));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!((changes[0].rust, changes[0].wire), (Additive, Additive));
        insta::assert_snapshot!("diff_add_enum_value", report_of(&only_affiliate(mutated(add_enum_value))));
    }

    #[test]
    fn a_new_required_request_property_is_breaking_on_the_wire() {
        let changes = diff(&pinned(), &mutated(add_required_request_property));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].wire, Breaking);
        insta::assert_snapshot!(
            "diff_add_required_request_property",
            report_of(&only_affiliate(mutated(add_required_request_property)))
        );
    }

    #[test]
    fn a_renamed_schema_is_one_change_breaking_for_rust_only() {
        let changes = diff(&pinned(), &mutated(rename_schema));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!((changes[0].rust, changes[0].wire), (Breaking, Additive));
        insta::assert_snapshot!("diff_rename_schema", report_of(&only_affiliate(mutated(rename_schema))));
    }

    #[test]
    fn a_regroup_reports_moved_operations_and_the_documents() {
        let mut set = only_affiliate(mutated(|_| {}));
        regroup(&mut set);
        let old = only_affiliate(pinned());
        let changes = diff(&old, &set);
        let moved = changes.iter().filter(|c| c.what.contains("moved from `affiliate`")).count();
        assert_eq!(moved, operations(&pinned().documents["affiliate"]).len(), "every operation moved");
        assert!(changes.iter().all(|c| c.wire == Additive), "a regroup changes nothing on the wire");
        let summary_and_documents: String = report(&old, &set, &changes)
            .lines()
            .filter(|l| !l.starts_with("| operation `"))
            .map(|l| format!("{l}\n"))
            .collect();
        insta::assert_snapshot!("diff_regroup", summary_and_documents);
    }

    #[test]
    fn every_mutated_set_still_generates_and_a_broken_one_fails_with_its_location() {
        for mutate in [
            remove_operation,
            add_required_parameter,
            change_property_type,
            add_enum_value,
            add_required_request_property,
            rename_schema,
        ] {
            regen_of(&only_affiliate(mutated(mutate))).expect("a mutated document still generates");
        }
        let mut set = only_affiliate(mutated(|_| {}));
        regroup(&mut set);
        regen_of(&set).expect("a regrouped set generates, one module per document");

        let broken = only_affiliate(mutated(|doc| {
            doc["components"]["schemas"].as_object_mut().unwrap().remove(MAP);
        }));
        let err = format!("{:#}", regen_of(&broken).unwrap_err());
        assert!(err.contains(&format!("#/components/schemas/{MAP}")) && err.contains("/paths/"), "{err}");
    }

    #[test]
    fn regen_refuses_development_hosts_unless_the_lock_allows_them() {
        let dev = only_affiliate(mutated(|doc| {
            doc["servers"] = json!([{"url": "https://dev-api.wink.travel:8443"}]);
            doc["components"]["securitySchemes"]["oauth2ClientCredentials"]["flows"]["clientCredentials"]["tokenUrl"] =
                "https://dev-iam.wink.travel:9000/oauth2/token".into();
        }));
        let err = format!("{:#}", regen_of(&dev).unwrap_err());
        assert!(err.contains("affiliate.json points at non-production hosts"), "{err}");
        assert!(err.contains("/servers/0/url `https://dev-api.wink.travel:8443`"), "{err}");
        assert!(err.contains("dev-iam.wink.travel"), "{err}");
        regen_allowing(&dev, true).expect("allowed explicitly");
    }

    #[test]
    fn a_type_names_its_reference_format_and_items() {
        assert_eq!(describe(&json!({"$ref": "#/components/schemas/A"})), "A");
        assert_eq!(
            describe(&json!({"type": "array", "items": {"type": "string", "format": "uuid"}})),
            "[string(uuid)]"
        );
        assert_eq!(
            describe(&json!({"type": "object", "additionalProperties": {"type": "integer"}})),
            "map<integer>"
        );
        assert_eq!(describe(&json!({"type": ["string", "null"]})), "string");
        assert_eq!(replace_word("[A] AB A", "A", "B"), "[B] AB B");
    }
}
