//! The configuration and the suite kept across reloads (`localStorage`) and shared as a URL —
//! never a token.
//!
//! `RawConfig` skips its token when serialised, and what is written here goes through
//! [`RawConfig::without_secrets`] first, so a token typed into the endpoint is not kept either.
//!
//! A share link is someone else's configuration: it may point the endpoint at any host. So it
//! is loaded into the form but not saved — the view shows it as shared until the user keeps it
//! ([`forget_share_link`] then [`save`]) or discards it ([`saved`] gives the configuration to go
//! back to). Nothing from a link overwrites the stored configuration unasked.

use ws_console_engine::RawConfig;
use ws_console_engine::compact::to_json;
use ws_console_engine::suite::SuitePlan;

/// The `localStorage` key.
pub const STORAGE_KEY: &str = "wsc-config-v1";
/// The query parameter of a share URL.
pub const QUERY_KEY: &str = "wsc";
/// The `localStorage` key of the standalone page's suite (an embedded console's is its own
/// key with `:suite` after it).
pub const SUITE_KEY: &str = "wsc-suite-v1";
/// The query parameter of a share URL that carries a suite.
pub const SUITE_QUERY_KEY: &str = "wsc-suite";

/// The configuration to start with, and where it came from.
pub struct Loaded {
    /// A share link's configuration, else the stored one, else the defaults.
    pub config: RawConfig,
    /// Whether it came from a share link (shown as such; not saved until kept).
    pub shared: bool,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The configuration to start with: a share link's (marked shared), else the saved one.
pub fn load() -> Loaded {
    match from_query() {
        Some(config) => Loaded {
            config,
            shared: true,
        },
        None => Loaded {
            config: saved(),
            shared: false,
        },
    }
}

/// The stored configuration, else the defaults.
pub fn saved() -> RawConfig {
    saved_json(STORAGE_KEY)
        .and_then(|s| RawConfig::from_json(&s))
        .unwrap_or_default()
}

/// The JSON stored under `key`, if any.
pub fn saved_json(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok()?)
}

/// Stores the configuration (without any token).
pub fn save(config: &RawConfig) {
    save_at(STORAGE_KEY, config);
}

/// Stores the configuration under `key` (without any token).
pub fn save_at(key: &str, config: &RawConfig) {
    if let (Some(s), Ok(json)) = (storage(), to_json(&config.without_secrets())) {
        // A full or disabled storage only loses persistence, not the run.
        let _ = s.set_item(key, &json);
    }
}

/// The `localStorage` key of an embedded console named `name` by its host: every embedded
/// console keeps its configuration apart from the standalone page's and from the others'.
pub fn embedded_key(name: &str) -> String {
    format!("{STORAGE_KEY}:{name}")
}

/// Where a console keeps its configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Persistence {
    /// The standalone page: [`STORAGE_KEY`], and share links.
    #[default]
    Page,
    /// An embedded console: this key only (see [`embedded_key`]).
    Key(String),
    /// Nowhere (an embedded console its host gave no key).
    Off,
}

/// A URL of this page that opens the console with this configuration and this suite (when
/// it has steps) — without any token.
pub fn share_url(config: &RawConfig, suite: &SuitePlan) -> String {
    let json = to_json(&config.without_secrets()).unwrap_or_default();
    let mut url = format!(
        "{}?{QUERY_KEY}={}",
        page_url(),
        js_sys::encode_uri_component(&json)
    );
    if !suite.steps.is_empty()
        && let Ok(json) = to_json(suite)
    {
        url.push_str(&format!(
            "&{SUITE_QUERY_KEY}={}",
            js_sys::encode_uri_component(&json)
        ));
    }
    url
}

/// Where the suite of a console kept under `persistence` is stored, if anywhere.
fn suite_key(persistence: &Persistence) -> Option<String> {
    match persistence {
        Persistence::Page => Some(SUITE_KEY.into()),
        Persistence::Key(key) => Some(format!("{key}:suite")),
        Persistence::Off => None,
    }
}

/// The suite to start with: a share link's (the standalone page only), else the stored one,
/// else none. (The step forms' invalid tokens were never written, so none is read.)
pub fn load_suite(persistence: &Persistence) -> SuitePlan {
    let shared = match persistence {
        Persistence::Page => query(SUITE_QUERY_KEY).and_then(|j| SuitePlan::from_json(&j)),
        _ => None,
    };
    shared
        .or_else(|| saved_json(&suite_key(persistence)?).and_then(|j| SuitePlan::from_json(&j)))
        .unwrap_or_default()
}

/// Stores the suite where `persistence` says.
pub fn save_suite(persistence: &Persistence, plan: &SuitePlan) {
    if let (Some(s), Some(key), Ok(json)) = (storage(), suite_key(persistence), to_json(plan)) {
        let _ = s.set_item(&key, &json);
    }
}

/// Takes the share link's query off the address bar (kept or discarded, it is done with):
/// a reload then opens the saved configuration.
pub fn forget_share_link() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&page_url()));
    }
}

/// This page's origin and path, without query or fragment.
fn page_url() -> String {
    web_sys::window()
        .map(|w| w.location())
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default()
}

fn from_query() -> Option<RawConfig> {
    RawConfig::from_json(&query(QUERY_KEY)?)
}

/// The page URL's query parameter `key`.
fn query(key: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(key)
}
