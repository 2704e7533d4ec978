//! Test support, not the product: a simulated backend and event loop for host tests. It
//! executes the run's commands the way the adapter and the test backend would, with
//! synthetic time, and reports what the sockets do as the adapter does: [`SocketEvent`]s
//! through [`Run::on_socket`].
//!
//! The server speaks the default protocol (`connected` greeting, `pong`, `chat_response`,
//! broadcast fan-out, first-message auth, 1008 for a bad token) and can be made faulty:
//! slow, lossy, duplicating, reordering, dropping connections, refusing them, honouring
//! (or not) the fault-control requests, and a heap that leaks.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use serde_json::{Value, json};

use crate::command::{Command, FaultRequest, Frame};
use crate::ids::{Generation, Millis, SessionId};
use crate::run::{Run, SocketEvent};
use crate::scenario::Scenario;
use crate::test_run::TestRun;

/// How often the simulated adapter ticks.
pub(crate) const TICK_MS: Millis = 20.0;

/// The simulated server's behaviour.
#[derive(Clone, Debug)]
pub(crate) struct Server {
    /// Handshake time.
    pub connect_ms: Millis,
    /// Time to answer a message or a ping.
    pub reply_ms: Millis,
    /// Time from a send being queued to the socket's thread handing it to the browser (the
    /// socket worker's hop). Above 0 each send is acknowledged with its stamp
    /// ([`SocketEvent::Sent`]) and answered that much later.
    pub send_ms: Millis,
    /// Time for a broadcast to reach the other sessions.
    pub fanout_ms: Millis,
    /// Whether broadcasts are fanned out at all.
    pub fanout: bool,
    /// The token the server accepts; `None` accepts anything.
    pub valid_token: Option<String>,
    /// Refuse a bad token with HTTP 401 before the upgrade (the browser sees 1006) instead
    /// of 1008 after it.
    pub reject_with_401: bool,
    /// Whether `/api/faults/*` exists.
    pub fault_control: bool,
    /// After a drop-all, never accept a connection again.
    pub never_back: bool,
    /// From this time on, refuse every new connection.
    pub down_from: Option<Millis>,
    /// Refuse new connections until then.
    pub refuse_until: Millis,
    /// Lose every k-th reply.
    pub lose_every: Option<u64>,
    /// Send every k-th reply twice (and every k-th broadcast twice to each receiver).
    pub duplicate_every: Option<u64>,
    /// Hold every other reply back so it overtakes the next.
    pub reorder: bool,
    /// Close every connection with 1006 this long after it opened (its first `n` times).
    pub close_after: Option<(Millis, u32)>,
    /// Accept at most this many connections at once; more are refused.
    pub max_connections: Option<usize>,
    /// JS heap: base MB and growth in MB per minute; `None` = no `performance.memory`.
    pub heap: Option<(f64, f64)>,
    /// Answer the engine's token requests with this token after this delay.
    pub token_provider: Option<(String, Millis)>,
    /// Messages it can answer per second, one after the other; more wait their turn.
    pub capacity_per_s: Option<f64>,
    /// HTTP paths that answer 404 (every other `GET` answers 200 with a small JSON body).
    pub http_missing: Vec<&'static str>,
    /// On the authenticated endpoint (`/api/v1/pam/ws/…`), refuse (1008) a socket whose URL
    /// carries no `token=` and that offers no protocol, as the test backend does.
    pub token_required: bool,
}

impl Default for Server {
    fn default() -> Self {
        Self {
            connect_ms: 3.0,
            reply_ms: 2.0,
            send_ms: 0.0,
            fanout_ms: 4.0,
            fanout: true,
            valid_token: None,
            reject_with_401: false,
            fault_control: true,
            never_back: false,
            down_from: None,
            refuse_until: 0.0,
            lose_every: None,
            duplicate_every: None,
            reorder: false,
            close_after: None,
            max_connections: None,
            heap: None,
            token_provider: None,
            capacity_per_s: None,
            http_missing: Vec::new(),
            token_required: false,
        }
    }
}

#[derive(Clone, Debug)]
enum Event {
    /// What a socket reports, as the adapter would.
    Socket(SessionId, Generation, SocketEvent),
    Token(String),
    FaultResult(FaultRequest, Result<(), String>),
    Http(u32, crate::command::HttpResult),
}

impl Event {
    fn text(s: SessionId, g: Generation, text: String) -> Event {
        Event::Socket(s, g, SocketEvent::Text(text))
    }

