//! Backpressure and the send schedule: what the console holds back is never lost, never a
//! send error, and is released in order; scheduled sends keep their grid.

use super::*;
use crate::run::flow::{BUFFER_HIGH_WATER, BUFFER_POLL_MS, MAX_BURST_TOTAL, WINDOW_PER_SESSION};

#[test]
fn a_big_burst_goes_out_one_window_at_a_time_and_nothing_is_lost() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.burst(Some(S0), 2000, 0.0);
    let first = sends(&cmds(&mut r));
    assert_eq!(first.len() as u64, WINDOW_PER_SESSION);
    assert_eq!(r.held_now(), 2000 - WINDOW_PER_SESSION);
    let mut t = 1.0;
    let mut batch = first;
    while !batch.is_empty() {
        for (_, text) in &batch {
            echo(&mut r, S0, g, text, t);
            t += 0.01;
        }
        batch = sends(&cmds(&mut r));
    }
    let c = r.counters();
    assert_eq!(
        (c.sent, c.matched, c.lost, c.client_errors),
        (2000, 2000, 0, 0)
    );
    assert_eq!(c.out_of_order, 0);
    assert_eq!(r.held_now(), 0);
    assert!(r.invariant_holds());
}

#[test]
fn a_full_socket_buffer_holds_sends_back_and_the_timer_looks_again_soon() {
    let mut r = run(|_| {});
    connected(&mut r, 0.0);
    cmds(&mut r);
    r.set_buffered(S0, BUFFER_HIGH_WATER as u32);
    r.send_one(S0, 1.0);
    assert!(
        sends(&cmds(&mut r)).is_empty(),
        "held while the buffer is full"
    );
    assert_eq!((r.held_now(), r.counters().sent), (1, 0));
    r.tick(2.0);
    assert_eq!(r.next_deadline(), Some(2.0 + BUFFER_POLL_MS));
    // No send refreshes the reading while the session waits: the engine names the sessions
    // whose buffer the adapter must read again.
    assert_eq!(r.waiting_on_buffer(), vec![S0]);
    r.set_buffered(S0, 0);
    r.tick(2.0 + BUFFER_POLL_MS);
    assert_eq!(sends(&cmds(&mut r)).len(), 1);
    assert_eq!(r.held_now(), 0);
}

#[test]
fn queued_messages_go_first_then_held_ones_in_seq_order() {
    let mut r = run(|_| {});
    r.send_one(S0, 0.0);
    r.send_one(S0, 0.0);
    let g = connected(&mut r, 1.0)[0];
    r.burst(Some(S0), 3, 1.0);
    let out = sends(&cmds(&mut r));
    assert_eq!(seqs(&out), vec![1, 2, 3, 4, 5]);
    for (_, text) in &out {
        echo(&mut r, S0, g, text, 2.0);
    }
    let c = r.counters();
    assert_eq!((c.queue_flushed, c.queue_delivered, c.matched), (2, 2, 5));
    assert!(
        r.log()
            .entries()
            .any(|e| e.text.contains("flushed 2 queued"))
    );
}

#[test]
fn a_burst_over_the_bound_is_refused_with_a_message() {
    let mut r = run(|c| c.sessions = "2".into());
    connected(&mut r, 0.0);
    cmds(&mut r);
    let k = (MAX_BURST_TOTAL / 2 + 1) as u32;
    r.burst(None, k, 1.0);
    assert!(sends(&cmds(&mut r)).is_empty());
    assert_eq!(r.held_now(), 0);
    assert!(r.log().entries().any(|e| e.text.contains("burst refused")));
}

#[test]
fn stop_drops_what_is_held_without_counting_it() {
    let mut r = run(|_| {});
    connected(&mut r, 0.0);
    r.burst(Some(S0), 1000, 0.0);
    r.stop(1.0);
    assert_eq!(r.held_now(), 0);
    let c = r.counters();
    assert_eq!(c.sent, WINDOW_PER_SESSION);
    assert!(r.invariant_holds());
}

#[test]
fn the_round_trip_runs_from_the_adapters_send_stamp() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 10.0);
    let c = cmds(&mut r);
    let key = keys(&c)[0];
    let sent = SocketEvent::Sent {
        key: Some(key),
        at: 12.5,
    };
    r.on_socket(S0, g, sent, 12.5);
    echo(&mut r, S0, g, &sends(&c)[0].1, 13.0);
    assert_eq!(r.totals(13.0).rtt.max, Some(0.5));
}

#[test]
fn the_schedule_holds_at_ten_milliseconds_with_late_irregular_ticks() {
    let mut r = run(|c| {
        c.sessions = "15".into();
        c.auto_send = true;
        c.send_interval_ms = "10".into();
    });
    let gens = connected(&mut r, 0.0);
    // A busy page: ticks every 16–40 ms, never on the grid; the server answers at once.
    let mut t = 0.0;
    let mut step = 0u32;
    while t < 10_000.0 {
        step += 1;
        t = (t + 16.0 + f64::from(step * 7 % 25)).min(10_000.0);
        r.tick(t);
        for (s, text) in sends(&cmds(&mut r)) {
            echo(&mut r, s, gens[s.index()], &text, t);
        }
    }
    let sent = r.counters().sent as f64;
    let scheduled = 15.0 * 10_000.0 / 10.0;
    assert!(sent >= 0.98 * scheduled, "{sent} of {scheduled}");
    assert!(sent <= scheduled, "{sent} of {scheduled}");
    assert_eq!(r.counters().schedule_skipped, 0);
}
