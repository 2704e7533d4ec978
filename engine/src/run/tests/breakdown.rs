//! RTT and counts by a field of the messages: the template cycles the field, the run keeps
//! a row per value, through replies, timeouts and the offline queue.

use super::*;

const CYCLING: &str = r#"{"type":"message","id":"{{id}}","agent":"{{cycle:Financial Advisor|Error Handler|Router}}"}"#;

fn agents(r: &Run) -> Vec<(String, u64, u64, u64, u64, Option<Millis>)> {
    r.breakdown()
        .unwrap()
        .groups
        .iter()
        .map(|g| {
            (
                g.value.clone(),
                g.sent,
                g.matched,
                g.lost,
                g.pending,
                g.rtt_ms.mean,
            )
        })
        .collect()
}

#[test]
fn each_cycled_value_gets_its_own_counts_and_rtt() {
    let mut r = run(|c| {
        c.sessions = "2".into();
        c.message_template = CYCLING.into();
        c.group_pointer = "/agent".into();
    });
    let g = connected(&mut r, 0.0);
    cmds(&mut r);
    // Session 0 sends three (one per agent), session 1 two.
    r.burst(Some(S0), 3, 10.0);
    r.burst(Some(S1), 2, 10.0);
    let sent = sends(&cmds(&mut r));
    assert_eq!(sent.len(), 5);
    // Each agent answers in its own time: 80, 100 and 120 ms.
    for (s, text) in &sent {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let delay = match v["agent"].as_str().unwrap() {
            "Financial Advisor" => 80.0,
            "Error Handler" => 100.0,
            _ => 120.0,
        };
        if (*s, v["agent"].as_str()) == (S1, Some("Error Handler")) {
            continue; // never answered: lost at the timeout
        }
        echo(&mut r, *s, g[s.index()], &reply(&id_of(text)), 10.0 + delay);
    }
    assert_eq!(
        agents(&r),
        [
            ("Financial Advisor".into(), 2, 2, 0, 0, Some(80.0)),
            ("Error Handler".into(), 2, 1, 0, 1, Some(100.0)),
            ("Router".into(), 1, 1, 0, 0, Some(120.0)),
        ]
    );
    r.tick(20_000.0);
    assert_eq!(
        agents(&r)[1],
        ("Error Handler".into(), 2, 1, 1, 0, Some(100.0))
    );
    // The rows add up to the run's counts.
    let c = r.counters();
    let rows = r.breakdown().unwrap().groups;
    assert_eq!(rows.iter().map(|g| g.sent).sum::<u64>(), c.sent);
    assert_eq!(rows.iter().map(|g| g.lost).sum::<u64>(), c.lost);
    // And reach the report.
    let report = r.report(20_000.0);
    assert_eq!(report.configuration.group_pointer, "/agent");
    let json: serde_json::Value = serde_json::from_str(&crate::compact::checked(&report)).unwrap();
    assert_eq!(json["breakdown"]["pointer"], "/agent");
    assert_eq!(json["breakdown"]["groups"][2]["value"], "Router");
    assert_eq!(json["breakdown"]["groups"][2]["bucket"], "value");
    assert_eq!(
        json["breakdown"]["groups"][2]["rtt_ms"]["p50"]
            .as_f64()
            .map(f64::round),
        Some(120.0)
    );
}

#[test]
fn no_pointer_no_breakdown() {
    let mut r = run(|c| c.message_template = CYCLING.into());
    connected(&mut r, 0.0);
    r.burst(Some(S0), 3, 1.0);
    assert_eq!(sends(&cmds(&mut r)).len(), 3);
    assert_eq!(r.breakdown(), None);
    let json: serde_json::Value =
        serde_json::from_str(&crate::compact::checked(&r.report(2.0))).unwrap();
    assert!(json["breakdown"].is_null());
    assert_eq!(json["configuration"]["group_pointer"], "");
}

#[test]
fn a_message_keeps_its_group_through_the_offline_queue_and_a_refused_send() {
    let mut r = run(|c| {
        c.message_template = CYCLING.into();
        c.group_pointer = "/agent".into();
        c.reconnect_enabled = false;
    });
    // Not connected: three go to the queue, rendered (and grouped) now, sent later.
    r.start(0.0);
    let socket = opens(&cmds(&mut r))[0].1;
    r.send_one(S0, 1.0);
    r.send_one(S0, 1.0);
    assert_eq!(
        r.breakdown()
            .unwrap()
            .groups
            .iter()
            .map(|g| g.sent)
            .sum::<u64>(),
        0
    );
    r.on_open(S0, socket, 5.0);
    let sent = sends(&cmds(&mut r));
    assert_eq!(sent.len(), 2);
    let key = id_of(&sent[1].1).parse::<u64>().unwrap();
    // The browser refuses the second: taken back from its group too.
    r.on_unsent(S0, socket, key, "closing", 6.0);
    echo(&mut r, S0, socket, &reply(&id_of(&sent[0].1)), 9.0);
    assert_eq!(
        agents(&r),
        [
            ("Financial Advisor".into(), 1, 1, 0, 0, Some(4.0)),
            ("Error Handler".into(), 0, 0, 0, 0, None),
        ]
    );
}

#[test]
fn a_message_back_in_the_queue_after_a_close_counts_once_in_its_row() {
    let mut r = run(|c| {
        c.message_template = CYCLING.into();
        c.group_pointer = "/agent".into();
    });
    let g = connected(&mut r, 0.0);
    cmds(&mut r);
    r.send_one(S0, 1.0);
    let sent = sends(&cmds(&mut r));
    let key = id_of(&sent[0].1).parse::<u64>().unwrap();
    // The socket had closed in the worker before the frame reached it: back to the queue.
    r.on_closed_before_send(key, Frame::Text(sent[0].1.clone()), 2.0);
    assert_eq!(
        agents(&r)[0],
        ("Financial Advisor".into(), 0, 0, 0, 0, None)
    );
    r.on_close(S0, g[0], 1006, "", 3.0);
    r.tick(1003.0);
    let reopened = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, reopened, 1004.0);
    let again = sends(&cmds(&mut r));
    assert_eq!(
        again.len(),
        1,
        "the queued message goes out with the new socket"
    );
    echo(&mut r, S0, reopened, &reply(&id_of(&again[0].1)), 1010.0);
    assert_eq!(
        agents(&r),
        [("Financial Advisor".into(), 1, 1, 0, 0, Some(6.0))]
    );
}

#[test]
fn a_value_holding_a_token_handed_over_later_is_redacted() {
    let mut r = run(|c| {
        c.message_template = r#"{"id":"{{id}}","agent":"for later-token-77"}"#.into();
        c.group_pointer = "/agent".into();
    });
    connected(&mut r, 0.0);
    r.send_one(S0, 1.0);
    cmds(&mut r);
    assert_eq!(agents(&r)[0].0, "for later-token-77");
    r.set_token("later-token-77".into(), 2.0);
    let shown = &r.breakdown().unwrap().groups[0].value;
    assert!(!shown.contains("later-token"), "{shown}");
    assert!(!r.report(3.0).to_json().contains("later-token-77"));
}
