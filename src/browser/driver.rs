//! The driver: the one place where browser events meet the engine.
//!
//! Data flows one way: a socket event or a timer tick goes into the engine as a pure state
//! change, the engine leaves [`Command`]s behind, and the driver executes them (open, send,
//! close) without deciding anything itself. The view is shown the run at most once per
//! animation frame, however fast messages arrive.
//!
//! The driver owns every socket ([`Connection`]) and its one interval timer. Timers and sockets
//! hold only a weak reference back, so dropping the last [`Driver`] (unmounting the console)
//! clears the timer and retires every socket.

use super::clock::now;
use super::socket::{Connection, Listener, SocketEvent};
use leptos::prelude::{IntervalHandle, request_animation_frame, set_interval_with_handle};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;
use ws_console_engine::{Command, Generation, Run, RunConfig, Scenario, SessionId};

/// How often the engine's timers (sends, heartbeats, timeouts, backoff) are checked.
pub const TICK: Duration = Duration::from_millis(10);
/// How often heap figures are sampled.
pub const HEAP_EVERY_MS: f64 = 1000.0;
/// How often a tick that changed nothing visible still repaints (countdowns, rates).
pub const QUIET_REPAINT_MS: f64 = 250.0;

type Slot = Option<(Generation, Connection)>;
/// Shows the view the run (and its scenario) after a change.
type OnChange = dyn Fn(&Run, Option<&Scenario>, &[u32]);

struct State {
    run: Option<Run>,
    /// The scenario driving the run, if the run is a scenario's.
    scenario: Option<Scenario>,
    /// Bytes each session's browser socket still had to send at its last event
    /// (`bufferedAmount`, which gloo-net's stream hides).
    buffered: Vec<u32>,
    conns: Vec<Slot>,
    ticker: Option<IntervalHandle>,
    next_heap_at: f64,
}

struct Shared {
    state: RefCell<State>,
    frame_pending: Cell<bool>,
    last_paint: Cell<f64>,
    on_change: Box<OnChange>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(t) = self.state.get_mut().ticker.take() {
            t.clear();
        }
    }
}

/// Owns a run, its sockets and its timer. Cheap to clone (shared).
#[derive(Clone)]
pub struct Driver(Rc<Shared>);

impl Driver {
    /// A driver that shows `on_change` the run (once per animation frame at most) when it changed.
    pub fn new(on_change: impl Fn(&Run, Option<&Scenario>, &[u32]) + 'static) -> Driver {
        Driver(Rc::new(Shared {
            state: RefCell::new(State {
                run: None,
                scenario: None,
                buffered: Vec::new(),
                conns: Vec::new(),
                ticker: None,
                next_heap_at: 0.0,
            }),
            frame_pending: Cell::new(false),
            last_paint: Cell::new(0.0),
            on_change: Box::new(on_change),
        }))
    }

    /// Starts a new run with `config` (any previous run is stopped and its timer cleared).
    pub fn start(&self, config: RunConfig) {
        self.launch(Run::new(config, seed()), None);
    }

    /// Starts `scenario` on a run of its own.
    pub fn start_scenario(&self, scenario: Scenario) {
        self.launch(scenario.new_run(seed()), Some(scenario));
    }

    fn launch(&self, mut run: Run, mut scenario: Option<Scenario>) {
        self.stop();
        {
            let mut st = self.0.state.borrow_mut();
            if let Some(t) = st.ticker.take() {
                t.clear();
            }
            let t = now();
            run.set_time_origin(super::clock::time_origin());
            run.set_hidden(super::visibility::is_hidden(), t);
            match scenario.as_mut() {
                Some(sc) => sc.start(&mut run, t),
                None => run.start(t),
            }
            st.conns = (0..run.session_count()).map(|_| None).collect();
            st.buffered = vec![0; run.session_count()];
            st.run = Some(run);
            st.scenario = scenario;
            let weak = Rc::downgrade(&self.0);
            st.ticker = set_interval_with_handle(move || with(&weak, Driver::tick), TICK).ok();
        }
        self.execute();
        self.changed();
    }

