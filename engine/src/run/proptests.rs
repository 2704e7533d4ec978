//! Property tests: random event sequences (opens, closes, texts, ticks, stops, with random
//! generations and times) must never break the run's invariants. Socket events go in as the
//! adapter's own [`SocketEvent`]s, through [`Run::on_socket`].

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::config::RawConfig;

const SESSIONS: u32 = 3;

#[derive(Clone, Debug)]
enum Reply {
    /// Echo of the n-th most recent sent message.
    Echo(usize),
    /// A reply whose id was never sent.
    Stranger(u64),
    Pong,
    EchoPing,
    Connected,
    Garbage,
    AuthSuccess,
    AuthError,
    ServerError,
}

/// A socket event before the model turns it into a [`SocketEvent`] (a reply names what it
/// answers, a binary frame its size).
#[derive(Clone, Debug)]
enum Ev {
    Open,
    Close(u16),
    Error,
    Text(Reply),
    Binary(usize),
    /// `send()` threw for a frame that is not a test message.
    SendFailed,
}

#[derive(Clone, Debug)]
enum Op {
    Start,
    Stop,
    Tick(f64),
    /// What socket (session, generation offset) reports.
    Socket(u32, i64, Ev),
    /// The n-th most recent test message, echoed to the session that sent it.
    EchoBack(usize, i64),
    SendOne(u32),
    Broadcast,
    Burst(Option<u32>, u32),
    SetToken,
    DropSession(u32),
    StopSession(u32),
    Heap(u64),
    Hidden(bool),
}

