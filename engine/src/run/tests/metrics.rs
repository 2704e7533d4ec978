//! Metrics, heap and verdicts (F9, F10).

use super::*;

#[test]
fn rates_and_bytes() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    for i in 0..100 {
        let t = i as f64 * 10.0;
        r.send_one(S0, t);
        let text = sends(&cmds(&mut r))[0].1.clone();
        echo(&mut r, S0, g, &text, t + 1.0);
    }
    let t = r.totals(1000.0);
    assert!(t.sent_per_s > 50.0 && t.received_per_s > 50.0, "{t:?}");
    assert_eq!(t.counters.bytes_in, t.counters.bytes_out);
    assert_eq!(t.rtt.count, 100);
}

#[test]
fn heap_samples_marked_when_hidden_and_trend_judged() {
    let mut r = run(|_| {});
    assert!(!r.heap_available());
    assert_eq!(r.totals(0.0).heap, None);
    for i in 0..20 {
        r.record_heap(
            i as f64 * 60_000.0,
            10_000_000 + i * 5 * 1024 * 1024,
            50_000_000,
            4_000_000_000,
            0,
        );
    }
    r.set_hidden(true, 1.3e6);
    r.record_heap(1.3e6, 1, 1, 1, 0);
    assert!(r.heap_samples().last().unwrap().hidden);
    let t = r.totals(1.3e6);
    assert!(t.hidden);
    let trend = t.heap_trend.unwrap();
    assert!((trend.mb_per_min - 5.0).abs() < 1e-6, "{trend:?}");
    let v = r
        .verdicts(1.3e6)
        .into_iter()
        .find(|v| v.measure == Measure::Heap)
        .unwrap();
    assert_eq!(v.level, Level::Critical);
}

#[test]
fn verdicts_cover_every_measure() {
    let mut r = run(|_| {});
    let v = r.verdicts(0.0);
    assert_eq!(v.len(), 7);
    assert!(v.iter().all(|v| v.level == Level::NoData), "{v:?}");
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    let text = sends(&cmds(&mut r))[0].1.clone();
    echo(&mut r, S0, g, &text, 700.0);
    // One reply and one socket are no evidence: every measure is still collecting.
    let v = r.verdicts(700.0);
    assert_eq!(
        v[..3].iter().map(|v| v.level).collect::<Vec<_>>(),
        [Level::Collecting; 3],
        "{v:?}"
    );
    assert!(
        v[0].measured
            .starts_with("insufficient data: 1 of 20 replies")
    );
    // With the minimums met, the bands judge.
    let mut r = run(|c| {
        c.thresholds.min_replies = 1;
        c.thresholds.min_connects = 1;
    });
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    let text = sends(&cmds(&mut r))[0].1.clone();
    echo(&mut r, S0, g, &text, 700.0);
    let v = r.verdicts(700.0);
    assert_eq!(v[0].level, Level::Good);
    assert_eq!(v[1].level, Level::Good);
    assert_eq!(
        (v[2].measure, v[2].level),
        (Measure::AvgRtt, Level::Warning)
    );
}

#[test]
fn connect_time_and_the_first_message_are_judged_against_their_bands() {
    let mut r = run(|c| {
        c.sessions = "3".into();
        c.thresholds.connect_good_ms = 100.0;
        c.thresholds.connect_warning_ms = 200.0;
        c.thresholds.first_message_good_ms = 50.0;
        c.thresholds.first_message_warning_ms = 300.0;
        c.thresholds.first_message_critical_ms = 1000.0;
    });
    r.start(0.0);
    let gens: Vec<Generation> = opens(&cmds(&mut r)).into_iter().map(|o| o.1).collect();
    let find = |r: &Run, m: Measure, now| {
        r.verdicts(now)
            .into_iter()
            .find(|v| v.measure == m)
            .unwrap()
    };
    // Two connections are not evidence (3 needed): collecting.
    r.on_open(S0, gens[0], 150.0);
    r.on_open(S1, gens[1], 150.0);
    assert_eq!(
        find(&r, Measure::ConnectTime, 150.0).level,
        Level::Collecting
    );
    assert_eq!(find(&r, Measure::FirstMessage, 150.0).level, Level::NoData);
    r.on_open(SessionId(2), gens[2], 450.0);
    // Mean (150 + 150 + 450) / 3 = 250 ms: past the warning line.
    let v = find(&r, Measure::ConnectTime, 450.0);
    assert_eq!((v.level, v.value), (Level::Warning, Some(250.0)), "{v:?}");
    assert_eq!(v.target, "< 100 ms (≥ 3 connections)");
    // The first frame of each socket counts, and only the first.
    for (i, g) in gens.iter().enumerate() {
        let at = 450.0 + 20.0 * (i as f64 + 1.0);
        echo(
            &mut r,
            SessionId(i as u32),
            *g,
            r#"{"type":"connected"}"#,
            at,
        );
        echo(
            &mut r,
            SessionId(i as u32),
            *g,
            r#"{"type":"connected"}"#,
            at + 5000.0,
        );
    }
    let totals = r.totals(6000.0);
    assert_eq!(totals.first_message.count, 3);
    assert_eq!(r.session(S1, 6000.0).unwrap().first_message_ms, Some(340.0));
    // S0 waited 320 ms, S1 340 ms, S2 60 ms: mean 240 ms, fair (between good and warning).
    let v = find(&r, Measure::FirstMessage, 6000.0);
    assert_eq!((v.level, v.value), (Level::Fair, Some(240.0)), "{v:?}");
}