    /// The user's Stop: every socket closes and no reconnect follows. The timer keeps ticking
    /// until replies still pending have resolved as lost at their timeout, then clears itself.
    pub fn stop(&self) {
        {
            let mut st = self.0.state.borrow_mut();
            let State { run, scenario, .. } = &mut *st;
            if let Some(run) = run.as_mut() {
                match scenario.as_mut().filter(|sc| !sc.is_finished()) {
                    Some(sc) => sc.cancel(run, now()),
                    None => run.stop(now()),
                }
            }
        }
        self.execute();
        self.changed();
        // Whatever the engine did not close explicitly is retired now.
        self.0
            .state
            .borrow_mut()
            .conns
            .iter_mut()
            .for_each(|c| *c = None);
    }

    /// Sends one message on every session.
    pub fn broadcast(&self) {
        self.act(|run, t| run.broadcast(t));
    }

    /// Sends one message on `session`.
    pub fn send_one(&self, session: SessionId) {
        self.act(|run, t| run.send_one(session, t));
    }

    /// Sends `k` messages as fast as the sockets take them (on one session or all).
    pub fn burst(&self, session: Option<SessionId>, k: u32) {
        self.act(|run, t| run.burst(session, k, t));
    }

    /// Tells the engine whether the tab is hidden (samples taken then are marked).
    pub fn set_hidden(&self, hidden: bool) {
        self.act(|run, t| run.set_hidden(hidden, t));
    }

    /// Hands a fresh token to the run (reconnects use it).
    pub fn set_token(&self, token: String) {
        self.act(|run, t| run.set_token(token, t));
    }

    /// Repaints even though the run did not change (e.g. the log filter did).
    pub fn refresh(&self) {
        self.changed();
    }

    /// Reads the run, if there is one.
    pub fn with_run<R>(&self, f: impl FnOnce(&Run) -> R) -> Option<R> {
        self.0.state.borrow().run.as_ref().map(f)
    }

    /// Reads the run and its scenario, if there is a run.
    pub fn with_scenario<R>(&self, f: impl FnOnce(&Run, Option<&Scenario>) -> R) -> Option<R> {
        let st = self.0.state.borrow();
        st.run.as_ref().map(|run| f(run, st.scenario.as_ref()))
    }

    /// How many sockets the driver holds open or opening (for tests of retirement).
    pub fn live_sockets(&self) -> usize {
        self.0
            .state
            .borrow()
            .conns
            .iter()
            .filter(|c| c.is_some())
            .count()
    }

    /// Whether the interval timer is running.
    pub fn is_ticking(&self) -> bool {
        self.0.state.borrow().ticker.is_some()
    }

    /// A probe that tells, later, whether this driver is gone — which proves that no timer or
    /// socket listener kept it alive after its owner let go.
    pub fn probe(&self) -> DriverProbe {
        DriverProbe(Rc::downgrade(&self.0))
    }

    fn act(&self, f: impl FnOnce(&mut Run, f64)) {
        if let Some(run) = self.0.state.borrow_mut().run.as_mut() {
            f(run, now());
        }
        self.execute();
        self.changed();
    }

    fn tick(&self) {
        let t = now();
        {
            let mut st = self.0.state.borrow_mut();
            let heap_due = t >= st.next_heap_at;
            if heap_due {
                st.next_heap_at = t + HEAP_EVERY_MS;
            }
            let State { run, scenario, .. } = &mut *st;
            if let Some(run) = run.as_mut() {
                if heap_due && let Some(h) = super::heap::js_heap() {
                    run.record_heap(t, h.used, h.total, h.limit);
                }
                run.tick(t);
                if let Some(sc) = scenario.as_mut() {
                    sc.tick(run, t);
                }
            }
        }
        let executed = self.execute();
        let mut st = self.0.state.borrow_mut();
        // After Stop (or a scenario's end) the timer runs only until the last pending reply has
        // resolved; then nothing is scheduled and it is cleared.
        let settled = st
            .run
            .as_ref()
            .is_some_and(|r| !r.is_running() && r.next_deadline().is_none())
            && st.scenario.as_ref().is_none_or(Scenario::is_finished);
        if settled && let Some(ticker) = st.ticker.take() {
            ticker.clear();
        }
        drop(st);
        if executed || settled || t - self.0.last_paint.get() >= QUIET_REPAINT_MS {
            self.changed();
        }
    }

