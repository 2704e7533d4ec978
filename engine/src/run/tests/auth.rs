//! Auth modes and the token (F2, F8, R3).

use super::*;

#[test]
fn token_is_redacted_in_logs_and_display() {
    let mut r = run(|c| {
        c.endpoint = "/api/v1/pam/ws/{user_id}?token={token}".into();
        c.user_id = "u1".into();
        c.token = "s3cret".into();
    });
    let g = connected(&mut r, 0.0)[0];
    assert_eq!(
        r.display_url(S0),
        "ws://127.0.0.1:8080/api/v1/pam/ws/u1?token=[redacted]"
    );
    echo(&mut r, S0, g, r#"{"type":"message","echo":"s3cret"}"#, 1.0);
    r.on_close(S0, g, 1008, "bad token s3cret", 2.0);
    for e in r.log().entries() {
        assert!(!e.text.contains("s3cret"), "{}", e.text);
    }
    assert_eq!(
        r.session(S0, 2.0).unwrap().last_close.unwrap().reason,
        "bad token [redacted]"
    );
    // A replaced token stays redacted.
    r.set_token("n3w".into(), 3.0);
    let o = opens(&cmds(&mut r));
    assert!(o.iter().any(|o| o.2.contains("token=n3w")));
    assert_eq!(r.redact("s3cret n3w"), "[redacted] [redacted]");
    assert!(r.log().entries().all(|e| !e.text.contains("n3w")));
}

#[test]
fn subprotocol_auth_offers_the_token() {
    let mut r = run(|c| {
        c.auth_mode = AuthMode::Subprotocol;
        c.token = "tok".into();
    });
    r.start(0.0);
    let o = opens(&cmds(&mut r));
    assert_eq!(o[0].3, vec!["tok".to_string()]);
    assert_eq!(o[0].2, "ws://127.0.0.1:8080/ws");
}

/// A run with first-message auth and `token`, started: the run and session 0's socket.
fn first_message(token: &str) -> (Run, Generation) {
    let mut r = run(|c| {
        c.auth_mode = AuthMode::FirstMessage;
        c.token = token.into();
    });
    r.start(0.0);
    let g = opens(&cmds(&mut r))[0].1;
    (r, g)
}

#[test]
fn first_message_auth_waits_for_auth_success() {
    let (mut r, g) = first_message("tok");
    r.send_one(S0, 1.0);
    r.on_open(S0, g, 2.0);
    let s = sends(&cmds(&mut r));
    assert_eq!(s.len(), 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&s[0].1).unwrap(),
        serde_json::json!({"type":"auth","token":"tok"})
    );
    assert_eq!(state(&r, S0, 2.0), SessionState::Connecting);
    r.send_one(S0, 3.0);
    assert!(sends(&cmds(&mut r)).is_empty());
    echo(&mut r, S0, g, r#"{"type":"auth_success"}"#, 4.0);
    assert_eq!(state(&r, S0, 4.0), SessionState::Connected);
    assert_eq!(sends(&cmds(&mut r)).len(), 2, "queue flushed after auth");
}

#[test]
fn first_message_auth_error_needs_auth() {
    let (mut r, g) = first_message("bad");
    r.on_open(S0, g, 1.0);
    cmds(&mut r);
    echo(
        &mut r,
        S0,
        g,
        r#"{"type":"auth_error","message":"invalid token"}"#,
        2.0,
    );
    let c = cmds(&mut r);
    assert_eq!(closes(&c).len(), 1);
    assert!(c.contains(&Command::RequestToken));
    assert_eq!(state(&r, S0, 2.0), SessionState::NeedsAuth);
}

#[test]
fn first_message_auth_times_out() {
    let (mut r, g) = first_message("");
    r.on_open(S0, g, 1.0);
    r.tick(10_001.0);
    assert_eq!(closes(&cmds(&mut r)).len(), 1);
    assert!(matches!(
        state(&r, S0, 10_001.0),
        SessionState::Reconnecting { .. }
    ));
}

#[test]
fn jwt_refresh_is_requested_five_minutes_before_expiry() {
    let exp_s = 1_700_000_600u64;
    let mut r = run(|c| c.token = crate::token::test_jwt(exp_s));
    r.set_time_origin(1_700_000_000_000.0);
    connected(&mut r, 0.0);
    cmds(&mut r);
    let due = (exp_s as f64 * 1000.0 - 300_000.0) - 1_700_000_000_000.0;
    assert_eq!(due, 300_000.0);
    assert!(!r.token_refresh_due(due - 1.0));
    assert!(r.next_deadline().unwrap() <= due);
    r.tick(due - 1.0);
    assert!(!cmds(&mut r).contains(&Command::RequestToken));
    r.tick(due);
    assert_eq!(cmds(&mut r), vec![Command::RequestToken]);
    r.tick(due + 100.0);
    assert!(cmds(&mut r).is_empty(), "asked once");
    r.set_token(crate::token::test_jwt(exp_s + 3600), due + 200.0);
    assert!(!r.token_refresh_due(due + 200.0));
}

#[test]
fn auth_frame_is_the_json_serde_json_writes() {
    for token in ["tok", "", "a\"b\\c", "line\nbreak\u{1}", "ünï/☃"] {
        let expected = serde_json::json!({ "type": "auth", "token": token }).to_string();
        assert_eq!(auth_frame(token), expected);
        let back: serde_json::Value = serde_json::from_str(&auth_frame(token)).unwrap();
        assert_eq!(back["token"], token);
    }
}
