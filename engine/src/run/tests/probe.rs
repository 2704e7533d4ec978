//! Readiness probes: their own URL and protocols, no retry on a fresh token, and the bounds
//! of what they keep (inbox, HTTP results, bodies).

use super::*;
use crate::command::HttpResult;
use crate::run::probe::{HTTP_RESULTS, INBOX_FRAMES, PROBE_TEXT_BYTES};

#[test]
fn a_probe_opens_its_own_url_is_redacted_and_not_reopened_by_a_fresh_token() {
    let mut r = run(|c| {
        c.sessions = "2".into();
        c.token = "good".into();
    });
    r.start_idle(0.0);
    let probe = Probe {
        url: "ws://127.0.0.1:8080/ws?token=b4d-t0k".into(),
        protocols: vec!["b4d-t0k".into()],
    };
    r.open_probe(S1, probe.clone(), "b4d-t0k", 0.0);
    let o = opens(&cmds(&mut r));
    assert_eq!(o.len(), 1);
    assert_eq!(
        (o[0].0, o[0].2.clone(), o[0].3.clone()),
        (S1, probe.url, probe.protocols)
    );
    let g = o[0].1;
    r.on_open(S1, g, 1.0);
    r.on_close(S1, g, 1008, "invalid token b4d-t0k", 2.0);
    assert!(r.needs_auth(S1));
    r.set_token("fresh".into(), 3.0);
    assert!(
        opens(&cmds(&mut r)).is_empty(),
        "a probe keeps its own credentials"
    );
    assert!(r.log().entries().all(|e| !e.text.contains("b4d-t0k")));
}

#[test]
fn inbox_http_results_and_bodies_are_bounded() {
    let mut r = run(|c| c.token = "s3cret".into());
    r.start_idle(0.0);
    r.listen(S0);
    r.open_session(S0, 0.0);
    let g = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g, 1.0);
    for i in 0..(INBOX_FRAMES + 5) {
        r.on_text(
            S0,
            g,
            &format!(r#"{{"type":"n","i":{i},"t":"s3cret"}}"#),
            2.0,
        );
    }
    r.on_text(S0, g, &"y".repeat(PROBE_TEXT_BYTES * 3), 3.0);
    let kept: Vec<&(Millis, String)> = r.inbox(S0).collect();
    assert_eq!(kept.len(), INBOX_FRAMES);
    assert!(kept.iter().all(|(_, t)| !t.contains("s3cret")));
    assert!(kept.last().unwrap().1.len() < PROBE_TEXT_BYTES + 32);
    assert_eq!(
        r.inbox(S1).count(),
        0,
        "only a listened-to session keeps frames"
    );
    for id in 0..(HTTP_RESULTS as u32 + 3) {
        let body = format!("s3cret {}", "z".repeat(PROBE_TEXT_BYTES * 2));
        let result = HttpResult {
            status: 200,
            elapsed_ms: 1.0,
            body,
        };
        r.on_http_result(id, result, 4.0);
    }
    assert!(r.http_result(0).is_none(), "the oldest went");
    let last = r.http_result(HTTP_RESULTS as u32 + 2).unwrap();
    assert!(last.body.starts_with("[redacted]"));
    assert!(last.body.len() < PROBE_TEXT_BYTES + 32);
    assert!(r.send_text(S0, "{}".into(), 5.0));
    assert!(
        !r.send_text(S1, "{}".into(), 5.0),
        "no socket, nothing sent"
    );
}
