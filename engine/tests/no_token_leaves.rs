//! No token leaves (R3), driven through the engine's public API as the adapter drives it:
//! whatever a server sends back — the token cut by a length limit, inside a binary frame that
//! is not UTF-8, JSON-escaped — no log entry, captured frame or export shows any of it.

mod support;

use support::S0;
use ws_console_engine::{Frame, Generation, RawConfig, Run, RunConfig};

const ORIGIN: &str = "http://127.0.0.1:8080";
/// Distinctive, with a `/` so that JSON and URL spellings differ from the raw one.
const TOKEN: &str = "Zq9/t0ken-7731-abcdef";

/// Session 0 open, with the token set, nothing sent by itself and `f` applied to the
/// configuration.
fn connected(f: impl FnOnce(&mut RunConfig)) -> (Run, Generation) {
    let raw = RawConfig {
        sessions: "1".into(),
        auto_send: false,
        heartbeat_enabled: false,
        token: TOKEN.into(),
        ..Default::default()
    };
    let mut cfg = RunConfig::from_raw(&raw, ORIGIN).expect("valid configuration");
    f(&mut cfg);
    support::connected(cfg)
}

/// Every place a run shows or exports text.
fn everything(run: &Run) -> String {
    let mut all = run.export_log();
    for e in run.log().entries() {
        all.push_str(&e.text);
    }
    all.push_str(&run.har());
    all.push_str(&run.report(10.0).to_json());
    for f in run.frames() {
        match &f.payload {
            Frame::Text(t) => all.push_str(t),
            Frame::Binary(b) => all.push_str(&String::from_utf8_lossy(b)),
        }
    }
    all
}

/// The token's first four characters: what a cut through it would leave.
fn prefix() -> &'static str {
    &TOKEN[..4]
}

#[test]
fn a_token_crossing_the_log_cut_shows_none_of_its_characters() {
    let (mut run, g) = connected(|c| c.limits.log_text = 200);
    let text = |offset: usize| format!("{}{TOKEN}{}", "x".repeat(offset), "y".repeat(300));
    for offset in 170..200 {
        run.on_text(S0, g, &text(offset), 1.0);
    }
    // Close reasons are cut at 200 bytes too (the socket is gone after the first close).
    run.on_close(S0, g, 4000, &text(190), 2.0);
    for e in run.log().entries() {
        assert!(!e.text.contains(prefix()), "{}", e.text);
    }
    assert!(!run.export_log().contains(prefix()));
    let reason = run.report(3.0).to_json();
    assert!(!reason.contains(prefix()), "close reasons are cut too");
}

#[test]
fn a_token_crossing_the_frame_cut_shows_none_of_its_characters() {
    let (mut run, g) = connected(|c| c.limits.frame_bytes = 64);
    for offset in 40..64 {
        let text = format!("{}{TOKEN}", "x".repeat(offset));
        run.on_text(S0, g, &text, 1.0);
        let mut bytes = vec![0xff; offset];
        bytes.extend_from_slice(TOKEN.as_bytes());
        run.on_binary_data(S0, g, &bytes, 1.0);
    }
    assert!(!everything(&run).contains(prefix()));
    let har = run.har();
    for f in har_binary_frames(&har) {
        assert!(!contains(&f, prefix().as_bytes()), "{f:?}");
    }
}

#[test]
fn binary_frames_that_are_not_utf8_are_redacted_in_the_har() {
    let (mut run, g) = connected(|_| {});
    let mut bytes = vec![0x00, 0xff, 0xfe];
    bytes.extend_from_slice(TOKEN.as_bytes());
    bytes.extend_from_slice(&[0x80, 0x81]);
    run.on_binary_data(S0, g, &bytes, 1.0);
    let frame = run.frames().last().expect("captured");
    let Frame::Binary(kept) = &frame.payload else {
        panic!("a binary frame");
    };
    assert!(!contains(kept, TOKEN.as_bytes()), "{kept:?}");
    let har = har_binary_frames(&run.har());
    assert_eq!(har.len(), 1);
    assert!(!contains(&har[0], TOKEN.as_bytes()), "{:?}", har[0]);
    assert!(contains(&har[0], b"[redacted]"));
}

#[test]
fn json_escaped_tokens_are_redacted_everywhere() {
    let (mut run, g) = connected(|_| {});
    let slash = TOKEN.replace('/', "\\/");
    let unicode: String = TOKEN
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    for spelling in [&slash, &unicode] {
        run.on_text(
            S0,
            g,
            &format!(r#"{{"type":"message","echo":"{spelling}"}}"#),
            1.0,
        );
        let mut bytes = vec![0xff];
        bytes.extend_from_slice(spelling.as_bytes());
        run.on_binary_data(S0, g, &bytes, 1.0);
    }
    run.on_close(S0, g, 1008, &format!("bad token {slash}"), 2.0);
    let all = everything(&run);
    for spelling in [TOKEN, &slash, &unicode] {
        assert!(!all.contains(spelling), "{spelling} leaked");
    }
    for f in har_binary_frames(&run.har()) {
        assert!(!contains(&f, slash.as_bytes()) && !contains(&f, unicode.as_bytes()));
    }
}

#[test]
fn the_log_export_redacts_a_token_the_run_learnt_after_logging_it() {
    let (mut run, g) = connected(|_| {});
    // A token-refresh reply names the next token before anyone applies it.
    run.on_text(S0, g, r#"{"type":"message","next":"n3xt-t0ken-55"}"#, 1.0);
    run.set_token("n3xt-t0ken-55".into(), 2.0);
    assert!(!run.export_log().contains("n3xt-t0ken-55"));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The decoded data of every binary (opcode 2) frame in a HAR document.
fn har_binary_frames(har: &str) -> Vec<Vec<u8>> {
    let v: serde_json::Value = serde_json::from_str(har).expect("HAR is JSON");
    let mut out = Vec::new();
    for entry in v["log"]["entries"].as_array().into_iter().flatten() {
        for m in entry["_webSocketMessages"].as_array().into_iter().flatten() {
            if m["opcode"] == 2 {
                out.push(base64_decode(m["data"].as_str().expect("data")));
            }
        }
    }
    out
}

fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
