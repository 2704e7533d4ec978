//! What the driver does for an embedding host (F8, F14): take tokens from the host's
//! provider or its `setToken`, and hand it the report when a run, scenario or suite ends
//! (a suite's combined report, once its last step has ended).
//!
//! The provider's answer goes to the run that asked for it and to no later one (a run id),
//! through a weak reference: a console unmounted while a token is on its way is simply gone.

use super::{Driver, with};
use crate::browser::clock::now;
use crate::browser::token::{OnReport, TokenProvider};
use std::rc::Rc;

impl Driver {
    /// Sets the host's token provider: runs started from now on take their token from it.
    pub fn set_token_provider(&self, provider: Option<TokenProvider>) {
        *self.0.token.borrow_mut() = provider;
    }

    /// Whether a host's token provider supplies the token.
    pub fn has_token_provider(&self) -> bool {
        self.0.token.borrow().is_some()
    }

    /// Sets the host's report callback, called when a run or scenario ends.
    pub fn set_on_report(&self, on_report: Option<OnReport>) {
        *self.0.on_report.borrow_mut() = on_report;
    }

    /// Calls `f` once with the report when the current run ends (at once with an error when
    /// no run is going).
    pub fn when_ended(&self, f: impl FnOnce(Result<String, String>) + 'static) {
        if self.0.state.borrow().ended {
            return f(Err("ws-console: no run is going".into()));
        }
        self.0.waiters.borrow_mut().push(Box::new(f));
    }

    /// Hands a fresh token to the run (reconnects use it); with no run going, to the run
    /// started next. Held in memory only, never stored.
    pub fn set_token(&self, token: String) {
        if self.0.state.borrow().test.is_none() {
            *self.0.next_token.borrow_mut() = Some(token);
            return;
        }
        self.act(|run, t| run.set_token(token, t));
    }

    /// Asks the host's provider for a token and hands the answer to the run that asked (a
    /// later run, or none, gets nothing from it).
    pub(super) fn fetch_token(&self) {
        let Some(provider) = self.0.token.borrow().clone() else {
            return;
        };
        let run_id = self.0.state.borrow().run_id;
        let weak = Rc::downgrade(&self.0);
        let answer = provider.get();
        wasm_bindgen_futures::spawn_local(async move {
            let answer = answer.await;
            with(&weak, |d| {
                if d.0.state.borrow().run_id != run_id {
                    return;
                }
                d.act(|run, t| match answer {
                    Ok(token) => run.set_token(token, t),
                    Err(why) => run.token_unavailable(&why, t),
                });
            });
        });
    }

    /// Once the run (or its scenario) has ended, gives its report to the host's callback
    /// and to whoever waits for it, once.
    pub(super) fn report_end(&self) {
        let report = {
            let mut st = self.0.state.borrow_mut();
            let ended = match (&st.test, &st.suite) {
                (_, Some(suite)) => suite.is_finished(),
                (Some(test), None) => test.is_ended(),
                (None, None) => true,
            };
            if st.ended || !ended {
                return;
            }
            st.ended = true;
            // Nobody to tell (the standalone page): no report is made. A report is as big as
            // its run's configuration (a 1 MB template), and wasm memory never shrinks.
            if self.0.on_report.borrow().is_none() && self.0.waiters.borrow().is_empty() {
                return;
            }
            match (&st.test, &st.suite) {
                (_, Some(suite)) => suite.report(0.0).to_json(),
                (Some(test), None) => test.report(now()).to_json(),
                (None, None) => return,
            }
        };
        let on_report = self.0.on_report.borrow().clone();
        let waiters = self.0.waiters.take();
        for w in waiters {
            w(Ok(report.clone()));
        }
        if let Some(OnReport(f)) = on_report {
            f(report);
        }
    }
}
