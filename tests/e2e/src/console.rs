//! Console-level helpers shared by the end-to-end tests: filling the form and reading numbers.

use crate::{Ctx, wait_for};
use std::time::Duration;

/// A generous deadline for anything the browser and backend do on loopback.
pub const LONG: Duration = Duration::from_secs(30);

/// Parses a card or cell that holds a whole number.
pub fn number(text: &str) -> u64 {
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// A counter from the backend's stats JSON (0 when absent).
pub fn stat(stats: &serde_json::Value, pointer: &str) -> u64 {
    stats
        .pointer(pointer)
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0)
}

impl Ctx {
    /// Sets the session count and interval, presses Start, and waits until all are connected.
    pub async fn start_sessions(&self, sessions: u32, interval_ms: u32) {
        self.page.fill("session-count", &sessions.to_string()).await;
        self.page
            .fill("send-interval", &interval_ms.to_string())
            .await;
        self.page.click("start").await;
        let want = format!("{sessions} / {sessions}");
        wait_for("every session connected", LONG, || async {
            (self.page.text("metric-active").await == want).then_some(())
        })
        .await;
    }

    /// The numbers in every cell with `data-testid`.
    pub async fn numbers(&self, id: &str) -> Vec<u64> {
        self.page
            .texts(id)
            .await
            .iter()
            .map(|t| number(t))
            .collect()
    }

    /// The number in the card with `data-testid`.
    pub async fn metric(&self, id: &str) -> u64 {
        number(&self.page.text(id).await)
    }
}
