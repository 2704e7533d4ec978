//! Readiness: one click runs a checklist against the backend, as a production test suite
//! reports it — checks in groups, a status and a time each, a pass rate per group and overall.
//!
//! Every probe goes through the run (its sessions, commands and redaction), so the checks
//! judge what the console itself sees: HTTP `GET`s of the health and statistics endpoints
//! ([`Run::request_get`]), sockets opened with each auth mode the browser allows and with an
//! invalid token ([`Run::open_probe`]), and frames sent on the authenticated socket whose
//! answers are read from its inbox. Header auth is listed, never graded: a browser cannot set
//! headers on a WebSocket. Each check becomes a criterion too, so the verdict, the JUnit
//! export and the runner need nothing of their own.

use super::Drive;
use super::criteria::Criterion;
use super::params::ReadinessParams;
use super::phases::Core;
use crate::AuthMode;
use crate::decimal::fixed;
use crate::ids::{Millis, SessionId};
use crate::run::{Probe, Run};
use crate::session::SessionState;
use crate::url::Endpoint;

mod answers;
mod checklist;

use answers::{ASKS, Answer, Ask, REPLY_WAIT_MS, fields, judge, resolve, welcome, without_token};
pub use checklist::{Check, CheckGroup, CheckStatus, Checklist};

/// Sessions the checklist uses, one per probe.
pub(crate) const SESSIONS: u32 = 7;
const PLAIN: SessionId = SessionId(0);
const AUTHED: SessionId = SessionId(1);
const QUERY: SessionId = SessionId(2);
const SUBPROTOCOL: SessionId = SessionId(3);
const COOKIE: SessionId = SessionId(4);
const INVALID: SessionId = SessionId(5);
const RATE: SessionId = SessionId(6);
const HEALTH_ID: u32 = 0;
const STATS_ID: u32 = 1;
/// How long a refused invalid token is watched for a retry.
const RETRY_WATCH_MS: Millis = 1500.0;
/// The rate-limit probe's rates (messages per second), each held for [`RATE_STEP_MS`].
pub(crate) const RATES: [u32; 7] = [5, 10, 20, 40, 80, 160, 320];
const RATE_STEP_MS: Millis = 1000.0;

/// The checklist's driver.
pub(super) struct Readiness {
    p: ReadinessParams,
    token: String,
    page_secure: Option<bool>,
    started: Millis,
    deadline: Millis,
    ask: usize,
    asked_at: Option<Millis>,
    answers: Vec<(Ask, Answer)>,
    refused_at: Option<Millis>,
    rate_step: Option<(usize, Millis, u32)>,
    rate_result: Option<Answer>,
    done: bool,
}

impl Readiness {
    pub(super) fn new(p: &ReadinessParams, token: &str) -> Readiness {
        Readiness {
            p: p.clone(),
            token: token.to_owned(),
            page_secure: None,
            started: 0.0,
            deadline: 0.0,
            ask: 0,
            asked_at: None,
            answers: Vec::new(),
            refused_at: None,
            rate_step: None,
            rate_result: None,
            done: false,
        }
    }

    fn inbox(run: &Run, s: SessionId) -> Vec<(Millis, String)> {
        run.inbox(s).cloned().collect()
    }

    /// A probed socket's state: connected, refused (needs auth / closed), or still trying.
    fn outcome(
        run: &Run,
        s: SessionId,
        now: Millis,
    ) -> Option<(CheckStatus, Option<Millis>, String)> {
        let v = run.session(s, now)?;
        let close = v.last_close.as_ref().map(|c| {
            format!("closed {} {}", c.code, c.reason)
                .trim_end()
                .to_owned()
        });
        match v.state {
            SessionState::Connected => Some((
                CheckStatus::Pass,
                v.connect_time_ms,
                format!(
                    "connected in {} ms",
                    fixed(v.connect_time_ms.unwrap_or(0.0), 1)
                ),
            )),
            SessionState::Connecting => None,
            SessionState::Error { reason } => Some((CheckStatus::Fail, None, reason)),
            _ => Some((
                CheckStatus::Fail,
                None,
                close.unwrap_or_else(|| "not connected".into()),
            )),
        }
    }

