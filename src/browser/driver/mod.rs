//! The driver: the one place where browser events meet the engine.
//!
//! Data flows one way: a socket event or a timer goes into the engine as a pure state change,
//! the engine leaves [`Command`]s behind, and the driver executes them (open, send, close)
//! without deciding anything itself.
//!
//! The driver is on the measurement path, so it keeps off it: a socket event goes into the
//! engine synchronously with the stamp its handler took; each frame is stamped right before
//! the browser's `send()` ([`Run::on_sent`]); the one timer sleeps until the engine's next
//! deadline (a drift-free send grid, not a fixed tick); and the view is repainted at most
//! 5 times a second, at a quiet moment of the send schedule and with no reply in flight
//! ([`paint`]), so that painting rarely competes with a reply
//! for the machine's cores and never delays its stamp.
//!
//! The driver owns every socket ([`Connection`]) and its timers (gloo-timers handles, which
//! clear themselves on drop). They hold only a weak reference back, so dropping the last
//! [`Driver`] (unmounting the console) clears the timers and retires every socket.

mod execute;
mod host;
mod paint;

use execute::slot;
use paint::Paint;

use super::clock::now;
use super::socket::{Connection, FrameCap, Listener, SocketError, SocketEvent, SocketWorker};
use super::token::{OnReport, TokenProvider};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use ws_console_engine::suite::Suite;
use ws_console_engine::{
    Command, Generation, Run, RunConfig, Scenario, SessionId, StampedIn, TestRun,
};

/// The longest the timer sleeps while a run or scenario is live (scenario phases, rates and
/// heap samples have no deadline of their own).
pub const MAX_SLEEP_MS: f64 = 50.0;
/// How often heap figures are sampled.
pub const HEAP_EVERY_MS: f64 = 1000.0;
type Slot = Option<(Generation, Connection)>;
/// Shows the view the run (and the suite it is a step of) after a change.
type OnChange = dyn Fn(&TestRun, Option<&Suite>, &[u32]);

struct State {
    /// The run, and the scenario driving it if any.
    test: Option<TestRun>,
    /// The suite whose step that run is, if any.
    suite: Option<Suite>,
    conns: Vec<Slot>,
    ticker: Option<Timeout>,
    /// When the ticker fires (`f64::INFINITY` when it is not set).
    wake_at: f64,
    next_heap_at: f64,
    /// Which run this is: a token that arrives for an earlier run is not handed to it.
    run_id: u64,
    /// The run (or its scenario) has ended and its report has gone out.
    ended: bool,
    /// The run's sockets live in the socket worker (else on the page's thread).
    in_worker: bool,
}

/// Waits for the end of the current run: its report's JSON, or why there is none.
type Waiter = Box<dyn FnOnce(Result<String, String>)>;

struct Shared {
    state: RefCell<State>,
    paint: Paint,
    on_change: Box<OnChange>,
    /// The host's token provider, if any (F8).
    token: RefCell<Option<TokenProvider>>,
    /// The host's report callback, if any (F14).
    on_report: RefCell<Option<OnReport>>,
    /// One-shot waiters for the end of the current run.
    waiters: RefCell<Vec<Waiter>>,
    /// A token handed over before any run (see [`Driver::set_token`]).
    next_token: RefCell<Option<String>>,
    /// Where sockets are stamped off the page's thread, when the browser allows it; started
    /// with the first run.
    worker: std::cell::OnceCell<Option<SocketWorker>>,
}

impl Drop for Shared {
    /// Whoever still waits for a report learns that none will come.
    fn drop(&mut self) {
        for w in self.waiters.take() {
            w(Err(
                "ws-console: the console was unmounted before the run ended".into(),
            ));
        }
    }
}

/// Owns a run, its sockets and its timers. Cheap to clone (shared).
#[derive(Clone)]
pub struct Driver(Rc<Shared>);

impl Driver {
    /// A driver that shows `on_change` the run (at most every [`paint::PAINT_EVERY_MS`]) when it
    /// changed.
    pub fn new(on_change: impl Fn(&TestRun, Option<&Suite>, &[u32]) + 'static) -> Driver {
        Driver(Rc::new(Shared {
            state: RefCell::new(State {
                test: None,
                suite: None,
                conns: Vec::new(),
                ticker: None,
                wake_at: f64::INFINITY,
                next_heap_at: 0.0,
                run_id: 0,
                ended: true,
                in_worker: false,
            }),
            paint: Paint::default(),
            on_change: Box::new(on_change),
            token: RefCell::new(None),
            on_report: RefCell::new(None),
            waiters: RefCell::new(Vec::new()),
            next_token: RefCell::new(None),
            worker: std::cell::OnceCell::new(),
        }))
    }

