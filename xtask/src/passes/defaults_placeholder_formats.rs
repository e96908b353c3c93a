//! `defaults_placeholder_formats`: springdoc writes `default: ""` on `format: uuid`,
//! `date-time` and `date` strings (affiliate: 93, 48, 7). The value is a valid *string*, so it
//! passes typify, but the generated `#[serde(default = ...)]` function parses `""` as a
//! `Uuid` / `DateTime` / `NaiveDate` and **panics at run time** whenever the server omits the
//! field.
//!
//! The pass removes a default on those formats unless it is a well-formed value of the
//! format. What is lost: nothing usable (the placeholder could not be parsed).

use serde_json::Value;

use super::PassOutcome;
use crate::schema_walk::visit_schemas_mut;

pub fn run(doc: &mut Value) -> PassOutcome {
    let mut out = PassOutcome::default();
    visit_schemas_mut(doc, &mut |schema, _| {
        let Some(format) = schema.get("format").and_then(Value::as_str) else {
            return;
        };
        let Some(default) = schema.get("default") else {
            return;
        };
        let valid = match (format, default.as_str()) {
            ("uuid", Some(s)) => is_uuid(s),
            ("date", Some(s)) => is_date(s),
            ("date-time", Some(s)) => is_date_time(s),
            ("uuid" | "date" | "date-time", None) => default.is_null(),
            _ => true,
        };
        if !valid {
            schema.remove("default");
            out.change();
        }
    });
    out
}

/// A hyphenated UUID.
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(
            |(i, c)| {
                if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() }
            },
        )
}

/// `YYYY-MM-DD` (JSON Schema's `date`).
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` (JSON Schema's `date-time`, RFC 3339).
pub(crate) fn is_date_time(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else { return false };
    let two_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    let Some(offset_at) = time.find(['Z', 'z', '+', '-']) else { return false };
    let (clock, offset) = time.split_at(offset_at);
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let hms: Vec<&str> = hms.split(':').collect();
    let offset_ok = matches!(offset, "Z" | "z")
        || (offset.len() == 6
            && offset[1..].split_once(':').is_some_and(|(h, m)| two_digits(h) && two_digits(m)));
    is_date(date)
        && hms.len() == 3
        && hms.iter().all(|p| two_digits(p))
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && offset_ok
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::passes::fixture::doc;

    #[test]
    fn drops_unparseable_defaults_on_typed_formats_only() {
        let mut d = doc(
            None,
            json!({"type": "object", "properties": {
                "id": {"type": "string", "format": "uuid", "default": ""},
                "at": {"type": "string", "format": "date-time", "default": ""},
                "on": {"type": "string", "format": "date", "default": ""},
                "keptId": {"type": "string", "format": "uuid", "default": "123e4567-e89b-12d3-a456-426614174000"},
                "keptAt": {"type": "string", "format": "date-time", "default": "2026-01-02T03:04:05Z"},
                "keptOn": {"type": "string", "format": "date", "default": "2026-01-02"},
                "keptEmail": {"type": "string", "format": "email", "default": ""}
            }}),
            json!({}),
        );
        let out = run(&mut d);
        let props = d["paths"]["/x"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
            .as_object()
            .unwrap();
        let with_default: Vec<_> =
            props.iter().filter(|(_, s)| s.get("default").is_some()).map(|(k, _)| k.as_str()).collect();
        assert_eq!(with_default, ["keptId", "keptAt", "keptOn", "keptEmail"]);
        assert_eq!(out.changes, 3);
    }
}