    fn rate_tick(&mut self, run: &mut Run, now: Millis) {
        let Some((step, since, sent)) = self.rate_step else {
            if run.is_connected(RATE) {
                self.rate_step = Some((0, now, 0));
            } else if now >= self.deadline {
                self.rate_result = Some(Answer {
                    status: CheckStatus::Fail,
                    time_ms: None,
                    detail: "the rate-limit probe's socket did not open".into(),
                });
            }
            return;
        };
        if !run.is_connected(RATE) {
            let close = run
                .session(RATE, now)
                .and_then(|v| v.last_close)
                .map_or("closed".to_owned(), |c| {
                    format!("closed {} {}", c.code, c.reason)
                });
            self.rate_result = Some(Answer {
                status: CheckStatus::Pass,
                time_ms: Some(now - since),
                detail: format!(
                    "limited at {} messages/s: {}",
                    RATES[step],
                    close.trim_end()
                ),
            });
            return;
        }
        if now - since >= RATE_STEP_MS {
            if step + 1 >= RATES.len() {
                self.rate_result = Some(Answer {
                    status: CheckStatus::Warn,
                    time_ms: None,
                    detail: format!("no limit seen up to {} messages/s", RATES[RATES.len() - 1]),
                });
                return;
            }
            self.rate_step = Some((step + 1, now, 0));
            return;
        }
        let due = ((now - since) / 1000.0 * f64::from(RATES[step])).ceil() as u32;
        let due = due.min(RATES[step]);
        let mut sent = sent;
        while sent < due {
            let frame = format!(r#"{{"type":"ping","id":"rate-{}-{sent}"}}"#, RATES[step]);
            if !run.send_text(RATE, frame, now) {
                break;
            }
            sent += 1;
        }
        self.rate_step = Some((step, since, sent));
    }

    fn rows(&self, run: &Run, now: Millis) -> Vec<(&'static str, Check)> {
        let check = |id, name, a: Answer| Check {
            id,
            name,
            status: a.status,
            time_ms: a.time_ms,
            detail: a.detail,
        };
        let pending = |detail: &str| Answer {
            status: CheckStatus::Fail,
            time_ms: None,
            detail: detail.to_owned(),
        };
        let mut rows = Vec::new();
        let http = |id: u32, url: &str, name: &'static str| -> Answer {
            if url.is_empty() {
                return Answer {
                    status: CheckStatus::Skip,
                    time_ms: None,
                    detail: "no URL given".into(),
                };
            }
            match run.http_result(id) {
                None => pending("no answer"),
                Some(r) if r.status == 0 => Answer {
                    status: CheckStatus::Fail,
                    time_ms: Some(r.elapsed_ms),
                    detail: format!("no answer: {} (a cross-origin URL needs CORS)", r.body),
                },
                Some(r) => Answer {
                    status: if (200..300).contains(&r.status) {
                        CheckStatus::Pass
                    } else {
                        CheckStatus::Fail
                    },
                    time_ms: Some(r.elapsed_ms),
                    detail: format!(
                        "{name} {} in {} ms: {}",
                        r.status,
                        fixed(r.elapsed_ms, 1),
                        fields(&r.body)
                    ),
                },
            }
        };
        rows.push((
            "Endpoints",
            check(
                "health",
                "Health endpoint",
                http(HEALTH_ID, &self.p.health_url, "HTTP"),
            ),
        ));
        rows.push((
            "Endpoints",
            check(
                "stats",
                "Statistics endpoint",
                http(STATS_ID, &self.p.stats_url, "HTTP"),
            ),
        ));
        let socket = |s: SessionId| match Self::outcome(run, s, now) {
            Some((status, time_ms, detail)) => Answer {
                status,
                time_ms,
                detail,
            },
            None => pending("still connecting"),
        };
        let plain = if self.p.plain_url.is_empty() {
            Answer {
                status: CheckStatus::Skip,
                time_ms: None,
                detail: "no open endpoint given".into(),
            }
        } else {
            socket(PLAIN)
        };
        rows.push(("Connections", check("plain", "Plain connection", plain)));
        rows.push((
            "Connections",
            check("authenticated", "Authenticated connection", socket(AUTHED)),
        ));
        let frames = Self::inbox(run, AUTHED);
        let hello = if run.is_connected(AUTHED) || !frames.is_empty() {
            welcome(&frames)
        } else {
            pending("not connected")
        };
        rows.push(("Connections", check("welcome", "Welcome message", hello)));
        rows.push((
            "Auth",
            check("auth-query", "Query parameter", socket(QUERY)),
        ));
        let answer = |ask: Ask| {
            self.answers.iter().find(|(a, _)| *a == ask).map_or_else(
                || pending("not asked: no authenticated connection"),
                |(_, x)| x.clone(),
            )
        };
        rows.push((
            "Auth",
            check(
                "auth-first-message",
                "First message (auth_success)",
                answer(Ask::Auth),
            ),
        ));
        rows.push((
            "Auth",
            check("auth-subprotocol", "Subprotocol", socket(SUBPROTOCOL)),
        ));
        let mut cookie = socket(COOKIE);
        if cookie.status == CheckStatus::Fail {
            cookie = Answer {
                status: CheckStatus::Skip,
                time_ms: None,
                detail: format!(
                    "refused without a token ({}): cookie auth needs the host app's session cookie, which this page does not have",
                    cookie.detail
                ),
            };
        }
        rows.push(("Auth", check("auth-cookie", "Cookie", cookie)));
        rows.push((
            "Auth",
            check(
                "auth-header",
                "Header (Authorization)",
                Answer {
                    status: CheckStatus::NotPossible,
                    time_ms: None,
                    detail: "a browser cannot set headers on a WebSocket handshake; use query, subprotocol, first message or cookie".into(),
                },
            ),
        ));
        let invalid = run.session(INVALID, now);
        let attempts = invalid.as_ref().map_or(0, |v| v.counters.connect_attempts);
        let refused = match (&invalid, self.refused_at) {
            (Some(v), Some(at)) => {
                let code = v.last_close.as_ref().map_or(0, |c| c.code);
                Answer {
                    status: if matches!(code, 1008 | 1006 | 4001 | 4003) {
                        CheckStatus::Pass
                    } else {
                        CheckStatus::Warn
                    },
                    time_ms: Some(at - self.started),
                    detail: match code {
                        1006 => "closed 1006 before the upgrade (HTTP 401, or a network failure: a browser cannot tell them apart)".into(),
                        c => format!("closed {c}"),
                    },
                }
            }
            (Some(v), None) if v.state == SessionState::Connected => Answer {
                status: CheckStatus::Fail,
                time_ms: v.connect_time_ms,
                detail: "the server accepted an invalid token".into(),
            },
            _ => pending("not refused"),
        };
        rows.push((
            "Auth",
            check("invalid-refused", "Invalid token refused", refused),
        ));
        let retried = Answer {
            status: if self.refused_at.is_some() && attempts == 1 {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            },
            time_ms: None,
            detail: format!("{attempts} attempt(s) with the invalid token"),
        };
        rows.push((
            "Auth",
            check("invalid-not-retried", "Invalid token not retried", retried),
        ));
        rows.push(("Messages", check("ping", "ping → pong", answer(Ask::Ping))));
        rows.push((
            "Messages",
            check("message", "message → reply", answer(Ask::Message)),
        ));
        rows.push((
            "Messages",
            check(
                "unknown",
                "unknown type → error or silence",
                answer(Ask::Unknown),
            ),
        ));
        // The checklist is of the first endpoint line (the configured backend).
        let wss = run
            .config()
            .endpoint
            .of(SessionId(0))
            .template()
            .starts_with("wss://");
        let tls = match (wss, self.page_secure) {
            (true, _) => Answer {
                status: CheckStatus::Pass,
                time_ms: None,
                detail: "wss:// (TLS)".into(),
            },
            (false, Some(true)) => Answer {
                status: CheckStatus::Fail,
                time_ms: None,
                detail: "ws:// from an https page: the browser blocks it as mixed content; use wss://".into(),
            },
            (false, Some(false)) => Answer {
                status: CheckStatus::Skip,
                time_ms: None,
                detail: "not applicable: this page is http, so ws:// is allowed here; from an https page the browser blocks ws:// as mixed content, so production needs wss://".into(),
            },
            (false, None) => Answer {
                status: CheckStatus::Warn,
                time_ms: None,
                detail: "ws:// without TLS: an https page would block it as mixed content; production needs wss://".into(),
            },
        };
        rows.push(("Production", check("tls", "TLS", tls)));
        let limit = match (&self.rate_result, self.p.rate_limit) {
            (_, false) => Answer {
                status: CheckStatus::Skip,
                time_ms: None,
                detail: "off (it sends at rising rates until the server limits it; turn it on to run it)".into(),
            },
            (Some(a), true) => a.clone(),
            (None, true) => pending("not finished"),
        };
        rows.push(("Production", check("rate-limit", "Rate limiting", limit)));
        rows
    }

