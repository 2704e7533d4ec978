//! Several endpoints in one run: sessions spread round-robin and kept across reconnects,
//! server pushes counted per session, the per-endpoint rows and the push-consistency
//! criterion of a receive-only run.

use super::*;
use crate::scenario::Grade;

const THREE: &str = "/ws?a\n\n/ws?b\nws://127.0.0.1:8080/pam/{user_id}?token={token}";

fn three(c: &mut RawConfig) {
    c.endpoint = THREE.into();
    c.user_id = "u1".into();
    c.token = "tok-3e9".into();
    c.sessions = "6".into();
}

/// A server push: no id of this run.
const PUSH: &str = r#"{"type":"notification","n":1}"#;

fn consistency(report: &crate::Report) -> &crate::Criterion {
    let c = report.criteria.iter().find(|c| c.id == "push-consistency");
    c.expect("a receive-only run is judged on push consistency")
}

#[test]
fn sessions_are_spread_and_keep_their_endpoint_across_reconnects() {
    let mut r = run(three);
    r.start(0.0);
    let urls: Vec<String> = opens(&cmds(&mut r)).into_iter().map(|o| o.2).collect();
    assert_eq!(
        urls,
        [
            "ws://127.0.0.1:8080/ws?a&token=tok-3e9",
            "ws://127.0.0.1:8080/ws?b&token=tok-3e9",
            "ws://127.0.0.1:8080/pam/u1?token=tok-3e9",
            "ws://127.0.0.1:8080/ws?a&token=tok-3e9",
            "ws://127.0.0.1:8080/ws?b&token=tok-3e9",
            "ws://127.0.0.1:8080/pam/u1?token=tok-3e9",
        ]
    );
    // The token is redacted in what is shown.
    assert_eq!(
        r.display_url(SessionId(5)),
        "ws://127.0.0.1:8080/pam/u1?token=[redacted]"
    );
    let g = r.session(SessionId(4), 0.0).unwrap().generation;
    r.on_open(SessionId(4), g, 10.0);
    r.on_close(SessionId(4), g, 1006, "", 20.0);
    r.tick(5000.0);
    let again = opens(&cmds(&mut r));
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].0, SessionId(4));
    assert_eq!(again[0].2, "ws://127.0.0.1:8080/ws?b&token=tok-3e9");
}

#[test]
fn a_receive_only_run_reports_per_endpoint_and_judges_consistency() {
    let mut r = run(three);
    r.start(0.0);
    let gens: Vec<Generation> = opens(&cmds(&mut r)).into_iter().map(|o| o.1).collect();
    // Endpoint #3's sessions (2 and 5) open in 40 ms, the others in 10 ms.
    for (i, g) in gens.iter().enumerate() {
        let at = if i % 3 == 2 { 40.0 } else { 10.0 };
        r.on_open(SessionId(i as u32), *g, at);
    }
    for (i, g) in gens.iter().enumerate() {
        let s = SessionId(i as u32);
        // The welcome and a pong are not pushes.
        r.on_text(s, *g, r#"{"type":"connected"}"#, 50.0);
        r.on_text(s, *g, r#"{"type":"pong"}"#, 55.0);
        for k in 0..3 {
            r.on_text(s, *g, PUSH, 100.0 + k as f64);
        }
    }
    let rows = r.endpoints(200.0);
    assert_eq!(rows.len(), 3);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.endpoint, i as u32 + 1);
        assert_eq!((row.sessions, row.connected, row.status), (2, 2, "all"));
        assert_eq!((row.connects, row.received, row.pushes), (2, 10, 6));
        assert_eq!((row.pushes_min, row.pushes_max), (3, 3));
        assert_eq!(row.sent, 0);
        assert_eq!(row.first_message_ms.count, 2);
        assert_eq!(row.consistency, Grade::Pass);
    }
    assert_eq!(rows[0].connect_time_ms.mean, Some(10.0));
    assert_eq!(rows[2].connect_time_ms.mean, Some(40.0));
    assert_eq!(rows[2].url, "ws://127.0.0.1:8080/pam/u1?token=[redacted]");
    let report = r.report(200.0);
    assert_eq!(report.endpoints, rows);
    let c = consistency(&report);
    assert_eq!(c.grade, Grade::Pass);
    // Nothing was sent: no message-success FAIL.
    assert_ne!(report.verdict, Grade::Fail);
    assert!(!crate::compact::checked(&report).contains("tok-3e9"));

    // One more push to session 4 (endpoint #2): a spread of 1 > tolerance 0.
    r.on_text(SessionId(4), gens[4], PUSH, 300.0);
    let report = r.report(300.0);
    let c = consistency(&report);
    assert_eq!(c.grade, Grade::Fail);
    assert_eq!(c.measured, "endpoint #2: spread 1 (3–4 pushes)");
    assert_eq!(report.endpoints[1].consistency, Grade::Fail);

    // One session down: endpoint #1 has some connected.
    r.on_close(SessionId(3), gens[3], 1006, "", 400.0);
    assert_eq!(r.endpoints(400.0)[0].status, "some");
    assert_eq!(r.endpoints(400.0)[0].drops, 1);
}

#[test]
fn replies_to_its_own_messages_are_not_pushes_but_other_sessions_are() {
    let mut r = run(|c| c.sessions = "2".into());
    let g = connected(&mut r, 0.0);
    cmds(&mut r);
    r.burst(Some(S0), 1, 10.0);
    let sent = sends(&cmds(&mut r));
    let id = id_of(&sent[0].1);
    r.on_text(S0, g[0], &reply(&id), 20.0);
    r.on_text(S1, g[1], &reply(&id), 20.0);
    let rows = r.endpoints(30.0);
    assert_eq!(rows.len(), 1);
    assert_eq!(r.session(S0, 30.0).unwrap().counters.pushes, 0);
    assert_eq!(r.session(S1, 30.0).unwrap().counters.pushes, 1);
    // Automatic sending is on in no run here, but a run that sends is not judged.
    assert!(
        !run(|c| c.auto_send = true)
            .report(0.0)
            .criteria
            .iter()
            .any(|c| c.id == "push-consistency")
    );
}

#[test]
fn the_token_confirmation_considers_every_endpoint() {
    let c = config(|c| {
        c.endpoint = "/ws\nws://elsewhere.example:9/ws?token={token}".into();
        c.token = "t".into();
    });
    assert_eq!(
        c.token_destination(ORIGIN).as_deref(),
        Some("elsewhere.example:9")
    );
}