    fn on_socket(&self, session: SessionId, generation: Generation, event: SocketEvent) {
        self.act(|run, t| match event {
            SocketEvent::Open => run.on_open(session, generation, t),
            SocketEvent::Text(text) => run.on_text(session, generation, &text, t),
            SocketEvent::Binary(bytes) => run.on_binary_data(session, generation, &bytes, t),
            SocketEvent::Close { code, reason, .. } => {
                run.on_close(session, generation, code, &reason, t)
            }
            SocketEvent::Error => run.on_error(session, generation, t),
            SocketEvent::SendFailed { .. } => run.on_send_failed(session, generation, t),
        });
    }

    /// Executes what the engine asked for; says whether there was anything.
    fn execute(&self) -> bool {
        let mut failures = Vec::new();
        let mut faults = Vec::new();
        let mut any = false;
        {
            let mut st = self.0.state.borrow_mut();
            let State { run, conns, .. } = &mut *st;
            let Some(run) = run.as_mut() else {
                return false;
            };
            for command in run.drain_commands() {
                any = true;
                match command {
                    Command::Open {
                        session,
                        generation,
                        url,
                        protocols,
                    } => {
                        match Connection::open(&url, &protocols, self.listener(session, generation))
                        {
                            Ok(c) => *slot(conns, session) = Some((generation, c)),
                            Err(reason) => failures.push((session, generation, reason)),
                        }
                    }
                    Command::Send {
                        session,
                        generation,
                        frame,
                    } => {
                        let sent = match slot(conns, session) {
                            Some((g, c)) if *g == generation => c.send(frame),
                            _ => Err("no open socket for this session".to_string()),
                        };
                        if let Err(reason) = sent {
                            failures.push((session, generation, reason));
                        }
                    }
                    Command::Close {
                        session,
                        generation,
                        code,
                        reason,
                    } => {
                        let s = slot(conns, session);
                        if s.as_ref().is_some_and(|(g, _)| *g == generation)
                            && let Some((_, c)) = s.take()
                        {
                            c.close(code, &reason);
                        }
                    }
                    // The standalone page has no token provider; an embedding host answers
                    // through `set_token`.
                    Command::RequestToken => {}
                    Command::Fault { request, url } => faults.push((request, url)),
                }
            }
        }
        for (session, generation, reason) in failures {
            self.on_socket(session, generation, SocketEvent::SendFailed { reason });
        }
        if !faults.is_empty() {
            let weak = Rc::downgrade(&self.0);
            // In order, one after the other, as the engine asks.
            wasm_bindgen_futures::spawn_local(async move {
                for (request, url) in faults {
                    let outcome = super::fault::post(&url).await;
                    with(&weak, |d| {
                        d.act(|run, t| run.on_fault_result(request, outcome, t))
                    });
                }
            });
        }
        any
    }

    fn listener(&self, session: SessionId, generation: Generation) -> Listener {
        let weak = Rc::downgrade(&self.0);
        Rc::new(move |event, buffered| {
            with(&weak, |d| {
                if let Some(b) = d.0.state.borrow_mut().buffered.get_mut(session.index()) {
                    *b = buffered;
                }
                d.on_socket(session, generation, event);
            })
        })
    }

    fn changed(&self) {
        if self.0.frame_pending.replace(true) {
            return;
        }
        let weak = Rc::downgrade(&self.0);
        request_animation_frame(move || {
            with(&weak, |d| {
                d.0.frame_pending.set(false);
                d.0.last_paint.set(now());
                let st = d.0.state.borrow();
                if let Some(run) = st.run.as_ref() {
                    (d.0.on_change)(run, st.scenario.as_ref(), &st.buffered);
                }
            })
        });
    }
}

/// A seed for the run's jitter: different every run, reproducible within it.
fn seed() -> u64 {
    (now() * 1000.0) as u64 ^ (js_sys::Math::random() * u64::MAX as f64) as u64
}

/// See [`Driver::probe`].
pub struct DriverProbe(Weak<Shared>);

impl DriverProbe {
    /// Whether the driver, its timer and its sockets are gone.
    pub fn is_dropped(&self) -> bool {
        self.0.strong_count() == 0
    }
}

/// Runs `f` on the driver if it still exists (timers and sockets never keep it alive).
fn with(weak: &Weak<Shared>, f: impl FnOnce(&Driver)) {
    if let Some(shared) = weak.upgrade() {
        f(&Driver(shared));
    }
}

fn slot(conns: &mut Vec<Slot>, session: SessionId) -> &mut Slot {
    let i = session.0 as usize;
    if i >= conns.len() {
        conns.resize_with(i + 1, || None);
    }
    &mut conns[i]
}