    /// The checklist as it stands.
    pub(super) fn checklist(&self, run: &Run, now: Millis) -> Checklist {
        Checklist::of(self.rows(run, now))
    }
}

impl Drive for Readiness {
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        run.start_idle(now);
        self.started = now;
        self.deadline = now + run.config().reconnect.connect_timeout_ms.min(5000.0) + 1000.0;
        let cfg = run.config().clone();
        let origin = cfg.endpoint.http_origin();
        for (id, url) in [
            (HEALTH_ID, &self.p.health_url),
            (STATS_ID, &self.p.stats_url),
        ] {
            if !url.is_empty() {
                run.request_get(id, resolve(url, &origin, true), now);
            }
        }
        let probe = |url: String, protocols: Vec<String>| Probe { url, protocols };
        if !self.p.plain_url.is_empty() {
            let url = resolve(&self.p.plain_url, &origin, false);
            run.open_probe(PLAIN, probe(url, Vec::new()), "", now);
        }
        run.listen(AUTHED);
        run.open_session(AUTHED, now);
        let first = cfg.endpoint.of(SessionId(0));
        let bare =
            Endpoint::parse(&without_token(first.template()), "").unwrap_or_else(|_| first.clone());
        let fill = |token: &str, mode| bare.fill(&cfg.user_id, token, 0, mode);
        let token = self.token.clone();
        run.open_probe(
            QUERY,
            probe(fill(&token, AuthMode::Query), Vec::new()),
            "",
            now,
        );
        let sub = probe(fill("", AuthMode::Cookie), vec![token.clone()]);
        run.open_probe(SUBPROTOCOL, sub, "", now);
        run.open_probe(
            COOKIE,
            probe(fill("", AuthMode::Cookie), Vec::new()),
            "",
            now,
        );
        let bad = self.p.invalid_token.clone();
        let invalid = if cfg.auth_mode == AuthMode::Subprotocol {
            probe(fill("", AuthMode::Cookie), vec![bad.clone()])
        } else {
            probe(fill(&bad, AuthMode::Query), Vec::new())
        };
        run.open_probe(INVALID, invalid, &bad, now);
        if self.p.rate_limit {
            run.open_session(RATE, now);
        }
        core.enter("checks", run, now);
        let rates = if self.p.rate_limit {
            RATES.len() as f64 * RATE_STEP_MS
        } else {
            0.0
        };
        core.plan_end(self.deadline + 4.0 * REPLY_WAIT_MS + rates);
    }

    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        if self.done {
            return;
        }
        let refused = run.session(INVALID, now).is_some_and(|v| {
            !matches!(v.state, SessionState::Connecting | SessionState::Connected)
        });
        if refused && self.refused_at.is_none() {
            self.refused_at = Some(now);
        }
        // The messages, one after the other, on the authenticated socket.
        if self.ask < ASKS.len() {
            let ask = ASKS[self.ask];
            match self.asked_at {
                None if run.is_connected(AUTHED)
                    && run.send_text(AUTHED, ask.frame(&self.token), now) =>
                {
                    self.asked_at = Some(now);
                }
                None if now >= self.deadline => self.ask = ASKS.len(),
                None => {}
                Some(queued) => {
                    // From the ask's `send()`, once the adapter has stamped it.
                    let at = run
                        .control_sent_at(AUTHED)
                        .filter(|t| *t >= queued)
                        .unwrap_or(queued);
                    if let Some(a) = judge(ask, &Self::inbox(run, AUTHED), at, now) {
                        self.answers.push((ask, a));
                        self.ask += 1;
                        self.asked_at = None;
                    }
                }
            }
        }
        if self.p.rate_limit && self.rate_result.is_none() && self.ask >= ASKS.len() {
            self.rate_tick(run, now);
        }
        let connecting = [PLAIN, AUTHED, QUERY, SUBPROTOCOL, COOKIE, INVALID]
            .into_iter()
            .any(|s| matches!(run.session_state(s, now), Some(SessionState::Connecting)));
        let http_in = [
            (HEALTH_ID, &self.p.health_url),
            (STATS_ID, &self.p.stats_url),
        ]
        .iter()
        .all(|(id, url)| url.is_empty() || run.http_result(*id).is_some());
        let watched = self.refused_at.is_some_and(|t| now - t >= RETRY_WATCH_MS);
        let settled = !connecting && http_in && watched;
        let asked = self.ask >= ASKS.len();
        let limited = !self.p.rate_limit || self.rate_result.is_some();
        let late = now >= self.deadline + 4.0 * REPLY_WAIT_MS;
        if (settled && asked && limited) || (late && limited) {
            self.done = true;
            core.drain(run, now);
        }
    }

    fn criteria(&self, run: &Run, now: Millis) -> Vec<Criterion> {
        self.rows(run, now)
            .into_iter()
            .map(|(_, c)| {
                let measured = match c.status {
                    CheckStatus::NotPossible | CheckStatus::Skip => {
                        format!("{}: {}", c.status.label(), c.detail)
                    }
                    _ => c.detail,
                };
                Criterion::new(c.id, c.name, "PASS", measured, c.time_ms, c.status.grade())
            })
            .collect()
    }

    fn page(&mut self, secure: bool) {
        self.page_secure = Some(secure);
    }

    fn checklist(&self, run: &Run, now: Millis) -> Option<Checklist> {
        Some(Readiness::checklist(self, run, now))
    }
}