    fn close(s: SessionId, g: Generation, code: u16, reason: &str) -> Event {
        let (reason, was_clean) = (reason.to_owned(), code != 1006);
        Event::Socket(
            s,
            g,
            SocketEvent::Close {
                code,
                reason,
                was_clean,
            },
        )
    }
}

#[derive(Clone, Copy, Debug)]
struct Socket {
    generation: Generation,
    open: bool,
}

/// The event loop: a clock, a queue of timed events, and the server's sockets.
#[derive(Debug)]
pub(crate) struct Sim {
    pub server: Server,
    pub now: Millis,
    queue: BinaryHeap<Reverse<(u64, u64)>>,
    events: HashMap<u64, (Millis, Event)>,
    seq: u64,
    sockets: HashMap<u32, Socket>,
    replies: u64,
    opened: HashMap<u32, u32>,
    /// Fault requests the server received, in order.
    pub faults: Vec<FaultRequest>,
    next_heap_at: Millis,
    /// When the server (with a capacity) is free to answer the next message.
    busy_until: Millis,
    /// How often the simulated adapter ticks (a late, throttled timer ticks seldom).
    pub tick_ms: Millis,
}

impl Sim {
    pub(crate) fn new(server: Server) -> Sim {
        Sim {
            server,
            now: 0.0,
            queue: BinaryHeap::new(),
            events: HashMap::new(),
            seq: 0,
            sockets: HashMap::new(),
            replies: 0,
            opened: HashMap::new(),
            faults: Vec::new(),
            next_heap_at: 0.0,
            busy_until: 0.0,
            tick_ms: TICK_MS,
        }
    }

    fn at(&mut self, t: Millis, e: Event) {
        self.seq += 1;
        self.queue.push(Reverse(((t * 1000.0) as u64, self.seq)));
        self.events.insert(self.seq, (t, e));
    }

    fn refusing(&self) -> bool {
        self.now < self.server.refuse_until || self.server.down_from.is_some_and(|t| self.now >= t)
    }

    fn open_count(&self) -> usize {
        self.sockets.values().filter(|s| s.open).count()
    }

    /// Executes every command the run left behind, as the adapter would.
    pub(crate) fn pump(&mut self, run: &mut Run) {
        let commands: Vec<Command> = run.drain_commands().collect();
        for c in commands {
            self.command(c);
        }
    }

