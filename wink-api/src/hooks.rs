//! The `ClientHooks` every generated client runs (progenitor's seam for per-request logic).
//!
//! The generator is run with `HooksMode::Expected`, so each audience's `Client` must have an
//! implementation; the generated module index invokes [`wink_client_hooks!`] for each one.
//! The hook sets the headers the normalisation removed from every operation (`Wink-Version`,
//! `Accept`), drops progenitor's own `api-version` header (Wink does not use it), and then lets
//! the context's [`Authorize`](crate::Authorize) add credentials.

use reqwest::header::{ACCEPT, HeaderName, HeaderValue};

/// Name of Wink's API version header.
pub const WINK_VERSION_HEADER: HeaderName = HeaderName::from_static("wink-version");
/// The only `Wink-Version` Wink accepts (the documents' own default, `2.0.0`, is refused).
pub const WINK_VERSION: HeaderValue = HeaderValue::from_static("2.0");
/// The `Accept` value every request sends.
pub const ACCEPT_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// progenitor's own version header, which Wink does not define.
const PROGENITOR_API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// Prepares `request` for Wink: headers, then credentials.
pub(crate) async fn prepare<E>(
    context: &crate::ClientContext,
    request: &mut reqwest::Request,
) -> Result<(), progenitor_client::Error<E>> {
    let headers = request.headers_mut();
    headers.remove(PROGENITOR_API_VERSION);
    headers.insert(WINK_VERSION_HEADER, WINK_VERSION);
    headers.insert(ACCEPT, ACCEPT_JSON);
    if let Some(authorizer) = &context.authorizer {
        authorizer.authorize(request).await.map_err(|e| progenitor_client::Error::Custom(e.to_string()))?;
    }
    Ok(())
}

/// Implements `ClientHooks<ClientContext>` for `$module::Client`.
macro_rules! wink_client_hooks {
    ($module:ident) => {
        impl progenitor_client::ClientHooks<$crate::ClientContext> for $module::Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                _info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                $crate::hooks::prepare(&self.inner, request).await
            }
        }
    };
}
pub(crate) use wink_client_hooks;
