//! The read side: what the view, the exports and the scenario reports see.

use super::Run;
use crate::config::RunConfig;
use crate::frames::CapturedFrame;
use crate::heap::HeapSample;
use crate::ids::{Millis, SessionId};
use crate::log::Log;
use crate::metrics::{Counters, Totals};
use crate::series::SeriesPoint;
use crate::session::{Phase, SessionState, SessionView, TimelineEvent};
use crate::thresholds::{Measure, ReconnectFacts, Verdict};

impl Run {
    /// The validated configuration.
    pub fn config(&self) -> &RunConfig {
        &self.cfg
    }

    /// Whether the run is started (between Start and Stop).
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// When Start was first pressed.
    pub fn started_at(&self) -> Option<Millis> {
        self.started_at
    }

    /// Number of sessions.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Every session, for the per-session table.
    pub fn sessions(&self, now: Millis) -> Vec<SessionView> {
        self.sessions.iter().map(|s| self.view_of(s, now)).collect()
    }

    /// One session.
    pub fn session(&self, s: SessionId, now: Millis) -> Option<SessionView> {
        self.sessions.get(s.index()).map(|x| self.view_of(x, now))
    }

    fn view_of(&self, s: &crate::session::Session, now: Millis) -> SessionView {
        SessionView {
            endpoint: self.cfg.endpoint.index_of(s.id) as u32,
            ..s.view(now)
        }
    }

    /// One session's state (cheaper than a whole view).
    pub fn session_state(&self, s: SessionId, now: Millis) -> Option<SessionState> {
        self.sessions.get(s.index()).map(|x| x.state(now))
    }

    /// One row per endpoint line, its sessions' figures summed (issue 13).
    pub fn endpoints(&self, now: Millis) -> Vec<crate::EndpointRow> {
        crate::per_endpoint::rows(self, now)
    }

    /// Endpoint `i`'s connect and first-message samples.
    pub(crate) fn endpoint_times(&self, i: usize) -> Option<&crate::per_endpoint::EndpointTimes> {
        self.endpoint_times.get(i)
    }

    /// One session's timeline lane, oldest first (bounded).
    pub fn timeline(&self, s: SessionId) -> impl Iterator<Item = &TimelineEvent> {
        self.sessions
            .get(s.index())
            .into_iter()
            .flat_map(|x| x.timeline.iter())
    }

    /// The filled-in URL of session `s` with every token redacted (environment panel).
    pub fn display_url(&self, s: SessionId) -> String {
        let url = self
            .cfg
            .endpoint
            .fill(&self.cfg.user_id, &self.token, s.0, self.cfg.auth_mode);
        self.redactor.redact(&url)
    }

    /// `text` with every token this run has used redacted: for any display or export path.
    pub fn redact(&self, text: &str) -> String {
        self.redactor.redact(text)
    }

    /// Every token this run has used, for redacting bytes (binary frames) on export.
    pub(crate) fn redactor(&self) -> &crate::url::Redactor {
        &self.redactor
    }

    /// RTT and counts by the value of the configured field of the messages, a row per
    /// value (bounded); `None` when no field is configured. Values are redacted again with
    /// every token the run has used (one may have come after the row was made).
    pub fn breakdown(&self) -> Option<crate::groups::Breakdown> {
        let mut b = self.groups.as_ref()?.breakdown();
        for g in &mut b.groups {
            g.value = self.redactor.redact(&g.value);
        }
        Some(b)
    }

    /// Counters summed over every session.
    pub fn counters(&self) -> Counters {
        self.total_counters()
    }

    /// Whole-run figures for the metric cards.
    pub fn totals(&self, now: Millis) -> Totals {
        let counters = self.total_counters();
        let mut t = Totals {
            success_rate: counters.success_rate(),
            rtt: self.rtt.summary(),
            ping_rtt: self.ping_rtt.summary(),
            foreign_latency: self.foreign_latency.summary(),
            connect_time: self.connect_time.summary(),
            first_message: self.first_message.summary(),
            recovery: self.recovery.summary(),
            sent_per_s: self.sent_rate.per_second(now),
            received_per_s: self.received_rate.per_second(now),
            queued_now: self.sessions.iter().map(|s| s.queue.len() as u64).sum(),
            held_now: self.held_now(),
            heap: self.heap.latest().copied(),
            heap_trend: self.heap.trend(),
            hidden: self.hidden,
            counters,
            ..Totals::default()
        };
        let n = &mut t.sessions;
        n.configured = self.sessions.len() as u32;
        for s in &self.sessions {
            match s.phase {
                Phase::Idle => n.disconnected += 1,
                Phase::Connecting { .. } | Phase::Authenticating { .. } | Phase::AwaitingToken => {
                    n.connecting += 1
                }
                Phase::Connected { .. } => n.active += 1,
                Phase::Backoff { .. } => n.reconnecting += 1,
                Phase::NeedsAuth => n.needs_auth += 1,
                Phase::Failed { .. } => n.errored += 1,
            }
        }
        t
    }

