//! The host's token provider (F8): the first token before any socket, a fresh one when the
//! server refuses, one ahead of a JWT's expiry — and never a retry with a token known to be
//! bad, nor a tight loop of requests when the provider cannot help.

use super::*;

fn provided(f: impl FnOnce(&mut RawConfig)) -> Run {
    let mut cfg = config(|c| {
        c.sessions = "2".into();
        c.endpoint = "/ws?token={token}".into();
        f(c);
    });
    cfg.token_provider = true;
    let mut r = Run::new(cfg, 1);
    r.set_time_origin(1_700_000_000_000.0);
    r
}

fn requests(c: &[Command]) -> usize {
    c.iter().filter(|c| **c == Command::RequestToken).count()
}

/// Starts `r` and answers its token request with `token` at `now`: the sockets opened
/// (session, generation, URL, protocols).
fn start_with(
    r: &mut Run,
    token: String,
    now: Millis,
) -> Vec<(SessionId, Generation, String, Vec<String>)> {
    r.start(0.0);
    cmds(r);
    r.set_token(token, now);
    opens(&cmds(r))
}

#[test]
fn start_asks_once_and_opens_nothing_until_the_first_token() {
    let mut r = provided(|_| {});
    r.start(0.0);
    let c = cmds(&mut r);
    assert_eq!(requests(&c), 1, "one request for both sessions");
    assert!(opens(&c).is_empty(), "no socket without a token");
    assert_eq!(state(&r, S0, 1.0), SessionState::Connecting);
    r.set_token("t1".into(), 5.0);
    let o = opens(&cmds(&mut r));
    assert_eq!(o.len(), 2);
    assert!(o.iter().all(|o| o.2.ends_with("token=t1")));
    assert_eq!(r.totals(5.0).sessions.needs_auth, 0);
}

#[test]
fn a_provider_that_fails_leaves_sessions_needing_auth_with_its_message_redacted() {
    let mut r = provided(|_| {});
    let g = start_with(&mut r, "old-secret".into(), 1.0);
    r.on_open(S0, g[0].1, 1.5);
    r.on_open(S1, g[1].1, 1.5);
    r.on_close(S0, g[0].1, 4001, "session ended", 2.0);
    assert_eq!(requests(&cmds(&mut r)), 1);
    r.token_unavailable("401 from /token for old-secret", 3.0);
    assert_eq!(state(&r, S0, 3.0), SessionState::NeedsAuth);
    let why = r.token_error().unwrap();
    assert!(why.contains("401") && !why.contains("old-secret"), "{why}");
    // Nothing is asked on a timer or retried meanwhile.
    for t in [10.0, 60_000.0, 600_000.0] {
        r.tick(t);
        let c = cmds(&mut r);
        assert!(opens(&c).is_empty() && requests(&c) == 0, "{c:?}");
    }
    // A later refusal asks again (an event, not a loop); a token brings the session back.
    r.on_close(S1, g[1].1, 4001, "session ended", 700_000.0);
    assert_eq!(requests(&cmds(&mut r)), 1);
    r.set_token("new".into(), 700_001.0);
    assert_eq!(opens(&cmds(&mut r)).len(), 2);
    assert!(r.token_error().is_none());
}

#[test]
fn the_token_the_server_refused_is_never_retried() {
    let mut r = provided(|_| {});
    let g = start_with(&mut r, "bad".into(), 1.0);
    r.on_close(S0, g[0].1, 1008, "invalid token", 2.0);
    cmds(&mut r);
    r.set_token("bad".into(), 3.0);
    let c = cmds(&mut r);
    assert!(opens(&c).is_empty(), "no retry with the refused token");
    assert_eq!(state(&r, S0, 3.0), SessionState::NeedsAuth);
    assert!(r.token_error().is_some());
    // An empty answer is no token either.
    r.set_token(String::new(), 4.0);
    assert!(opens(&cmds(&mut r)).is_empty());
}

#[test]
fn a_refusal_of_an_older_token_does_not_condemn_the_current_one() {
    let mut r = provided(|_| {});
    let g = start_with(&mut r, "one".into(), 1.0);
    r.set_token("two".into(), 2.0);
    // Session 0's socket opened with "one"; its refusal says nothing of "two".
    r.on_close(S0, g[0].1, 1008, "expired", 3.0);
    cmds(&mut r);
    r.set_token("two".into(), 4.0);
    let o = opens(&cmds(&mut r));
    assert_eq!(o.len(), 1);
    assert!(o[0].2.ends_with("token=two"));
}

#[test]
fn refresh_margin_is_configurable_in_seconds_and_reconnects_use_the_fresh_jwt() {
    let t0 = 1_700_000_000u64;
    let mut r = provided(|c| c.token_refresh_before_s = "2".into());
    let g = start_with(&mut r, crate::token::test_jwt(t0 + 6), 0.0);
    r.on_open(S0, g[0].1, 1.0);
    r.on_open(S1, g[1].1, 1.0);
    r.tick(1000.0);
    assert!(
        r.next_deadline().unwrap() <= 4000.0,
        "2 s before a 6 s token expires"
    );
    r.tick(3999.0);
    assert_eq!(requests(&cmds(&mut r)), 0);
    r.tick(4000.0);
    assert_eq!(requests(&cmds(&mut r)), 1);
    let fresh = crate::token::test_jwt(t0 + 12);
    r.set_token(fresh.clone(), 4010.0);
    assert!(opens(&cmds(&mut r)).is_empty(), "open sockets are kept");
    r.on_close(S0, g[0].1, 1000, "bye", 5000.0);
    r.tick(6000.0);
    let o = opens(&cmds(&mut r));
    assert_eq!(o.len(), 1);
    assert!(o[0].2.ends_with(&format!("token={fresh}")));
}

#[test]
fn a_provider_handing_back_a_token_still_due_is_not_asked_in_a_loop() {
    let t0 = 1_700_000_000u64;
    let mut r = provided(|c| c.token_refresh_before_s = "300".into());
    r.start(0.0);
    cmds(&mut r);
    let soon = crate::token::test_jwt(t0 + 60);
    r.set_token(soon.clone(), 0.0);
    cmds(&mut r);
    r.tick(1.0);
    assert_eq!(requests(&cmds(&mut r)), 0, "not again at once");
    r.tick(TOKEN_RETRY_MS - 1.0);
    assert_eq!(requests(&cmds(&mut r)), 0);
    r.tick(TOKEN_RETRY_MS);
    assert_eq!(requests(&cmds(&mut r)), 1, "again after the pause");
}

#[test]
fn a_bad_refresh_margin_is_a_field_error() {
    let raw = RawConfig {
        token_refresh_before_s: "soon".into(),
        ..Default::default()
    };
    let errors = RunConfig::from_raw(&raw, ORIGIN).unwrap_err();
    assert!(errors.iter().any(|e| e.field == crate::config::Field::TokenRefresh
        && e.message.contains("seconds")));
}