    fn command(&mut self, c: Command) {
        let now = self.now;
        match c {
            Command::Open {
                session,
                generation,
                url,
                protocols,
            } => {
                let t = now + self.server.connect_ms;
                let full = self
                    .server
                    .max_connections
                    .is_some_and(|m| self.open_count() >= m);
                let bad_token = self.server.valid_token.as_ref().is_some_and(|v| {
                    url.contains("token=") && !url.contains(&format!("token={v}"))
                }) || (self.server.token_required
                    && url.contains("/api/v1/pam/ws/")
                    && !url.contains("token=")
                    && protocols.is_empty());
                if self.refusing() || full || (bad_token && self.server.reject_with_401) {
                    self.at(t, Event::close(session, generation, 1006, ""));
                    return;
                }
                self.sockets.insert(
                    session.0,
                    Socket {
                        generation,
                        open: false,
                    },
                );
                self.at(t, Event::Socket(session, generation, SocketEvent::Open));
                if bad_token {
                    self.at(
                        t + 1.0,
                        Event::close(session, generation, 1008, "invalid token"),
                    );
                }
                let n = self.opened.entry(session.0).or_default();
                *n += 1;
                if let Some((after, times)) = self.server.close_after
                    && *n <= times
                {
                    self.at(t + after, Event::close(session, generation, 1006, ""));
                }
            }
            Command::Send {
                session,
                generation,
                frame,
                key,
            } => {
                let Some(sock) = self.sockets.get(&session.0).copied() else {
                    return;
                };
                if sock.generation != generation || !sock.open {
                    return;
                }
                if self.server.send_ms > 0.0 {
                    let at = self.now + self.server.send_ms;
                    let sent = SocketEvent::Sent { key, at };
                    self.at(at, Event::Socket(session, generation, sent));
                }
                match frame {
                    Frame::Text(t) => self.answer(session, generation, &t),
                    Frame::Binary(b) => {
                        if let Ok(t) = String::from_utf8(b) {
                            self.answer(session, generation, &t);
                        }
                    }
                }
            }
            Command::Close {
                session,
                generation,
                ..
            } => {
                if self
                    .sockets
                    .get(&session.0)
                    .is_some_and(|s| s.generation == generation)
                {
                    self.sockets.remove(&session.0);
                }
            }
            Command::RequestToken => {
                if let Some((token, delay)) = self.server.token_provider.clone() {
                    self.at(now + delay, Event::Token(token));
                }
            }
            Command::HttpGet { id, url } => {
                let missing = self.server.http_missing.iter().any(|p| url.ends_with(p));
                let (status, body) = if missing {
                    (404, "not found")
                } else {
                    (200, r#"{"status":"ok"}"#)
                };
                let result = crate::command::HttpResult {
                    status,
                    elapsed_ms: 3.0,
                    body: body.into(),
                };
                self.at(now + 3.0, Event::Http(id, result));
            }
            Command::Fault { request, url } => {
                assert!(
                    url.starts_with("http://127.0.0.1:8080/api/faults/"),
                    "{url}"
                );
                self.faults.push(request);
                if !self.server.fault_control {
                    self.at(
                        now + 5.0,
                        Event::FaultResult(request, Err("404 Not Found".into())),
                    );
                    return;
                }
                match request {
                    FaultRequest::DropAll => {
                        let open: Vec<(u32, Generation)> = self
                            .sockets
                            .iter()
                            .map(|(s, k)| (*s, k.generation))
                            .collect();
                        for (s, g) in open {
                            self.at(
                                now + 2.0,
                                Event::close(SessionId(s), g, 1012, "service restart"),
                            );
                        }
                        self.sockets.clear();
                        if self.server.never_back {
                            self.server.down_from = Some(now);
                        }
                    }
                    FaultRequest::Refuse { seconds } => {
                        self.server.refuse_until = now + f64::from(seconds) * 1000.0;
                    }
                    FaultRequest::Reset => self.server.refuse_until = 0.0,
                    FaultRequest::Silent { .. } | FaultRequest::RateLimit { .. } => {}
                }
                self.at(now + 5.0, Event::FaultResult(request, Ok(())));
            }
        }
    }

    /// The server's answer to one text frame.
    fn answer(&mut self, s: SessionId, g: Generation, text: &str) {
        // The frame reaches the server once the socket's thread has sent it.
        let arrives = self.now + self.server.send_ms;
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            let reply = json!({"type": "error", "code": "malformed_json"}).to_string();
            let t = arrives + self.server.reply_ms;
            self.at(t, Event::text(s, g, reply));
            return;
        };
        let id = v["id"].clone();
        let t = arrives + self.server.reply_ms;
        match v["type"].as_str() {
            Some("ping") => {
                let pong = json!({"type": "pong", "id": id}).to_string();
                self.at(t, Event::text(s, g, pong));
            }
            Some("auth") => {
                let token = text_token(text);
                let ok = self.server.valid_token.as_ref().is_none_or(|v| *v == token);
                let reply = if ok { "auth_success" } else { "auth_error" };
                self.at(t, Event::text(s, g, json!({"type": reply}).to_string()));
            }
            Some("broadcast") => {
                if !self.server.fanout {
                    return;
                }
                let msg = json!({"type": "broadcast", "id": id, "from": s.0}).to_string();
                self.replies += 1;
                let twice = self
                    .server
                    .duplicate_every
                    .is_some_and(|n| self.replies.is_multiple_of(n));
                let targets: Vec<(u32, Generation)> = self
                    .sockets
                    .iter()
                    .filter(|(_, k)| k.open)
                    .map(|(s, k)| (*s, k.generation))
                    .collect();
                for (target, tg) in targets {
                    let delay = if target == s.0 {
                        self.server.reply_ms
                    } else {
                        self.server.fanout_ms
                    };
                    self.at(
                        arrives + delay,
                        Event::text(SessionId(target), tg, msg.clone()),
                    );
                    if twice && target != s.0 {
                        self.at(
                            arrives + delay + 1.0,
                            Event::text(SessionId(target), tg, msg.clone()),
                        );
                    }
                }
            }
            _ => {
                self.replies += 1;
                let k = self.replies;
                let t = match self.server.capacity_per_s {
                    Some(cap) => {
                        self.busy_until = self.busy_until.max(arrives) + 1000.0 / cap;
                        self.busy_until + self.server.reply_ms
                    }
                    None => t,
                };
                if self.server.lose_every.is_some_and(|n| k.is_multiple_of(n)) {
                    return;
                }
                let reply =
                    json!({"type": "chat_response", "id": id, "request_id": id, "seq": v["seq"]})
                        .to_string();
                let t = if self.server.reorder && k % 2 == 1 {
                    t + 3.0 * self.server.reply_ms + 1.0
                } else {
                    t
                };
                if self
                    .server
                    .duplicate_every
                    .is_some_and(|n| k.is_multiple_of(n))
                {
                    self.at(t + 1.0, Event::text(s, g, reply.clone()));
                }
                self.at(t, Event::text(s, g, reply));
            }
        }
    }