#[test]
fn history_is_sampled_every_second() {
    let mut r = run(|_| {});
    connected(&mut r, 0.0);
    for i in 0..=50 {
        r.tick(i as f64 * 100.0);
    }
    assert_eq!(r.history().len(), 6);
    assert_eq!(r.history()[5].active, 1);
}

#[test]
fn binary_mode_sends_bytes_and_correlates_utf8_echoes() {
    let mut r = run(|c| c.binary = true);
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    let c = cmds(&mut r);
    let Command::Send {
        frame: Frame::Binary(bytes),
        ..
    } = &c[0]
    else {
        panic!("{c:?}")
    };
    r.on_binary_data(S0, g, bytes, 1.0);
    r.on_socket(S0, g, SocketEvent::Binary(vec![0xFF; 3]), 2.0);
    r.on_binary_data(S0, g, &[0xff, 0xfe], 3.0);
    let c = r.counters();
    assert_eq!((c.matched, c.binary_in, c.received), (1, 3, 3));
}

#[test]
fn socket_and_send_errors_are_counted() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.on_error(S0, g, 1.0);
    r.on_send_failed(S0, g, 1.0);
    let c = r.counters();
    // The socket error is the wire's; the refused frame is the console's own.
    assert_eq!((c.errors.socket, c.client_errors), (1, 1));
    assert_eq!(c.errors.total(), 1);
}

#[test]
fn a_test_message_the_browser_refused_is_taken_back_not_lost() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 1.0);
    let key = keys(&cmds(&mut r))[0];
    // As the adapter reports it: `send()` refused on a socket that had not closed.
    let unsent = SocketEvent::Unsent {
        key: Some(key),
        frame: Frame::Text("{}".into()),
        closed: false,
        why: "socket is closing, not open".into(),
    };
    r.on_socket(S0, g, unsent, 1.0);
    r.tick(60_000.0);
    let c = r.counters();
    assert_eq!((c.sent, c.pending, c.lost, c.client_errors), (0, 0, 0, 1));
    assert!(r.invariant_holds());
    assert!(
        r.log()
            .entries()
            .any(|e| e.text.contains("not sent: socket is closing"))
    );
}

#[test]
fn a_test_message_that_met_a_closed_socket_goes_back_to_the_queue_and_leaves_with_the_next_connection()
 {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 1.0);
    let (key, frame) = cmds(&mut r)
        .into_iter()
        .find_map(|c| match c {
            Command::Send {
                key: Some(k),
                frame,
                ..
            } => Some((k, frame)),
            _ => None,
        })
        .unwrap();
    // As the socket worker reports it: the socket had closed there before the page knew.
    let unsent = SocketEvent::Unsent {
        key: Some(key),
        frame: frame.clone(),
        closed: true,
        why: "closed".into(),
    };
    r.on_socket(S0, g, unsent, 2.0);
    r.on_close(S0, g, 1006, "", 2.0);
    let c = r.counters();
    assert_eq!(
        (c.sent, c.pending, c.lost, c.client_errors, c.bytes_out),
        (0, 0, 0, 0, 0)
    );
    assert_eq!((c.queued, c.queue_flushed), (1, 0));
    assert_eq!(r.totals(2.0).queued_now, 1);
    assert!(r.invariant_holds());
    // The next connection takes it, as it was.
    r.tick(60_000.0);
    let g2 = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g2, 60_001.0);
    let resent = sends(&cmds(&mut r));
    assert_eq!(resent.len(), 1);
    assert_eq!(Frame::Text(resent[0].1.clone()), frame);
    let c = r.counters();
    assert_eq!((c.sent, c.queued, c.queue_flushed), (1, 1, 1));
    // Flushed and bounced again: back in the queue, still counted once.
    r.on_closed_before_send(key, frame, 60_002.0);
    let c = r.counters();
    assert_eq!((c.sent, c.queued, c.queue_flushed), (0, 1, 0));
    assert_eq!(r.totals(60_002.0).queued_now, 1);
}

#[test]
fn next_deadline_tracks_the_earliest_timer() {
    let mut r = run(with_heartbeat);
    assert_eq!(r.next_deadline(), None);
    r.start(0.0);
    assert_eq!(r.next_deadline(), Some(0.0), "history point due now");
    r.tick(0.0);
    assert_eq!(r.next_deadline(), Some(1000.0));
    let g = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g, 5.0);
    r.send_one(S0, 5.0);
    r.stop(6.0);
    assert_eq!(
        r.next_deadline(),
        Some(10_005.0),
        "the pending reply's timeout"
    );
}

#[test]
fn hidden_tab_is_logged_during_a_run() {
    let mut r = run(|_| {});
    connected(&mut r, 0.0);
    r.set_hidden(true, 1.0);
    r.set_hidden(true, 2.0);
    let f = LogFilter {
        category: Some(LogCategory::Browser),
        ..Default::default()
    };
    assert_eq!(r.log().filtered(&f).count(), 1);
}
