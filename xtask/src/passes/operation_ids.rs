//! `operation_ids`: springdoc makes operationIds unique by appending `_1`, `_2`, ... when two
//! controllers use the same method name (`showInventoryMedia` and `showInventoryMedia_1`).
//! Generated as methods those are `show_inventory_media_1`: names that say nothing and that
//! shift when Wink adds or reorders controllers.
//!
//! The pass renames each suffixed id after the first path segment in which its path differs
//! from the unsuffixed operation's path (`showInventoryMedia_1` on `.../studio/items/...` versus
//! `.../studio/shareable-link/...` becomes `showInventoryMediaItems`). If that name is taken it
//! appends every differing segment, and failing that the number (`removeMultimedia2`). The
//! unsuffixed operation keeps its name. Every rename is listed in the report.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::PassOutcome;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return out;
    };

    let mut path_of: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in paths.iter() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let (true, Some(id)) =
                (METHODS.contains(&method.as_str()), op.get("operationId").and_then(Value::as_str))
            {
                path_of.insert(id.to_string(), path.clone());
            }
        }
    }
    let mut taken: BTreeSet<String> = path_of.keys().cloned().collect();
    let mut renames = BTreeMap::new();
    for (id, path) in &path_of {
        let Some((base, number)) = split_suffix(id) else {
            continue;
        };
        let Some(base_path) = path_of.get(base) else {
            continue;
        };
        let differing = differing_segments(base_path, path);
        let candidates = [
            differing.first().map(|s| format!("{base}{}", pascal(s))),
            (differing.len() > 1)
                .then(|| format!("{base}{}", differing.iter().map(|s| pascal(s)).collect::<String>())),
            Some(format!("{base}{number}")),
        ];
        if let Some(new) = candidates.into_iter().flatten().find(|c| !taken.contains(c)) {
            taken.insert(new.clone());
            renames.insert(id.clone(), new);
        }
    }
    for item in paths.values_mut() {
        for (_, op) in item.as_object_mut().into_iter().flatten() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            if let Some(new) = renames.get(id) {
                out.note(format!("{id} -> {new}"));
                op["operationId"] = Value::String(new.clone());
            }
        }
    }
    out
}

/// `("showInventoryMedia", "1")` for `showInventoryMedia_1`.
fn split_suffix(id: &str) -> Option<(&str, &str)> {
    let (base, number) = id.rsplit_once('_')?;
    (!base.is_empty() && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .then_some((base, number))
}

/// The literal segments of `path` that differ from `base_path` at the same position.
fn differing_segments<'a>(base_path: &str, path: &'a str) -> Vec<&'a str> {
    let literal = |p: &str| p.starts_with('{') || p.is_empty();
    let base: Vec<&str> = base_path.split('/').collect();
    path.split('/')
        .enumerate()
        .filter(|(i, seg)| !literal(seg) && base.get(*i) != Some(seg))
        .map(|(_, seg)| seg)
        .collect()
}

fn pascal(segment: &str) -> String {
    segment
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn suffixed_ids_are_named_after_their_path() {
        let mut d = json!({"paths": {
            "/me/{id}/studio/shareable-link/inventory/{inv}/media/list": {"get": {"operationId": "showInventoryMedia"}},
            "/me/{id}/studio/items/inventory/{inv}/media/list": {"get": {"operationId": "showInventoryMedia_1"}},
            "/me/{id}/media/{m}": {"delete": {"operationId": "removeMedia"}},
            "/me/{id}/media/{m}/x": {"delete": {"operationId": "removeMedia_1"}},
            "/me/{id}/media/{m}/y": {"delete": {"operationId": "removeMedia_2"}},
            "/other": {"get": {"operationId": "orphan_1"}}
        }});
        let out = run(&mut d);
        let id = |p: &str, m: &str| d["paths"][p][m]["operationId"].as_str().unwrap().to_string();
        assert_eq!(id("/me/{id}/studio/items/inventory/{inv}/media/list", "get"), "showInventoryMediaItems");
        assert_eq!(
            id("/me/{id}/studio/shareable-link/inventory/{inv}/media/list", "get"),
            "showInventoryMedia"
        );
        assert_eq!(id("/me/{id}/media/{m}/x", "delete"), "removeMediaX");
        assert_eq!(id("/me/{id}/media/{m}/y", "delete"), "removeMediaY");
        assert_eq!(id("/other", "get"), "orphan_1", "no unsuffixed sibling: left alone");
        assert_eq!(
            out.notes,
            [
                "showInventoryMedia_1 -> showInventoryMediaItems",
                "removeMedia_1 -> removeMediaX",
                "removeMedia_2 -> removeMediaY"
            ]
        );
    }

    #[test]
    fn a_taken_name_falls_back_to_the_number() {
        let mut d = json!({"paths": {
            "/a/x": {"get": {"operationId": "show"}},
            "/b/x": {"get": {"operationId": "show_1"}},
            "/c/x": {"get": {"operationId": "showB"}}
        }});
        run(&mut d);
        assert_eq!(d["paths"]["/b/x"]["get"]["operationId"], "show1");
    }
}