    fn deliver(&mut self, run: &mut Run, e: Event) {
        let now = self.now;
        match e {
            Event::Socket(s, g, SocketEvent::Open) => {
                if let Some(sock) = self.sockets.get_mut(&s.0)
                    && sock.generation == g
                {
                    sock.open = true;
                }
                run.on_socket(s, g, SocketEvent::Open, now);
                let hello = json!({"type": "connected", "authenticated": true}).to_string();
                run.on_socket(s, g, SocketEvent::Text(hello), now);
            }
            Event::Socket(s, g, event) => {
                if matches!(event, SocketEvent::Close { .. })
                    && self.sockets.get(&s.0).is_some_and(|k| k.generation == g)
                {
                    self.sockets.remove(&s.0);
                }
                run.on_socket(s, g, event, now);
            }
            Event::Token(t) => run.set_token(t, now),
            Event::FaultResult(f, r) => run.on_fault_result(f, r, now),
            Event::Http(id, r) => run.on_http_result(id, r, now),
        }
    }

    /// Delivers every event due up to `until`, in time order, pumping after each.
    fn deliver_until(&mut self, run: &mut Run, until: Millis) {
        while let Some(Reverse((key, seq))) = self.queue.peek().copied() {
            if key > (until * 1000.0) as u64 {
                break;
            }
            self.queue.pop();
            let Some((t, e)) = self.events.remove(&seq) else {
                continue;
            };
            self.now = self.now.max(t);
            self.deliver(run, e);
            self.pump(run);
        }
    }

    /// One adapter timer tick: events first, then heap sampling, `run.tick`, `sc.tick`.
    pub(crate) fn step(&mut self, run: &mut Run, sc: Option<&mut Scenario>) {
        self.until_tick(run);
        run.tick(self.now);
        if let Some(sc) = sc {
            sc.tick(run, self.now);
        }
        self.pump(run);
    }

    /// [`Sim::step`] for a [`TestRun`], ticked as the browser driver ticks it.
    pub(crate) fn step_test(&mut self, test: &mut TestRun) {
        self.until_tick(test.run_mut());
        test.tick(self.now);
        self.pump(test.run_mut());
    }

    /// Up to the next tick: the events due, then a heap sample when one is due.
    fn until_tick(&mut self, run: &mut Run) {
        let until = self.now + self.tick_ms;
        self.deliver_until(run, until);
        self.now = until;
        if let Some((base, growth)) = self.server.heap
            && self.now >= self.next_heap_at
        {
            // A small sawtooth so a flat heap is not a perfect line.
            let wiggle = ((self.now / 1000.0) as u64 % 4) as f64 * 0.05;
            let mb = base + growth * self.now / 60_000.0 + wiggle;
            let used = (mb * 1024.0 * 1024.0) as u64;
            run.record_heap(self.now, used, used * 2, 4 << 30, 0);
            self.next_heap_at = self.now + 1000.0;
        }
    }

    /// Runs `sc` on `run` from start to finish (or until `limit_ms` of synthetic time).
    pub(crate) fn play(&mut self, run: &mut Run, sc: &mut Scenario, limit_ms: Millis) {
        sc.start(run, self.now);
        self.pump(run);
        while !sc.is_finished() && self.now < limit_ms {
            self.step(run, Some(sc));
        }
        // Let whatever the end left behind (closes, a fault reset) reach the server.
        self.pump(run);
    }

    /// [`Sim::play`] for a [`TestRun`]: from its start until it has ended (or `limit_ms`).
    pub(crate) fn play_test(&mut self, test: &mut TestRun, limit_ms: Millis) {
        test.start(self.now);
        self.pump(test.run_mut());
        while !test.is_ended() && self.now < limit_ms {
            self.step_test(test);
        }
        self.pump(test.run_mut());
    }
}

fn text_token(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_owned))
        .unwrap_or_default()
}
