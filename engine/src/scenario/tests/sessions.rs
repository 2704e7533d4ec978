//! Session scenarios through the simulated backend: ramp-up in batches and the auth checks.

use super::traffic::broadcast;
use super::*;

fn ramp() -> RawScenarioParams {
    params(ScenarioKind::RampUp, |r| {
        r.sessions = "10".into();
        r.batch_size = "3".into();
        r.batch_every_s = "1".into();
        r.hold_s = "2".into();
        r.interval_ms = "500".into();
    })
}

#[test]
fn ramp_up_opens_in_batches_and_passes() {
    let mut sc = Scenario::from_raw(&ramp(), &base(|_| {})).unwrap();
    let mut run = sc.new_run(1);
    let mut sim = Sim::new(Server::default());
    sc.start(&mut run, 0.0);
    sim.pump(&mut run);
    let mut open_at = Vec::new();
    while !sc.is_finished() && sim.now < 30_000.0 {
        sim.step(&mut run, Some(&mut sc));
        let n = run.totals(sim.now).counters.connect_attempts;
        if open_at.last().is_none_or(|(_, m)| *m != n) {
            open_at.push((sim.now, n));
        }
    }
    let attempts: Vec<u64> = open_at.iter().map(|x| x.1).collect();
    assert_eq!(attempts, vec![3, 6, 9, 10]);
    assert!(
        (open_at[1].0 - open_at[0].0 - 1000.0).abs() <= 20.0,
        "{open_at:?}"
    );
    let p = Played { sim, run, sc };
    assert_eq!(p.phase_names(), vec!["ramp", "hold", "drain"]);
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
}

#[test]
fn ramp_up_fails_when_the_server_caps_connections() {
    let capped = Server {
        max_connections: Some(6),
        ..Server::default()
    };
    let p = play(
        capped,
        ramp(),
        base(|c| c.max_attempts = "2".into()),
        60_000.0,
    );
    assert_eq!(p.grade("sessions-open"), Grade::Fail, "{}", p.explain());
    assert_eq!(p.grade("connection-success"), Grade::Fail);
}

fn auth() -> RawScenarioParams {
    params(ScenarioKind::Auth, |r| {
        r.sessions = "2".into();
        r.hold_s = "1".into();
        r.observe_s = "3".into();
    })
}

#[test]
fn auth_valid_connects_invalid_is_refused_once_fresh_reconnects() {
    let p = play(
        checks_token(),
        auth(),
        auth_base("good42", |_| {}),
        60_000.0,
    );
    assert_eq!(
        p.phase_names(),
        vec!["valid-token", "invalid-token", "fresh-token", "drain"]
    );
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
    let close_1008 = p.run.counters().errors.close_codes.get(&1008).copied();
    assert_eq!(close_1008, Some(2));
}

#[test]
fn auth_with_first_message_and_a_quick_token_provider_passes() {
    let server = Server {
        token_provider: Some(("good42".into(), 50.0)),
        ..checks_token()
    };
    let cfg = auth_base("good42", |c| {
        c.endpoint = "/ws".into();
        c.auth_mode = crate::AuthMode::FirstMessage;
    });
    let p = play(server, auth(), cfg, 60_000.0);
    // The provider's fresh token reconnects at once: not a retry with the invalid one.
    assert_eq!(p.grade("not-retried"), Grade::Pass, "{}", p.explain());
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
}

#[test]
fn auth_fails_when_the_invalid_token_is_accepted_or_retried() {
    let p = play(
        Server::default(),
        auth(),
        auth_base("good42", |_| {}),
        60_000.0,
    );
    assert_eq!(
        p.grade("invalid-token-refused"),
        Grade::Fail,
        "{}",
        p.explain()
    );
    assert!(p.explain().contains("2 accepted by the server"));

    // HTTP 401 before the upgrade reads as 1006 in a browser: the engine retries.
    let http_401 = Server {
        reject_with_401: true,
        ..checks_token()
    };
    let p = play(http_401, auth(), auth_base("good42", |_| {}), 60_000.0);
    assert_eq!(p.grade("not-retried"), Grade::Fail, "{}", p.explain());
    assert_eq!(p.verdict(), Grade::Fail);
}

#[test]
fn auth_needs_a_token_and_a_mode_that_sends_it() {
    let e = Scenario::from_raw(&auth(), &base(|_| {})).unwrap_err();
    assert_eq!(e[0].field, ParamField::Config(crate::Field::Token));
    let e = Scenario::from_raw(
        &auth(),
        &base(|c| {
            c.token = "good42".into();
            c.auth_mode = crate::AuthMode::Cookie;
        }),
    )
    .unwrap_err();
    assert_eq!(e[0].field, ParamField::Config(crate::Field::AuthMode));
    let mut same = auth();
    same.invalid_token = "good42".into();
    let e = Scenario::from_raw(&same, &auth_base("good42", |_| {})).unwrap_err();
    assert_eq!(e[0].field, ParamField::InvalidToken);
    assert!(!e[0].message.contains("good42"));
}

#[test]
fn traffic_scenarios_need_a_correlatable_template() {
    let raw_text = base(|c| c.message_template = "hello".into());
    let e = Scenario::from_raw(&load(|_| {}), &raw_text).unwrap_err();
    assert_eq!(
        e[0].field,
        ParamField::Config(crate::Field::MessageTemplate)
    );
    // Broadcast brings its own message.
    assert!(Scenario::from_raw(&broadcast(), &raw_text).is_ok());
}
