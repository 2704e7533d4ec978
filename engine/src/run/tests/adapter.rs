//! What the adapter reports beyond the wire: refused sockets, refused and bounced frames, ids, oversized frames.

use super::*;

#[test]
fn a_socket_the_browser_refused_to_create_ends_in_error_and_is_the_consoles() {
    let mut r = run(|c| c.sessions = "2".into());
    r.start(0.0);
    let o = opens(&cmds(&mut r));
    r.on_open_refused(S0, o[0].1, "The port 6000 is not allowed.", 1.0);
    assert!(matches!(
        state(&r, S0, 1.0),
        SessionState::Error { reason } if reason.contains("the browser refused to open the socket: The port 6000")
    ));
    // Not retried, not a connect failure, no waiting for the connect timeout.
    r.tick(60_000.0);
    assert!(opens(&cmds(&mut r)).iter().all(|(s, ..)| *s != S0));
    let v = r.session(S0, 60_000.0).unwrap();
    assert_eq!(
        (
            v.counters.client_errors,
            v.counters.connect_failures,
            v.counters.connect_attempts
        ),
        (1, 0, 0)
    );
    // A stale refusal for a retired socket changes nothing.
    r.on_open_refused(S1, Generation(99), "late", 2.0);
    assert_eq!(r.counters().client_errors, 1);
}

#[test]
fn ids_start_at_a_random_offset_so_a_servers_small_ids_never_match() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    r.send_one(S0, 0.0);
    let sent: Vec<String> = sends(&cmds(&mut r)).into_iter().map(|s| s.1).collect();
    let first: u64 = id_of(&sent[0]).parse().unwrap();
    assert!((1_000_000_000..9_000_000_000).contains(&first), "{first}");
    assert_eq!(id_of(&sent[1]).parse::<u64>().unwrap(), first + 1);
    // A server push with its own small numeric id, as number or string: a look-alike,
    // unsolicited, never a match.
    echo(&mut r, S0, g, r#"{"type":"chat_response","id":1}"#, 1.0);
    echo(&mut r, S0, g, &reply("2"), 1.0);
    let c = r.counters();
    assert_eq!((c.matched, c.unsolicited, c.pending), (0, 2, 2));
    // Another run starts elsewhere.
    let mut other = Run::new(config(|_| {}), 2);
    connected(&mut other, 0.0);
    other.send_one(S0, 0.0);
    let second: u64 = id_of(&sends(&cmds(&mut other))[0].1).parse().unwrap();
    assert_ne!(first, second);
}

#[test]
fn a_frame_over_the_cap_is_counted_with_its_size_and_only_a_prefix_is_kept() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    let id = send_id(&mut r, 0.0);
    // A 16 MB reply whose id comes first: still matched, counted as oversized.
    let big = format!(
        r#"{{"type":"chat_response","id":"{id}","data":"{}"}}"#,
        "x".repeat(16 << 20)
    );
    r.on_text(S0, g, &big, 5.0);
    // A 2 MB binary frame, and a 3 MB text frame with no id.
    r.on_binary_data(S0, g, &vec![7u8; 2 << 20], 6.0);
    r.on_text(S0, g, &"y".repeat(3 << 20), 7.0);
    let c = r.counters();
    assert_eq!((c.matched, c.lost, c.oversized, c.received), (1, 0, 3, 3));
    assert_eq!(c.bytes_in as usize, big.len() + (2 << 20) + (3 << 20));
    // The adapter's path: the id read by the browser, the id nowhere in the prefix (a
    // server that writes its keys in alphabetical order puts a huge "echo" first).
    let id = send_id(&mut r, 8.0);
    let frame = crate::OversizedFrame {
        prefix: br#"{"echo":{"data":"xxxx"#,
        size: 5 << 20,
        binary: false,
        id: Some(&id),
    };
    r.on_oversized(S0, g, frame, 9.0);
    assert_eq!((r.counters().matched, r.counters().oversized), (2, 4));
    // Nothing of the frames beyond the kept prefixes is held.
    let limit = r.config().limits.frame_bytes;
    assert!(r.frames().all(|f| f.payload.len() <= limit));
    let sizes: Vec<usize> = r
        .frames()
        .filter(|f| f.direction == Direction::Receive)
        .map(|f| f.len)
        .collect();
    assert_eq!(
        sizes,
        [big.len(), 2 << 20, 3 << 20, 5 << 20],
        "captured with their sizes"
    );
    let f = LogFilter {
        text: "over the 1048576-byte cap".into(),
        ..Default::default()
    };
    assert_eq!(r.log().filtered(&f).count(), 4);
    assert!(r.invariant_holds());
}