    /// Every measure judged against the thresholds (F10).
    pub fn verdicts(&self, _now: Millis) -> Vec<Verdict> {
        let th = &self.cfg.thresholds;
        let c = self.total_counters();
        let facts = ReconnectFacts {
            drops: c.drops,
            gave_up: self
                .sessions
                .iter()
                .filter(|s| matches!(s.phase, Phase::Failed { .. }))
                .count() as u32,
            max_attempts_in_row: self
                .sessions
                .iter()
                .map(|s| s.max_attempts_in_row)
                .max()
                .unwrap_or(0),
        };
        vec![
            th.success_verdict(Measure::MessageSuccess, c.matched, c.lost),
            th.success_verdict(Measure::ConnectionSuccess, c.connects, c.connect_failures),
            th.rtt_verdict(self.rtt.mean(), self.rtt.count()),
            th.time_verdict(
                Measure::ConnectTime,
                self.connect_time.mean(),
                self.connect_time.count(),
            ),
            th.time_verdict(
                Measure::FirstMessage,
                self.first_message.mean(),
                self.first_message.count(),
            ),
            th.heap_verdict(self.heap.trend().as_ref()),
            th.reconnect_verdict(facts),
        ]
    }

    /// The correlation pointer's unescaped tokens: an adapter that reads only the start of
    /// an oversized frame looks the id up with them (see [`Run::on_oversized`]).
    pub fn pointer_tokens(&self) -> &[String] {
        self.pointer.tokens()
    }

    /// The log (bounded); filter with [`crate::LogFilter`] through `Log::filtered`.
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// Metrics history for the charts, about one point a second: sent and received per
    /// second, RTT mean, p50, p95 and max, active sessions. Bounded by `Limits::history`:
    /// over long runs neighbouring points are merged, so the series spans the whole run at
    /// a coarser step (see [`crate::Series`]).
    pub fn history(&self) -> &[SeriesPoint] {
        self.history.points()
    }

    /// Heap samples for the heap chart (bounded and merged like [`Run::history`]); empty
    /// when the browser has no `performance.memory`.
    pub fn heap_samples(&self) -> &[HeapSample] {
        self.heap.samples()
    }

    /// Whether heap figures are available (any sample recorded).
    pub fn heap_available(&self) -> bool {
        self.heap.latest().is_some()
    }

    /// Whether `sent = matched + lost + pending` holds for every session and the pending
    /// map agrees with the counters. Always true; exports show it.
    pub fn invariant_holds(&self) -> bool {
        let total = self.total_counters();
        self.sessions.iter().all(|s| s.counters.invariant_holds())
            && total.invariant_holds()
            && total.pending == self.correlator.pending_len() as u64
    }

    /// Whether a token request is outstanding.
    pub fn token_requested(&self) -> bool {
        self.token_requested
    }

    /// Why the token provider could not give a token (redacted), until a token arrives.
    pub fn token_error(&self) -> Option<&str> {
        self.token_error.as_deref()
    }

    /// How many times [`Run::set_token`] was called, and when last: lets a scenario tell
    /// a reconnect caused by a fresh token from a retry.
    pub fn token_updates(&self) -> (u64, Option<Millis>) {
        (self.token_updates, self.token_updated_at)
    }

    /// How many [`crate::Command::Fault`]s the adapter reported as failed.
    pub fn fault_failures(&self) -> u64 {
        self.fault_failures
    }

    /// Whether the tab was hidden at any moment of the run (timers throttled; results
    /// marked).
    pub fn was_hidden(&self) -> bool {
        self.was_hidden
    }

