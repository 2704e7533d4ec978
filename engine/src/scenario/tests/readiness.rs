//! The readiness checklist through the simulated backend: what passes on a healthy backend, what
//! fails, the bounded rate-limit probe, the token and TLS checks.

use super::*;

fn readiness_played(server: Server, f: impl FnOnce(&mut RawScenarioParams)) -> Played {
    let raw = params(ScenarioKind::Readiness, f);
    let cfg = auth_base("good42", |_| {});
    play(server, raw, cfg, 60_000.0)
}

fn checklist(p: &Played) -> Checklist {
    p.sc.checklist(&p.run, p.now())
        .expect("readiness has a checklist")
}

fn status(list: &Checklist, id: &str) -> (CheckStatus, String) {
    let c = list
        .groups
        .iter()
        .flat_map(|g| &g.checks)
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id} in {list:#?}"));
    (c.status, c.detail.clone())
}

fn strict() -> Server {
    Server {
        token_required: true,
        ..checks_token()
    }
}

#[test]
fn readiness_passes_on_a_healthy_backend_and_never_grades_header_auth() {
    let p = readiness_played(strict(), |_| {});
    let list = checklist(&p);
    let groups: Vec<&str> = list.groups.iter().map(|g| g.name).collect();
    assert_eq!(
        groups,
        ["Endpoints", "Connections", "Auth", "Messages", "Production"]
    );
    for id in [
        "health",
        "stats",
        "plain",
        "authenticated",
        "auth-query",
        "auth-first-message",
        "auth-subprotocol",
        "invalid-refused",
        "invalid-not-retried",
        "ping",
        "message",
        "unknown",
    ] {
        assert_eq!(status(&list, id).0, CheckStatus::Pass, "{id}: {list:#?}");
    }
    let (header, why) = status(&list, "auth-header");
    assert_eq!(header, CheckStatus::NotPossible);
    assert!(why.contains("cannot set headers"), "{why}");
    // The simulated server refuses a socket with no credentials, as the testbed does
    // without a login: cookie auth is skipped with the reason, not failed.
    let (cookie, why) = status(&list, "auth-cookie");
    assert_eq!(cookie, CheckStatus::Skip, "{why}");
    assert!(why.contains("session cookie"), "{why}");
    assert_eq!(status(&list, "rate-limit").0, CheckStatus::Skip);
    // ws:// on an unknown page, and a welcome without user or capabilities: warnings.
    assert_eq!(status(&list, "tls").0, CheckStatus::Warn);
    assert_eq!(status(&list, "welcome").0, CheckStatus::Warn);
    let auth = &list.groups[2];
    assert_eq!((auth.passed, auth.graded), (5, 5), "{auth:#?}");
    assert_eq!(auth.rate_pct, Some(100.0));
    assert_eq!(
        list.graded,
        list.groups.iter().map(|g| g.graded).sum::<u32>()
    );
    assert_eq!(p.verdict(), Grade::Warn, "{}", p.explain());
    let header = p.criteria().into_iter().find(|c| c.id == "auth-header");
    assert_eq!(header.unwrap().grade, Grade::Skip);
    let now = p.now();
    let report = crate::TestRun::from_parts(p.run, p.sc).report(now);
    let json: serde_json::Value = serde_json::from_str(&crate::compact::checked(&report)).unwrap();
    assert_eq!(json["readiness"]["groups"][2]["name"], "Auth");
    assert_eq!(
        json["readiness"]["groups"][2]["checks"][4]["status"],
        "not-possible"
    );
    assert!(!json.to_string().contains("invalid-token"), "redacted");
}

#[test]
fn readiness_fails_without_a_health_endpoint_or_when_an_invalid_token_is_accepted() {
    let server = Server {
        http_missing: vec!["/health"],
        ..Server::default()
    };
    let p = readiness_played(server, |_| {});
    let list = checklist(&p);
    let (health, why) = status(&list, "health");
    assert_eq!(health, CheckStatus::Fail);
    assert!(why.contains("404"), "{why}");
    assert_eq!(status(&list, "stats").0, CheckStatus::Pass);
    let (invalid, why) = status(&list, "invalid-refused");
    assert_eq!(invalid, CheckStatus::Fail);
    assert!(why.contains("accepted an invalid token"), "{why}");
    assert_eq!(p.verdict(), Grade::Fail);
    assert_eq!(list.groups[0].rate_pct, Some(50.0));
    assert_eq!(status(&list, "auth-header").0, CheckStatus::NotPossible);
}

#[test]
fn readiness_rate_limit_probe_is_bounded_and_reports_no_limit_as_a_warning() {
    let p = readiness_played(strict(), |r| r.rate_limit = true);
    let list = checklist(&p);
    let (limit, why) = status(&list, "rate-limit");
    assert_eq!(limit, CheckStatus::Warn, "{why}");
    assert!(why.contains("up to 320"), "{why}");
    // Every rate for a second at most: the probe's socket sent no more than their sum.
    let cap: u32 = crate::scenario::readiness::RATES.iter().sum();
    let sent = p
        .run
        .session(crate::SessionId(6), p.now())
        .unwrap()
        .counters
        .bytes_out;
    assert!(sent > 0);
    let pings = p
        .run
        .frames()
        .filter(|f| f.session == crate::SessionId(6) && f.direction == crate::Direction::Send)
        .count() as u32;
    assert!(pings <= cap, "{pings} > {cap}");
}

#[test]
fn readiness_needs_a_token() {
    let raw = params(ScenarioKind::Readiness, |_| {});
    let e = Scenario::from_raw(&raw, &base(|_| {})).unwrap_err();
    assert_eq!(e[0].field, ParamField::Config(Field::Token));
}

#[test]
fn readiness_tls_follows_the_page() {
    for (secure, want) in [(true, CheckStatus::Fail), (false, CheckStatus::Skip)] {
        let raw = params(ScenarioKind::Readiness, |_| {});
        let mut sc = Scenario::from_raw(&raw, &auth_base("good42", |_| {})).unwrap();
        sc.set_page_secure(secure);
        let mut run = sc.new_run(7);
        let mut sim = Sim::new(strict());
        sim.play(&mut run, &mut sc, 60_000.0);
        assert!(sc.is_finished());
        let list = sc.checklist(&run, sim.now).unwrap();
        let (tls, why) = status(&list, "tls");
        assert_eq!(tls, want, "{why}");
        assert!(why.contains("mixed content"), "{why}");
    }
}

#[test]
fn readiness_answers_are_timed_from_the_frames_send_not_from_when_it_was_queued() {
    // The socket's thread hands each frame to the browser 5 ms after it was queued; the
    // backend answers 2 ms after that.
    let p = readiness_played(
        Server {
            send_ms: 5.0,
            reply_ms: 2.0,
            ..strict()
        },
        |_| {},
    );
    let list = checklist(&p);
    for id in ["ping", "message"] {
        let (status, detail) = status(&list, id);
        assert_eq!(status, CheckStatus::Pass, "{id}: {detail}");
        assert!(detail.ends_with("in 2.0 ms"), "{id}: {detail}");
    }
}
