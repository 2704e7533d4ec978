//! The readiness checklist's parameters, beside its driver in `scenario::readiness`:
//! defaults, and how the form reads and writes them.

use super::{ParamField, Walk};
use crate::form;

/// Readiness: a checklist of the backend's endpoints, auth modes, messages, TLS and limits.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReadinessParams {
    /// The health check (default `/health`, on the endpoint's origin); empty skips it.
    pub health_url: String,
    /// The statistics endpoint (default `/api/ws/stats`); empty skips it.
    pub stats_url: String,
    /// An endpoint that takes no credentials (default `/ws`); empty skips the plain
    /// connection.
    pub plain_url: String,
    /// A token the server must refuse (default `invalid-token`). Redacted in reports.
    #[serde(serialize_with = "super::redacted")]
    pub invalid_token: String,
    /// Probe the rate limit (default off): messages at rising rates until the server closes.
    pub rate_limit: bool,
}

impl Default for ReadinessParams {
    fn default() -> Self {
        Self {
            health_url: "/health".into(),
            stats_url: "/api/ws/stats".into(),
            plain_url: "/ws".into(),
            invalid_token: "invalid-token".into(),
            rate_limit: false,
        }
    }
}

/// A URL or a path: empty (the check is skipped), `/…`, or `http(s)://` / `ws(s)://`.
fn url(s: &str) -> Result<String, String> {
    let t = s.trim();
    let schemes = ["http://", "https://", "ws://", "wss://"];
    let ok = t.is_empty()
        || (t.starts_with('/') && !t.starts_with("//"))
        || schemes
            .iter()
            .any(|p| t.len() > p.len() && t.starts_with(p));
    if !ok || t.len() > 2048 || t.chars().any(char::is_whitespace) {
        return Err(format!(
            "Enter a path such as /health, a full http(s):// or ws(s):// URL, or nothing to skip; got {}",
            form::quoted(t)
        ));
    }
    Ok(t.to_owned())
}

impl ReadinessParams {
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        use ParamField::*;
        w.text(HealthUrl, &mut self.health_url, &url, String::clone);
        w.text(StatsUrl, &mut self.stats_url, &url, String::clone);
        w.text(PlainUrl, &mut self.plain_url, &url, String::clone);
        w.invalid_token(&mut self.invalid_token);
        w.flag(RateLimit, &mut self.rate_limit);
    }
}