    /// Which thread stamped the socket events, if the adapter said ([`Run::set_stamped_in`]).
    pub fn stamped_in(&self) -> Option<super::StampedIn> {
        self.stamped_in
    }

    /// The captured frames, oldest first (bounded; token redacted), for the frames view
    /// and the HAR export.
    pub fn frames(&self) -> impl DoubleEndedIterator<Item = &CapturedFrame> + ExactSizeIterator {
        self.frames.iter()
    }

    /// Frames dropped from the capture to stay within its bounds.
    pub fn frames_evicted(&self) -> u64 {
        self.frames.evicted()
    }

    // ---- cheap per-session facts for the scenarios (no view is built) ----

    pub(crate) fn is_connected(&self, s: SessionId) -> bool {
        self.sessions
            .get(s.index())
            .is_some_and(|x| x.is_connected())
    }

    pub(crate) fn connected_count(&self) -> usize {
        self.sessions.iter().filter(|x| x.is_connected()).count()
    }

    pub(crate) fn generation_of(&self, s: SessionId) -> crate::ids::Generation {
        self.sessions
            .get(s.index())
            .map_or(crate::ids::Generation(0), |x| x.generation)
    }

    pub(crate) fn needs_auth(&self, s: SessionId) -> bool {
        self.sessions
            .get(s.index())
            .is_some_and(|x| x.phase == Phase::NeedsAuth)
    }

    pub(crate) fn last_recovery(&self, s: SessionId) -> Option<Millis> {
        self.sessions.get(s.index()).and_then(|x| x.last_recovery)
    }

    pub(crate) fn connected_since(&self, s: SessionId) -> Option<Millis> {
        match self.sessions.get(s.index())?.phase {
            Phase::Connected { since } => Some(since),
            _ => None,
        }
    }

    /// Trend of the JS heap readings (see [`crate::heap::HeapTrend::coarse`]).
    pub fn heap_trend(&self) -> Option<crate::heap::HeapTrend> {
        self.heap.trend()
    }

    /// Trend of the console's own wasm linear memory, sampled with the heap.
    pub fn wasm_trend(&self) -> Option<crate::heap::HeapTrend> {
        self.heap.wasm_trend()
    }

    /// Test messages awaiting their reply now, over all sessions (cheap: no scan).
    pub fn awaiting_replies(&self) -> usize {
        self.correlator.pending_len()
    }

    pub(crate) fn queued_now(&self) -> u64 {
        self.sessions.iter().map(|x| x.queue.len() as u64).sum()
    }

    pub(crate) fn foreign_latency_summary(&self) -> crate::RttSummary {
        self.foreign_latency.summary()
    }

    /// Sizes of the bounded structures, for the boundedness tests.
    #[cfg(test)]
    pub(crate) fn bounded_sizes(&self) -> Vec<(&'static str, usize, usize)> {
        let cfg = &self.cfg;
        let mut v = vec![
            ("log", self.log.len(), self.log.capacity()),
            ("heap", self.heap.samples().len(), cfg.limits.heap_samples),
            ("history", self.history.points().len(), cfg.limits.history),
            ("pending", self.correlator.pending_len(), cfg.limits.pending),
            ("frames", self.frames.iter().len(), cfg.limits.frames),
            (
                "frame bytes",
                self.frames.bytes(),
                cfg.limits.frames_total_bytes,
            ),
        ];
        for s in &self.sessions {
            v.push(("queue", s.queue.len(), cfg.queue_capacity));
            v.push(("timeline", s.timeline.len(), cfg.limits.timeline));
            v.push(("rtt buckets", s.rtt.buckets(), 2561));
        }
        let [p, o, r, ro, l, lo, d, dor] = self.correlator.sizes();
        v.push(("pending", p, cfg.limits.pending));
        v.push(("pending order", o, 2 * cfg.limits.pending + 65));
        v.push(("recent", r, cfg.limits.dedup));
        v.push(("recent order", ro, cfg.limits.dedup));
        v.push(("lost", l, cfg.limits.lost_memory));
        v.push(("lost order", lo, 2 * cfg.limits.lost_memory + 1));
        v.push(("fan-out seen", d, cfg.limits.dedup));
        v.push(("fan-out order", dor, cfg.limits.dedup));
        v
    }
}
