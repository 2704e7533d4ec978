//! Executing the engine's commands: open a socket (in the socket worker when there is one,
//! else on the page), send a frame, close, ask the test backend for a fault, fetch for the
//! readiness checklist. Nothing is decided here; what the browser refuses goes back to the
//! engine as the socket's own event.

use super::*;

impl Driver {
    /// Executes what the engine asked for; says whether there was anything.
    pub(super) fn execute(&self) -> bool {
        let mut failures: Vec<(SessionId, Generation, Option<u64>, SocketError)> = Vec::new();
        let mut refused: Vec<(SessionId, Generation, SocketError)> = Vec::new();
        let mut cap: Option<FrameCap> = None;
        let mut faults = Vec::new();
        let mut gets = Vec::new();
        let mut sent_on: Vec<SessionId> = Vec::new();
        let mut token_wanted = false;
        let commands: Vec<Command> = {
            let mut st = self.0.state.borrow_mut();
            match st.test.as_mut() {
                Some(test) => test.run_mut().drain_commands().collect(),
                None => return false,
            }
        };
        if commands.is_empty() {
            return false;
        }
        {
            let mut st = self.0.state.borrow_mut();
            let worker = self
                .0
                .worker
                .get()
                .and_then(Option::as_ref)
                .filter(|w| st.in_worker && w.is_usable());
            // The worker failed mid-run: its sockets closed (1006), and every socket from here
            // on lives on the page's thread. The report says both.
            let fell_back = st.in_worker && worker.is_none();
            if fell_back {
                st.in_worker = false;
            }
            let State { test, conns, .. } = &mut *st;
            let Some(run) = test.as_mut().map(TestRun::run_mut) else {
                return false;
            };
            if fell_back {
                run.set_stamped_in(StampedIn::WorkerThenPage);
            }
            for command in commands {
                match command {
                    Command::Open {
                        session,
                        generation,
                        url,
                        protocols,
                    } => {
                        let cap = cap
                            .get_or_insert_with(|| FrameCap {
                                max: run.config().limits.max_frame_bytes,
                                pointer: Rc::from(run.pointer_tokens().to_vec()),
                            })
                            .clone();
                        let listener = self.listener(session, generation);
                        let opened = match worker {
                            Some(w) => Ok(Connection::open_in(w, &url, &protocols, &cap, listener)),
                            None => Connection::open(&url, &protocols, cap, listener),
                        };
                        match opened {
                            Ok(c) => *slot(conns, session) = Some((generation, c)),
                            Err(e) => refused.push((session, generation, e)),
                        }
                    }
                    Command::Send {
                        session,
                        generation,
                        frame,
                        key,
                    } => {
                        let sent = match slot(conns, session) {
                            Some((g, c)) if *g == generation => c.send(&frame, key),
                            _ => Err(SocketError::NotOpen("retired")),
                        };
                        match sent {
                            Ok(at) => {
                                if let Some(at) = at {
                                    run.on_sent(session, key, at);
                                }
                                if sent_on.last() != Some(&session) {
                                    sent_on.push(session);
                                }
                            }
                            Err(e) => failures.push((session, generation, key, e)),
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
                    // Without a provider (the standalone page) a host answers through
                    // `set_token`, or the sessions keep needing auth.
                    Command::RequestToken => token_wanted = true,
                    Command::Fault { request, url } => faults.push((request, url)),
                    Command::HttpGet { id, url } => gets.push((id, url)),
                }
            }
            // What the browser still holds decides how much more the engine releases.
            for s in sent_on {
                if let Some((_, c)) = slot(conns, s).as_ref() {
                    run.set_buffered(s, c.buffered_amount());
                }
            }
            for (session, generation, error) in refused {
                let why = match error {
                    SocketError::Refused(why) => why,
                    other => other.to_string(),
                };
                run.on_open_refused(session, generation, &why, now());
            }
            for (session, generation, key, error) in failures {
                match key {
                    Some(key) => {
                        run.on_unsent(session, generation, key, &error.to_string(), now());
                    }
                    None => run.on_send_failed(session, generation, now()),
                }
            }
        }
        if token_wanted {
            self.fetch_token();
        }
        if !faults.is_empty() || !gets.is_empty() {
            let weak = Rc::downgrade(&self.0);
            let run_id = self.0.state.borrow().run_id;
            // In order, one after the other, as the engine asks.
            wasm_bindgen_futures::spawn_local(async move {
                for (request, url) in faults {
                    let outcome = crate::browser::fault::post(&url).await;
                    with(&weak, |d| {
                        d.act(|run, t| run.on_fault_result(request, outcome, t))
                    });
                }
                for (id, url) in gets {
                    let result = crate::browser::http::get(&url).await;
                    // An answer for a run that has been replaced is nobody's.
                    with(&weak, |d| {
                        if d.0.state.borrow().run_id == run_id {
                            d.act(|run, t| run.on_http_result(id, result, t));
                        }
                    });
                }
            });
        }
        true
    }

    fn listener(&self, session: SessionId, generation: Generation) -> Listener {
        let weak = Rc::downgrade(&self.0);
        Rc::new(move |event, t| with(&weak, |d| d.on_socket(session, generation, event, t)))
    }
}

/// Session `session`'s socket slot, made when it is the first.
pub(super) fn slot(conns: &mut Vec<Slot>, session: SessionId) -> &mut Slot {
    let i = session.0 as usize;
    if i >= conns.len() {
        conns.resize_with(i + 1, || None);
    }
    &mut conns[i]
}
