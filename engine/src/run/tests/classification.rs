//! Classifying what arrives, and the log (F5, F11).

use super::*;

#[test]
fn chatter_counted_not_logged_unless_asked() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    let before = r.log().len();
    echo(
        &mut r,
        S0,
        g,
        r#"{"type":"connected","authenticated":true}"#,
        1.0,
    );
    echo(&mut r, S0, g, r#"{"type":"visual_action","id":"x"}"#, 1.0);
    assert_eq!(r.log().len(), before);
    let c = r.counters();
    assert_eq!((c.noise, c.received, c.unsolicited), (2, 2, 0));
    let mut r = run(|c| c.log_noise = true);
    let g = connected(&mut r, 0.0)[0];
    let before = r.log().len();
    echo(&mut r, S0, g, r#"{"type":"connected"}"#, 1.0);
    assert_eq!(r.log().len(), before + 1);
}

#[test]
fn server_errors_and_non_json_are_counted_and_logged() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    echo(
        &mut r,
        S0,
        g,
        r#"{"type":"error","code":"malformed_json"}"#,
        1.0,
    );
    echo(&mut r, S0, g, "<img src=x onerror=alert(1)>", 2.0);
    let c = r.counters();
    assert_eq!((c.errors.server, c.errors.parse), (1, 1));
    let last = r.log().entries().last().unwrap();
    assert_eq!(last.text, "<img src=x onerror=alert(1)>");
    assert_eq!(last.level, LogLevel::Warn);
}

#[test]
fn raw_text_template_replies_are_not_parse_errors() {
    let mut r = run(|c| c.message_template = "hello {{seq}}".into());
    let g = connected(&mut r, 0.0)[0];
    echo(&mut r, S0, g, "hello 1", 1.0);
    assert_eq!(r.counters().errors.parse, 0);
}

#[test]
fn huge_messages_are_clipped_in_the_log() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    let big = format!(r#"{{"type":"message","text":"{}"}}"#, "x".repeat(2_000_000));
    echo(&mut r, S0, g, &big, 1.0);
    let last = r.log().entries().last().unwrap();
    assert!(last.text.len() < 1100);
    assert_eq!(r.counters().bytes_in, big.len() as u64);
}

#[test]
fn log_is_bounded_by_config() {
    let mut r = run(|c| c.log_capacity = "100".into());
    let g = connected(&mut r, 0.0)[0];
    for i in 0..1000 {
        echo(&mut r, S0, g, r#"{"type":"message"}"#, i as f64);
    }
    assert_eq!(r.log().len(), 100);
    assert!(r.log().evicted() > 0);
}
