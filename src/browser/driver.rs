//! The driver: the one place where browser events meet the engine.
//!
//! Data flows one way: a socket event or a timer tick goes into the engine as a pure state
//! change, the engine leaves [`Command`]s behind, and the driver executes them (open, send,
//! close) without deciding anything itself. The view is told at most once per animation frame
//! that something changed, however fast messages arrive.
//!
//! The driver owns every socket ([`Connection`]) and its one interval timer; [`Driver::stop`]
//! and dropping the driver end them all, so an unmounted console leaves nothing running.

use super::clock::now;
use super::socket::{Connection, SocketEvent};
use leptos::prelude::{IntervalHandle, request_animation_frame, set_interval_with_handle};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;
use ws_console_engine::{Command, Generation, Run, RunConfig, SessionId};

/// How often the engine's timers (sends, heartbeats, timeouts, backoff) are checked.
pub const TICK: Duration = Duration::from_millis(10);

struct Inner {
    run: Option<Run>,
    conns: Vec<Option<(Generation, Connection)>>,
    ticker: Option<IntervalHandle>,
}

/// Owns a run, its sockets and its timer. Cheap to clone (shared).
#[derive(Clone)]
pub struct Driver {
    inner: Rc<RefCell<Inner>>,
    frame_pending: Rc<Cell<bool>>,
    on_change: Rc<dyn Fn(&Run)>,
}

impl Driver {
    /// A driver that shows `on_change` the run (once per animation frame at most) when it changed.
    pub fn new(on_change: impl Fn(&Run) + 'static) -> Driver {
        Driver {
            inner: Rc::new(RefCell::new(Inner {
                run: None,
                conns: Vec::new(),
                ticker: None,
            })),
            frame_pending: Rc::new(Cell::new(false)),
            on_change: Rc::new(on_change),
        }
    }

    /// Starts a new run with `config` (any previous run is stopped first).
    pub fn start(&self, config: RunConfig) {
        self.stop();
        if let Some(t) = self.inner.borrow_mut().ticker.take() {
            t.clear();
        }
        let seed = (now() * 1000.0) as u64 ^ (js_sys::Math::random() * u64::MAX as f64) as u64;
        let sessions = config.sessions as usize;
        {
            let mut inner = self.inner.borrow_mut();
            let mut run = Run::new(config, seed);
            run.set_time_origin(super::clock::time_origin());
            run.start(now());
            inner.run = Some(run);
            inner.conns = (0..sessions).map(|_| None).collect();
            let weak = Rc::downgrade(&self.inner);
            let me = self.clone_weak(weak);
            inner.ticker = set_interval_with_handle(move || me.with(|d| d.tick()), TICK).ok();
        }
        self.execute();
    }

    /// The user's Stop: every socket closes and no reconnect follows. The timer keeps ticking
    /// so that replies still pending resolve as lost at their timeout.
    pub fn stop(&self) {
        let had_run = {
            let mut inner = self.inner.borrow_mut();
            match inner.run.as_mut() {
                Some(run) => {
                    run.stop(now());
                    true
                }
                None => false,
            }
        };
        if had_run {
            self.execute();
        }
        // Whatever the engine did not close explicitly is retired now.
        self.inner
            .borrow_mut()
            .conns
            .iter_mut()
            .for_each(|c| *c = None);
        self.changed();
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

    /// Reads the run, if there is one.
    pub fn with_run<R>(&self, f: impl FnOnce(&Run) -> R) -> Option<R> {
        self.inner.borrow().run.as_ref().map(f)
    }

    fn act(&self, f: impl FnOnce(&mut Run, f64)) {
        if let Some(run) = self.inner.borrow_mut().run.as_mut() {
            f(run, now());
        }
        self.execute();
    }

    fn tick(&self) {
        self.act(|run, t| run.tick(t));
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

    /// Executes what the engine asked for, then schedules a repaint.
    fn execute(&self) {
        let mut failures = Vec::new();
        {
            let mut inner = self.inner.borrow_mut();
            let Inner { run, conns, .. } = &mut *inner;
            let Some(run) = run.as_mut() else { return };
            for command in run.drain_commands() {
                match command {
                    Command::Open {
                        session,
                        generation,
                        url,
                        protocols,
                    } => {
                        let listener = self.listener(session, generation);
                        match Connection::open(&url, &protocols, listener) {
                            Ok(c) => set_slot(conns, session, Some((generation, c))),
                            Err(reason) => failures.push((session, generation, reason)),
                        }
                    }
                    Command::Send {
                        session,
                        generation,
                        frame,
                    } => {
                        let slot = conns.get_mut(session.0 as usize).and_then(Option::as_mut);
                        let sent = match slot {
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
                        if let Some(slot) = conns.get_mut(session.0 as usize)
                            && slot.as_ref().is_some_and(|(g, _)| *g == generation)
                            && let Some((_, c)) = slot.take()
                        {
                            c.close(code, &reason);
                        }
                    }
                    Command::RequestToken => {}
                }
            }
        }
        for (session, generation, reason) in failures {
            self.on_socket(session, generation, SocketEvent::SendFailed { reason });
        }
        self.changed();
    }

    fn listener(&self, session: SessionId, generation: Generation) -> super::socket::Listener {
        let me = self.clone_weak(Rc::downgrade(&self.inner));
        Rc::new(move |event, _buffered| me.with(|d| d.on_socket(session, generation, event)))
    }

    fn changed(&self) {
        if self.frame_pending.replace(true) {
            return;
        }
        let me = self.clone_weak(Rc::downgrade(&self.inner));
        request_animation_frame(move || {
            me.frame_pending.set(false);
            me.with(|d| {
                if let Some(run) = d.inner.borrow().run.as_ref() {
                    (d.on_change)(run);
                }
            });
        });
    }

    fn clone_weak(&self, inner: Weak<RefCell<Inner>>) -> WeakDriver {
        WeakDriver {
            inner,
            frame_pending: self.frame_pending.clone(),
            on_change: self.on_change.clone(),
        }
    }
}

/// A driver handle held by timers and sockets, so they never keep a dropped console alive.
struct WeakDriver {
    inner: Weak<RefCell<Inner>>,
    frame_pending: Rc<Cell<bool>>,
    on_change: Rc<dyn Fn(&Run)>,
}

impl WeakDriver {
    fn with(&self, f: impl FnOnce(&Driver)) {
        if let Some(inner) = self.inner.upgrade() {
            f(&Driver {
                inner,
                frame_pending: self.frame_pending.clone(),
                on_change: self.on_change.clone(),
            });
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(t) = self.ticker.take() {
            t.clear();
        }
    }
}

fn set_slot(
    conns: &mut Vec<Option<(Generation, Connection)>>,
    session: SessionId,
    value: Option<(Generation, Connection)>,
) {
    let i = session.0 as usize;
    if i >= conns.len() {
        conns.resize_with(i + 1, || None);
    }
    conns[i] = value;
}
