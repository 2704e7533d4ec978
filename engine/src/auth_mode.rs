//! How the token reaches the server: its own leaf, which both the configuration and the URL
//! template read.

/// How the token reaches the server. Browsers cannot set headers on a WebSocket, so there
/// is deliberately no header mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))] // the reference `RawConfig::from_json` is held to
#[serde(rename_all = "kebab-case")]
pub enum AuthMode {
    /// In the URL: through `{token}`, or appended as `?token=…`.
    #[default]
    Query,
    /// Offered as a `Sec-WebSocket-Protocol` value.
    Subprotocol,
    /// `{"type":"auth","token":…}` sent on open, answered by `auth_success` / `auth_error`.
    FirstMessage,
    /// The browser sends the app's cookies; nothing to add.
    Cookie,
}

impl AuthMode {
    /// Every mode, in display order.
    pub const ALL: [AuthMode; 4] = [
        AuthMode::Query,
        AuthMode::Subprotocol,
        AuthMode::FirstMessage,
        AuthMode::Cookie,
    ];

    /// Stable name (form values, CSS, persisted config).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::Query => "query",
            AuthMode::Subprotocol => "subprotocol",
            AuthMode::FirstMessage => "first-message",
            AuthMode::Cookie => "cookie",
        }
    }

    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            AuthMode::Query => "Query parameter",
            AuthMode::Subprotocol => "Subprotocol (Sec-WebSocket-Protocol)",
            AuthMode::FirstMessage => "First message",
            AuthMode::Cookie => "Cookie",
        }
    }

    /// Parses [`AuthMode::as_str`] output.
    pub fn parse(s: &str) -> Option<AuthMode> {
        AuthMode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}