fn reply() -> impl Strategy<Value = Reply> {
    prop_oneof![
        6 => (0usize..6).prop_map(Reply::Echo),
        1 => (0u64..50).prop_map(Reply::Stranger),
        1 => Just(Reply::Pong),
        1 => Just(Reply::EchoPing),
        1 => Just(Reply::Connected),
        1 => Just(Reply::Garbage),
        1 => Just(Reply::AuthSuccess),
        1 => Just(Reply::AuthError),
        1 => Just(Reply::ServerError),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..SESSIONS;
    // Generation offset from the session's latest: mostly current, sometimes retired or future.
    let g = prop_oneof![6 => Just(0i64), 1 => Just(-1i64), 1 => Just(-2i64), 1 => Just(1i64)];
    prop_oneof![
        2 => Just(Op::Start),
        1 => Just(Op::Stop),
        10 => prop_oneof![9 => 0.0..3_000.0f64, 1 => -200.0..0.0f64].prop_map(Op::Tick),
        6 => (s.clone(), g.clone()).prop_map(|(s, g)| Op::Socket(s, g, Ev::Open)),
        3 => (s.clone(), g.clone(), prop::sample::select(vec![1000u16, 1006, 1008, 1013, 4001, 4029, 4500]))
            .prop_map(|(s, g, c)| Op::Socket(s, g, Ev::Close(c))),
        1 => (s.clone(), g.clone()).prop_map(|(s, g)| Op::Socket(s, g, Ev::Error)),
        8 => (s.clone(), g.clone(), reply()).prop_map(|(s, g, r)| Op::Socket(s, g, Ev::Text(r))),
        12 => (0usize..6, g.clone()).prop_map(|(n, g)| Op::EchoBack(n, g)),
        1 => (s.clone(), g.clone(), 0usize..100).prop_map(|(s, g, n)| Op::Socket(s, g, Ev::Binary(n))),
        1 => (s.clone(), g.clone()).prop_map(|(s, g)| Op::Socket(s, g, Ev::SendFailed)),
        5 => s.clone().prop_map(Op::SendOne),
        2 => Just(Op::Broadcast),
        1 => (prop::option::of(s.clone()), 0u32..12).prop_map(|(s, k)| Op::Burst(s, k)),
        1 => Just(Op::SetToken),
        1 => s.clone().prop_map(Op::DropSession),
        1 => s.prop_map(Op::StopSession),
        1 => (1u64..1 << 32).prop_map(Op::Heap),
        1 => any::<bool>().prop_map(Op::Hidden),
    ]
}

fn small_config(first_message: bool, jitter: bool) -> RunConfig {
    let raw = RawConfig {
        sessions: SESSIONS.to_string(),
        send_interval_ms: "700".into(),
        reply_timeout_ms: "2000".into(),
        duplicate_window_ms: "1000".into(),
        heartbeat_interval_ms: "1500".into(),
        heartbeat_timeout_ms: "500".into(),
        connect_timeout_ms: "1000".into(),
        reconnect_schedule_s: "0.1,0.5,1".into(),
        max_attempts: if jitter { "4".into() } else { String::new() },
        jitter,
        queue_capacity: "5".into(),
        log_capacity: "100".into(),
        auth_mode: if first_message {
            AuthMode::FirstMessage
        } else {
            AuthMode::Query
        },
        token: "tok".into(),
        log_noise: jitter,
        log_sent: !jitter,
        // RTT by an agent the template cycles, so every path a message takes (queue,
        // eviction, refusal, timeout) is checked against its row too.
        message_template: r#"{"type":"message","id":"{{id}}","agent":"{{cycle:a|b|c}}"}"#.into(),
        group_pointer: "/agent".into(),
        ..Default::default()
    };
    let mut cfg = RunConfig::from_raw(&raw, "http://127.0.0.1:8080").unwrap();
    cfg.limits.pending = 12;
    cfg.limits.dedup = 8;
    cfg.limits.lost_memory = 8;
    cfg.limits.timeline = 6;
    cfg.limits.heap_samples = 6;
    cfg.limits.history = 6;
    cfg
}

/// What the test knows from the commands it has seen.
#[derive(Default)]
struct Model {
    latest: HashMap<u32, u64>,
    live: HashMap<u32, u64>,
    sent: Vec<(u32, String)>,
    pings: Vec<String>,
    user_stopped: bool,
}

impl Model {
    fn absorb(&mut self, commands: Vec<Command>) -> Result<(), TestCaseError> {
        for c in commands {
            match c {
                Command::Open {
                    session,
                    generation,
                    ..
                } => {
                    prop_assert!(!self.user_stopped, "Open after Stop without Start");
                    self.latest.insert(session.0, generation.0);
                    self.live.insert(session.0, generation.0);
                }
                Command::Close {
                    session,
                    generation,
                    ..
                } => {
                    if self.live.get(&session.0) == Some(&generation.0) {
                        self.live.remove(&session.0);
                    }
                }
                Command::Send {
                    session,
                    frame: Frame::Text(t),
                    ..
                } => {
                    if t.contains(r#""type":"ping""#) {
                        self.pings.push(t);
                    } else if !t.contains(r#""type":"auth""#) {
                        self.sent.push((session.0, t));
                    }
                }
                Command::Send { .. }
                | Command::RequestToken
                | Command::Fault { .. }
                | Command::HttpGet { .. } => {}
            }
        }
        if self.sent.len() > 64 {
            self.sent.drain(..32);
        }
        if self.pings.len() > 8 {
            self.pings.drain(..4);
        }
        Ok(())
    }

    fn generation(&self, s: u32, offset: i64) -> Generation {
        Generation(
            self.latest
                .get(&s)
                .copied()
                .unwrap_or(0)
                .saturating_add_signed(offset),
        )
    }

    fn is_live(&self, s: u32, g: Generation) -> bool {
        self.live.get(&s) == Some(&g.0)
    }

    /// The adapter's report for `ev`.
    fn event(&self, ev: Ev) -> SocketEvent {
        match ev {
            Ev::Open => SocketEvent::Open,
            Ev::Close(code) => SocketEvent::Close {
                code,
                reason: "bye".into(),
                was_clean: code == 1000,
            },
            Ev::Error => SocketEvent::Error,
            Ev::Text(reply) => SocketEvent::Text(self.text(&reply)),
            // Not UTF-8: a binary push, never a reply.
            Ev::Binary(n) => SocketEvent::Binary(vec![0xFF; n]),
            Ev::SendFailed => SocketEvent::Unsent {
                key: None,
                frame: Frame::Text(r#"{"type":"ping"}"#.into()),
                closed: false,
                why: "send() threw".into(),
            },
        }
    }

    fn text(&self, r: &Reply) -> String {
        match r {
            Reply::Echo(n) => self
                .sent
                .iter()
                .rev()
                .nth(*n)
                .map_or_else(|| r#"{"type":"message","id":"1"}"#.into(), |x| x.1.clone()),
            Reply::Stranger(id) => {
                format!(r#"{{"type":"chat_response","id":"{}"}}"#, 1_000_000 + id)
            }
            Reply::Pong => r#"{"type":"pong"}"#.into(),
            Reply::EchoPing => self
                .pings
                .last()
                .cloned()
                .unwrap_or_else(|| r#"{"type":"ping","id":"5"}"#.into()),
            Reply::Connected => r#"{"type":"connected","authenticated":true}"#.into(),
            Reply::Garbage => "not json {".into(),
            Reply::AuthSuccess => r#"{"type":"auth_success"}"#.into(),
            Reply::AuthError => r#"{"type":"auth_error"}"#.into(),
            Reply::ServerError => r#"{"type":"error","code":"malformed_json"}"#.into(),
        }
    }
}

/// Everything an event could change about one session, plus the log.
fn snapshot(r: &Run, s: u32, now: Millis) -> (Option<crate::session::SessionView>, u64, Counters) {
    (
        r.session(SessionId(s), now),
        r.log().next_seq(),
        r.counters(),
    )
}

fn check_invariants(r: &Run) -> Result<(), TestCaseError> {
    prop_assert!(
        r.invariant_holds(),
        "sent = matched + lost + pending broken: {:?}",
        r.counters()
    );
    for (what, len, cap) in r.bounded_sizes() {
        prop_assert!(len <= cap, "{what}: {len} > {cap}");
    }
    // Per row of the breakdown as in total: the rows add up to the run's counts.
    let c = r.counters();
    let rows = r.breakdown().map(|b| b.groups).unwrap_or_default();
    for g in &rows {
        prop_assert!(g.matched + g.lost <= g.sent, "row {g:?}");
    }
    let sum = |f: fn(&crate::groups::GroupRow) -> u64| rows.iter().map(f).sum::<u64>();
    prop_assert_eq!(
        (
            sum(|g| g.sent),
            sum(|g| g.matched),
            sum(|g| g.lost),
            sum(|g| g.pending)
        ),
        (c.sent, c.matched, c.lost, c.pending),
        "the breakdown's rows do not add up to the run: {:?}",
        rows
    );
    Ok(())
}

fn drive(cfg: RunConfig, seed: u64, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut r = Run::new(cfg, seed);
    let mut m = Model::default();
    let mut now = 0.0;
    for op in ops {
        // Events aimed at a socket that is not live must change nothing at all.
        let event_target = match &op {
            Op::Socket(s, g, _) => Some((*s, m.generation(*s, *g))),
            Op::EchoBack(n, g) => m
                .sent
                .iter()
                .rev()
                .nth(*n)
                .map(|(s, _)| (*s, m.generation(*s, *g))),
            _ => None,
        };
        let stale = event_target.filter(|(s, g)| !m.is_live(*s, *g));
        let before = stale.map(|(s, _)| snapshot(&r, s, now));
        match op {
            Op::Start => {
                m.user_stopped = false;
                r.start(now);
            }
            Op::Stop => {
                r.stop(now);
                m.absorb(r.drain_commands().collect())?;
                m.user_stopped = true;
            }
            Op::Tick(dt) => {
                now += dt;
                r.tick(now);
            }
            Op::Socket(s, g, ev) => {
                let g = m.generation(s, g);
                let closes = matches!(ev, Ev::Close(_));
                r.on_socket(SessionId(s), g, m.event(ev), now);
                if closes && m.is_live(s, g) {
                    m.live.remove(&s);
                }
            }
            Op::EchoBack(n, g) => {
                if let Some((s, text)) = m.sent.iter().rev().nth(n).cloned() {
                    let g = m.generation(s, g);
                    r.on_socket(SessionId(s), g, SocketEvent::Text(text), now);
                }
            }
            Op::SendOne(s) => r.send_one(SessionId(s), now),
            Op::Broadcast => r.broadcast(now),
            Op::Burst(s, k) => r.burst(s.map(SessionId), k, now),
            Op::SetToken => r.set_token(format!("tok{now}"), now),
            Op::DropSession(s) => r.drop_session(SessionId(s), now),
            Op::StopSession(s) => r.stop_session(SessionId(s), now),
            Op::Heap(used) => r.record_heap(now, used, used * 2, 1 << 33, 0),
            Op::Hidden(h) => r.set_hidden(h, now),
        }
        let commands: Vec<Command> = r.drain_commands().collect();
        if let (Some((s, _)), Some(before)) = (stale, before) {
            prop_assert!(
                commands.is_empty(),
                "a retired socket's event produced {commands:?}"
            );
            prop_assert_eq!(
                snapshot(&r, s, now),
                before,
                "a retired socket's event changed state"
            );
        }
        m.absorb(commands)?;
        check_invariants(&r)?;
        let _ = (
            r.totals(now),
            r.verdicts(now),
            r.sessions(now),
            r.next_deadline(),
        );
    }
    // Letting time run out resolves every pending message.
    r.stop(now);
    m.absorb(r.drain_commands().collect())?;
    r.tick(now + 1e6);
    r.tick(now + 2e6);
    m.absorb(r.drain_commands().collect())?;
    check_invariants(&r)?;
    prop_assert_eq!(r.counters().pending, 0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_event_sequences_keep_every_invariant(
        first_message in any::<bool>(),
        jitter in any::<bool>(),
        seed in any::<u64>(),
        ops in prop::collection::vec(op(), 1..200),
    ) {
        drive(small_config(first_message, jitter), seed, ops)?;
    }
}
