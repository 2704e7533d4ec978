//! The configuration kept across reloads (`localStorage`) and shared as a URL — never the token.
//!
//! `RawConfig` skips its token when serialised, so nothing written here can carry it; a test
//! checks both the stored text and the share URL.

use ws_console_engine::RawConfig;

/// The `localStorage` key.
pub const STORAGE_KEY: &str = "wsc-config-v1";
/// The query parameter of a share URL.
pub const QUERY_KEY: &str = "wsc";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The configuration to start with: a share URL's, else the stored one, else the defaults.
pub fn load() -> RawConfig {
    from_query()
        .or_else(|| {
            storage()?
                .get_item(STORAGE_KEY)
                .ok()?
                .and_then(|s| serde_json::from_str(&s).ok())
        })
        .unwrap_or_default()
}

/// Stores the configuration (without its token).
pub fn save(config: &RawConfig) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(config)) {
        // A full or disabled storage only loses persistence, not the run.
        let _ = s.set_item(STORAGE_KEY, &json);
    }
}

/// A URL of this page that opens the console with this configuration (without its token).
pub fn share_url(config: &RawConfig) -> String {
    let location = web_sys::window().map(|w| w.location());
    let base = location
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default();
    let json = serde_json::to_string(config).unwrap_or_default();
    format!("{base}?{QUERY_KEY}={}", js_sys::encode_uri_component(&json))
}

fn from_query() -> Option<RawConfig> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    serde_json::from_str(&params.get(QUERY_KEY)?).ok()
}