    /// Starts a new run with `config` (any previous run is stopped and its timer cleared).
    /// With a token provider, the run takes its token from it.
    pub fn start(&self, mut config: RunConfig) {
        config.token_provider |= self.has_token_provider();
        self.leave_suite();
        self.launch(TestRun::plain(config, seed()));
    }

    /// Starts `scenario` on a run of its own.
    pub fn start_scenario(&self, scenario: Scenario) {
        self.leave_suite();
        self.launch(TestRun::of_scenario(scenario, seed()));
    }

    /// Starts `suite`: its steps run one after the other, each on a run of its own, and
    /// the run's end (its waiters, the host's callback) is the suite's.
    pub fn start_suite(&self, suite: Suite) {
        self.stop();
        self.0.state.borrow_mut().suite = Some(suite);
        self.advance_suite();
    }

    /// Ends a running suite as Cancel would (its waiters get its combined report), then
    /// forgets it: what starts next is not one of its steps.
    fn leave_suite(&self) {
        if self.0.state.borrow().suite.is_some() {
            self.stop();
            self.0.state.borrow_mut().suite = None;
        }
    }

    /// Reads the suite (and its step's run), if the last thing started was one.
    pub fn with_suite<R>(&self, f: impl FnOnce(&Suite, Option<&TestRun>) -> R) -> Option<R> {
        let st = self.0.state.borrow();
        st.suite.as_ref().map(|s| f(s, st.test.as_ref()))
    }

    /// Once the suite's running step has ended, records it and starts the next one.
    fn advance_suite(&self) {
        let next = {
            let mut st = self.0.state.borrow_mut();
            let State { test, suite, .. } = &mut *st;
            let Some(suite) = suite.as_mut() else {
                return;
            };
            // A step's end is handed over once: the next step's launch does not record it
            // again.
            suite.advance(test.as_mut(), now())
        };
        if let Some(sc) = next {
            self.launch(TestRun::suite_step(sc, seed()));
        }
    }

    fn launch(&self, mut test: TestRun) {
        self.stop();
        {
            let mut st = self.0.state.borrow_mut();
            st.ticker = None;
            st.wake_at = f64::INFINITY;
            let t = now();
            let run = test.run_mut();
            run.set_time_origin(super::clock::time_origin());
            run.set_hidden(super::visibility::is_hidden(), t);
            st.in_worker = self
                .0
                .worker
                .get_or_init(SocketWorker::spawn)
                .as_ref()
                .is_some_and(SocketWorker::is_usable);
            run.set_stamped_in(if st.in_worker {
                StampedIn::Worker
            } else {
                StampedIn::Page
            });
            if let Some(token) = self.0.next_token.take() {
                run.set_token(token, t);
            }
            test.set_page_secure(super::page::origin().starts_with("https:"));
            test.start(t);
            st.conns = (0..test.run().session_count()).map(|_| None).collect();
            st.test = Some(test);
            st.next_heap_at = t;
            st.run_id += 1;
            st.ended = false;
        }
        self.execute();
        self.after_change(true);
    }

