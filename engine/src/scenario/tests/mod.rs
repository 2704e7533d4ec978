//! Every scenario driven through the simulated backend: its phases, a PASS on a healthy
//! backend, and a WARN or FAIL on a faulty one.

use super::*;
use crate::config::RawConfig;
use crate::sim::{Server, Sim};
use crate::{Command, FaultRequest, LogFilter};

const ORIGIN: &str = "http://127.0.0.1:8080";
const TIME_ORIGIN: f64 = 1_700_000_000_000.0;

pub(super) fn base(f: impl FnOnce(&mut RawConfig)) -> RunConfig {
    // Exact backoff steps, so recovery times are known; jitter has its own tests.
    let mut raw = RawConfig {
        jitter: false,
        ..RawConfig::default()
    };
    f(&mut raw);
    RunConfig::from_raw(&raw, ORIGIN).unwrap()
}

pub(super) fn params(
    kind: ScenarioKind,
    f: impl FnOnce(&mut RawScenarioParams),
) -> RawScenarioParams {
    let mut raw = RawScenarioParams::defaults(kind);
    f(&mut raw);
    raw
}

pub(super) struct Played {
    pub(super) sim: Sim,
    pub(super) run: Run,
    pub(super) sc: Scenario,
}

impl Played {
    pub(super) fn now(&self) -> Millis {
        self.sim.now
    }

    pub(super) fn criteria(&self) -> Vec<Criterion> {
        self.sc.criteria(&self.run, self.now())
    }

    pub(super) fn grade(&self, id: &str) -> Grade {
        let all = self.criteria();
        all.iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no criterion {id} in {all:#?}"))
            .grade
    }

    pub(super) fn verdict(&self) -> Grade {
        self.sc.verdict(&self.run, self.now())
    }

    pub(super) fn phase_names(&self) -> Vec<&str> {
        self.sc.phases().iter().map(|p| p.name.as_str()).collect()
    }

    pub(super) fn explain(&self) -> String {
        format!("{:#?}", self.criteria())
    }
}

pub(super) fn play(
    server: Server,
    raw: RawScenarioParams,
    cfg: RunConfig,
    limit_ms: Millis,
) -> Played {
    let mut sc = Scenario::from_raw(&raw, &cfg).unwrap();
    let mut run = sc.new_run(7);
    run.set_time_origin(TIME_ORIGIN);
    let mut sim = Sim::new(server);
    sim.play(&mut run, &mut sc, limit_ms);
    assert!(
        sc.is_finished(),
        "did not finish by {limit_ms} ms: {:?}",
        sc.progress(sim.now)
    );
    assert!(run.invariant_holds());
    assert!(!run.is_running(), "the scenario stops the run at its end");
    Played { sim, run, sc }
}

fn load(f: impl FnOnce(&mut RawScenarioParams)) -> RawScenarioParams {
    params(ScenarioKind::Load, |r| {
        r.sessions = "3".into();
        r.interval_ms = "100".into();
        r.duration_s = "5".into();
        f(r);
    })
}

fn auth_base(token: &str, f: impl FnOnce(&mut RawConfig)) -> RunConfig {
    base(|c| {
        c.endpoint = "/api/v1/pam/ws/{user_id}?token={token}".into();
        c.user_id = "u1".into();
        c.token = token.into();
        f(c);
    })
}

fn checks_token() -> Server {
    Server {
        valid_token: Some("good42".into()),
        ..Server::default()
    }
}

mod capacity;
mod control;
mod readiness;
mod recovery;
mod sessions;
mod traffic;
