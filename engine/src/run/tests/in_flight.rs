//! One message in flight (a send interval of 0): the next message goes when the previous
//! one is answered or lost, never two at once, and the loop needs no timer.

use super::*;

fn in_flight(sessions: &str) -> Run {
    run(|c| {
        c.sessions = sessions.into();
        c.auto_send = true;
        c.send_interval_ms = "0".into();
    })
}

#[test]
fn zero_is_one_in_flight_and_near_zero_is_refused_with_the_reason() {
    let c = config(|c| {
        c.auto_send = true;
        c.send_interval_ms = " 0 ".into();
    });
    assert!(c.one_in_flight());
    assert!(!config(|c| c.auto_send = true).one_in_flight());
    let e = RunConfig::from_raw(
        &RawConfig {
            send_interval_ms: "0.5".into(),
            ..Default::default()
        },
        ORIGIN,
    )
    .unwrap_err();
    assert!(
        e[0].message.contains("0 for one message in flight"),
        "{}",
        e[0].message
    );
}

#[test]
fn each_reply_sends_the_next_at_once_and_never_two_at_a_time() {
    let mut r = in_flight("2");
    let gens = connected(&mut r, 0.0);
    r.tick(0.0);
    let mut out = sends(&cmds(&mut r));
    assert_eq!(out.len(), 2, "one each: {out:?}");
    // Ticks alone send nothing more while the replies are out.
    r.tick(5.0);
    assert!(sends(&cmds(&mut r)).is_empty());
    let mut t = 5.0;
    for _ in 0..50 {
        t += 0.25;
        let (s, text) = out.remove(0);
        echo(&mut r, s, gens[s.index()], &reply(&id_of(&text)), t);
        // The reply's own handling sends the next: no tick in between.
        let next = sends(&cmds(&mut r));
        assert_eq!(next.len(), 1, "{next:?}");
        assert_eq!(next[0].0, s);
        out.extend(next);
    }
    let c = r.counters();
    assert_eq!((c.sent, c.matched, c.pending), (52, 50, 2));
    assert_eq!(seqs(&out), vec![26, 26], "each session's 26th in flight");
}

#[test]
fn the_timer_is_not_asked_for_while_a_reply_is_out() {
    let mut r = in_flight("1");
    connected(&mut r, 0.0);
    // Due now: the adapter's timer is asked to come at once.
    assert_eq!(r.next_deadline(), Some(0.0));
    r.tick(0.0);
    assert_eq!(sends(&cmds(&mut r)).len(), 1);
    // Now only the reply timeout is ahead (no past deadline that would spin the timer).
    let next = r.next_deadline().unwrap();
    assert!(next >= 1000.0, "{next}");
}

#[test]
fn a_lost_reply_lets_the_next_go_and_a_drop_waits_for_the_new_socket() {
    let mut r = in_flight("1");
    let gens = connected(&mut r, 0.0);
    r.tick(0.0);
    assert_eq!(sends(&cmds(&mut r)).len(), 1);
    let timeout = r.config().reply_timeout_ms;
    r.tick(timeout + 1.0);
    assert_eq!(r.counters().lost, 1);
    let next = sends(&cmds(&mut r));
    assert_eq!(next.len(), 1, "the next goes as the loss is counted");
    // The socket drops with that message out: nothing is sent until it is open again.
    let t = timeout + 2.0;
    r.on_close(S0, gens[0], 1006, "", t);
    let _ = cmds(&mut r);
    let mut now = t;
    let reopened = loop {
        now += 100.0;
        r.tick(now);
        let c = cmds(&mut r);
        assert!(sends(&c).is_empty(), "nothing sent on a closed session");
        if let Some(o) = opens(&c).first() {
            break o.1;
        }
        assert!(now < t + 60_000.0, "no reconnect");
    };
    r.on_open(S0, reopened, now);
    r.tick(now + timeout + 1.0);
    let sent_after = sends(&cmds(&mut r));
    assert_eq!(
        sent_after.len(),
        1,
        "one again on the new socket: {sent_after:?}"
    );
    assert_eq!(r.counters().pending, 1);
}

#[test]
fn a_refused_send_is_retried_after_its_own_pause_not_at_once() {
    let mut r = in_flight("1");
    let g = connected(&mut r, 0.0)[0];
    r.tick(0.0);
    let c = cmds(&mut r);
    let key = keys(&c)[0];
    r.on_unsent(S0, g, key, "send() threw", 1.0);
    let retry_at = 1.0 + crate::run::timers::REFUSED_RETRY_MS;
    assert_eq!(r.next_deadline(), Some(retry_at));
    r.tick(retry_at - 1.0);
    assert!(sends(&cmds(&mut r)).is_empty(), "not before the pause");
    r.tick(retry_at);
    assert_eq!(sends(&cmds(&mut r)).len(), 1, "the next goes after it");
    assert_eq!(r.counters().client_errors, 1);
}