    /// The user's Stop: every socket closes and no reconnect follows. The timer keeps running
    /// until replies still pending have resolved as lost at their timeout, then stops.
    pub fn stop(&self) {
        if let Some(test) = self.0.state.borrow_mut().test.as_mut() {
            test.stop(now());
        }
        self.execute();
        self.after_change(true);
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

    /// Tells the engine the network is back (or the page is back from the back/forward
    /// cache): sessions waiting out a backoff try now.
    pub fn network_back(&self, why: &str) {
        self.act(|run, t| run.on_network_back(why, t));
    }

    /// Tells the engine whether the tab is hidden (samples taken then are marked).
    pub fn set_hidden(&self, hidden: bool) {
        self.act(|run, t| run.set_hidden(hidden, t));
    }

    /// Repaints now, though the run did not change (the user filtered or scrolled the log).
    pub fn repaint_now(&self) {
        self.paint_now(now());
    }

    /// Reads the run, if there is one.
    pub fn with_run<R>(&self, f: impl FnOnce(&Run) -> R) -> Option<R> {
        self.with_test(|test| f(test.run()))
    }

    /// Reads the run with its scenario, if there is a run.
    pub fn with_test<R>(&self, f: impl FnOnce(&TestRun) -> R) -> Option<R> {
        self.0.state.borrow().test.as_ref().map(f)
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

    /// Whether the timer is set.
    pub fn is_ticking(&self) -> bool {
        self.0.state.borrow().ticker.is_some()
    }

    /// A probe that tells, later, whether this driver is gone — which proves that no timer or
    /// socket listener kept it alive after its owner let go.
    pub fn probe(&self) -> DriverProbe {
        DriverProbe(Rc::downgrade(&self.0))
    }

    fn act(&self, f: impl FnOnce(&mut Run, f64)) {
        self.act_at(now(), f);
    }

    fn act_at(&self, t: f64, f: impl FnOnce(&mut Run, f64)) {
        if let Some(test) = self.0.state.borrow_mut().test.as_mut() {
            f(test.run_mut(), t);
        }
        self.execute();
        self.after_change(true);
    }

    fn tick(&self) {
        let t = now();
        {
            let mut st = self.0.state.borrow_mut();
            st.ticker = None;
            st.wake_at = f64::INFINITY;
            let heap_due = t >= st.next_heap_at;
            if heap_due {
                st.next_heap_at = t + HEAP_EVERY_MS;
            }
            let State { test, conns, .. } = &mut *st;
            if let Some(test) = test.as_mut() {
                let run = test.run_mut();
                // Nothing is sent while a session waits for its buffer to drain, so nothing
                // else reads it again.
                for s in run.waiting_on_buffer() {
                    if let Some((_, c)) = slot(conns, s).as_ref() {
                        run.set_buffered(s, c.buffered_amount());
                    }
                }
                if heap_due && let Some(h) = super::heap::js_heap() {
                    run.record_heap(
                        t,
                        h.used,
                        h.total,
                        h.limit,
                        super::heap::wasm_memory_bytes(),
                    );
                }
                test.tick(t);
            }
        }
        self.execute();
        // Time passing changes what is shown (timeouts, progress, rates, the scenario's end)
        // even when no command came of it; the repaint itself is rate-limited.
        self.after_change(true);
    }

    fn on_socket(&self, session: SessionId, generation: Generation, event: SocketEvent, t: f64) {
        if let SocketEvent::Sent { key, at } = event {
            self.on_sent(session, key, at);
            return;
        }
        self.act_at(t, |run, t| run.on_socket(session, generation, event, t));
    }

    /// The socket worker stamped a send: nothing else changes, so nothing is executed or
    /// repainted.
    fn on_sent(&self, session: SessionId, key: Option<u64>, at: f64) {
        let mut st = self.0.state.borrow_mut();
        let State { test, conns, .. } = &mut *st;
        if let Some(run) = test.as_mut().map(TestRun::run_mut) {
            run.on_sent(session, key, at);
            if let Some((_, c)) = slot(conns, session).as_ref() {
                run.set_buffered(session, c.buffered_amount());
            }
        }
    }

    /// Re-arms the timer for the engine's next deadline, and the repaint when `changed`.
    fn after_change(&self, changed: bool) {
        self.advance_suite();
        self.report_end();
        self.arm_ticker();
        self.schedule_paint(changed);
    }

    /// Sets the timer for the engine's next deadline (at most [`MAX_SLEEP_MS`] away while
    /// anything is live); clears it once a stopped run has nothing left to wait for.
    fn arm_ticker(&self) {
        let mut st = self.0.state.borrow_mut();
        let Some(test) = st.test.as_ref() else {
            return;
        };
        let settled = test.is_settled() && st.suite.as_ref().is_none_or(Suite::is_finished);
        if settled {
            st.ticker = None;
            st.wake_at = f64::INFINITY;
            return;
        }
        let t = now();
        let mut at = t + MAX_SLEEP_MS;
        if let Some(d) = test.run().next_deadline() {
            at = at.min(d);
        }
        if st.ticker.is_some() && st.wake_at <= at {
            return;
        }
        let weak = Rc::downgrade(&self.0);
        let wait = (at - t).max(0.0).ceil() as u32;
        st.wake_at = at;
        st.ticker = Some(Timeout::new(wait, move || with(&weak, Driver::tick)));
    }
}

fn buffered(conns: &[Slot]) -> Vec<u32> {
    conns
        .iter()
        .map(|c| c.as_ref().map_or(0, |(_, c)| c.buffered_amount()))
        .collect()
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
