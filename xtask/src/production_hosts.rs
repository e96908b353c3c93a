//! The guard against non-production documents.
//!
//! Wink once published documents whose `servers` and token URL pointed at development hosts
//! (`https://dev-api.wink.travel:8443`, `https://dev-iam.wink.travel:9000/oauth2/token`) that
//! nobody outside Wink can reach. A client generated from them works in no environment, and
//! nothing fails until the first call. `regen` and `spec bump` therefore refuse a document
//! whose server or OAuth2 URL is not an https URL on a known production host, unless the
//! lock entry says `allow_non_production_hosts = true` (or the command gets
//! `--allow-non-production-hosts`).

use serde_json::Value;

/// Hosts the API is served from.
pub const PRODUCTION_API_HOSTS: [&str; 2] = ["api.wink.travel", "integrations.wink.travel"];
/// Hosts OAuth2 tokens come from.
pub const PRODUCTION_TOKEN_HOSTS: [&str; 1] = ["iam.wink.travel"];

/// A URL of a document that is not a production URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonProductionUrl {
    /// JSON pointer of the URL in the document.
    pub pointer: String,
    /// The URL as written.
    pub url: String,
    /// Why it is refused.
    pub reason: String,
}

/// The document's non-production server and OAuth2 URLs (empty when all are production).
/// A document without any server is refused too: the client would have no default host.
pub fn non_production_urls(doc: &Value) -> Vec<NonProductionUrl> {
    let mut found = Vec::new();
    let mut servers = 0;
    let mut check = |pointer: String, url: &str, hosts: &[&str]| {
        if let Err(reason) = check_url(url, hosts) {
            found.push(NonProductionUrl { pointer, url: url.to_string(), reason });
        }
    };
    let mut server_lists: Vec<(String, &Value)> = Vec::new();
    if let Some(list) = doc.get("servers") {
        server_lists.push(("/servers".into(), list));
    }
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let at = format!("/paths/{}", crate::schema_walk::pointer_token(path));
        if let Some(list) = item.get("servers") {
            server_lists.push((format!("{at}/servers"), list));
        }
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(list) = op.get("servers") {
                server_lists.push((format!("{at}/{method}/servers"), list));
            }
        }
    }
    for (at, list) in server_lists {
        for (i, server) in list.as_array().into_iter().flatten().enumerate() {
            servers += 1;
            let url = server.get("url").and_then(Value::as_str).unwrap_or("");
            check(format!("{at}/{i}/url"), url, &PRODUCTION_API_HOSTS);
        }
    }
    let schemes = doc.pointer("/components/securitySchemes").and_then(Value::as_object);
    for (name, scheme) in schemes.into_iter().flatten() {
        for (flow, body) in scheme.get("flows").and_then(Value::as_object).into_iter().flatten() {
            for key in ["tokenUrl", "authorizationUrl", "refreshUrl"] {
                if let Some(url) = body.get(key).and_then(Value::as_str) {
                    let pointer = format!("/components/securitySchemes/{name}/flows/{flow}/{key}");
                    check(pointer, url, &PRODUCTION_TOKEN_HOSTS);
                }
            }
        }
    }
    if servers == 0 {
        found.push(NonProductionUrl {
            pointer: "/servers".into(),
            url: String::new(),
            reason: "the document declares no server".into(),
        });
    }
    found
}

fn check_url(raw: &str, hosts: &[&str]) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| format!("not a URL: {e}"))?;
    if url.scheme() != "https" {
        return Err("not https".into());
    }
    let host = url.host_str().unwrap_or("");
    if !hosts.contains(&host) {
        return Err(format!("`{host}` is not a production host ({})", hosts.join(", ")));
    }
    if url.port().is_some() {
        return Err("production hosts use the default https port".into());
    }
    Ok(())
}

/// The refusal message for `file`: every offending URL with its location.
pub fn refusal(file: &str, urls: &[NonProductionUrl]) -> String {
    let mut out = format!("{file} points at non-production hosts:");
    for u in urls {
        out.push_str(&format!("\n  {} `{}`: {}", u.pointer, u.url, u.reason));
    }
    out.push_str(
        "\nset `allow_non_production_hosts = true` on its [[document]] in openapi/wink.lock.toml \
         (or pass --allow-non-production-hosts) if this is intended",
    );
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc(server: &str, token: &str) -> Value {
        json!({
            "servers": [{"url": server}],
            "paths": {},
            "components": {"securitySchemes": {"oauth2ClientCredentials": {
                "type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": token, "scopes": {}}}
            }}}
        })
    }

    #[test]
    fn production_documents_pass() {
        assert_eq!(
            non_production_urls(&doc("https://api.wink.travel", "https://iam.wink.travel/oauth2/token")),
            []
        );
        let partner = doc("https://integrations.wink.travel", "https://iam.wink.travel/oauth2/token");
        assert_eq!(non_production_urls(&partner), []);
    }

    #[test]
    fn the_development_documents_wink_once_published_are_refused_with_their_locations() {
        let dev = doc("https://dev-api.wink.travel:8443", "https://dev-iam.wink.travel:9000/oauth2/token");
        let found = non_production_urls(&dev);
        let pointers: Vec<&str> = found.iter().map(|u| u.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/servers/0/url",
                "/components/securitySchemes/oauth2ClientCredentials/flows/clientCredentials/tokenUrl"
            ]
        );
        assert!(found[0].reason.contains("`dev-api.wink.travel` is not a production host"), "{found:?}");
        let message = refusal("affiliate.json", &found);
        assert!(message.contains("allow_non_production_hosts"), "{message}");
    }

    #[test]
    fn plain_http_a_port_and_no_server_are_refused() {
        let http = doc("http://api.wink.travel", "https://iam.wink.travel:8443/oauth2/token");
        let reasons: Vec<String> = non_production_urls(&http).into_iter().map(|u| u.reason).collect();
        assert_eq!(reasons, ["not https", "production hosts use the default https port"]);
        let none = json!({"paths": {}});
        assert_eq!(non_production_urls(&none)[0].reason, "the document declares no server");
    }

    #[test]
    fn an_operation_level_server_is_checked_too() {
        let mut d = doc("https://api.wink.travel", "https://iam.wink.travel/oauth2/token");
        d["paths"] = json!({"/a/{b}": {"get": {"servers": [{"url": "https://localhost:8080"}]}}});
        assert_eq!(non_production_urls(&d)[0].pointer, "/paths/~1a~1{b}/get/servers/0/url");
    }
}
