//! P6: the engine's per-message work (parse, match, record) must stay within 2 µs on the
//! host. `cargo bench -p ws-console-engine --bench per_message`.

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use support::S0;
use ws_console_engine::{Command, Frame, Generation, RawConfig, Run, RunConfig, Template, Values};

/// A connected one-session run with the defaults (heartbeat, logging of replies and all),
/// grouping RTT by `group_pointer` ("" for no breakdown, the default).
fn connected_run(group_pointer: &str) -> (Run, Generation) {
    let raw = RawConfig {
        sessions: "1".into(),
        group_pointer: group_pointer.into(),
        ..Default::default()
    };
    support::connected(RunConfig::from_raw(&raw, "http://127.0.0.1:8080").unwrap())
}

/// The test backend's answer to a `message`: a `chat_response` echoing it.
fn chat_response(sent: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(sent).unwrap();
    let id = v["id"].as_str().unwrap();
    format!(
        r#"{{"type":"chat_response","id":"{id}","request_id":"{id}","seq":{},"text":"hello","timestamp":1700000000000}}"#,
        v["seq"]
    )
}

/// What the adapter does after sending: drains the commands and reports that the browser put
/// the frames on the wire (`bufferedAmount` 0), as it would on loopback.
fn texts_sent(run: &mut Run) -> Vec<String> {
    let texts = run
        .drain_commands()
        .filter_map(|c| match c {
            Command::Send {
                frame: Frame::Text(t),
                ..
            } => Some(t),
            _ => None,
        })
        .collect();
    run.set_buffered(S0, 0);
    texts
}

fn per_message(c: &mut Criterion) {
    let mut group = c.benchmark_group("per_message");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));

    // Receive side alone: parse, classify, match, RTT histograms, rates, log entry.
    group.bench_function("on_text_match", |b| {
        b.iter_custom(|iters| {
            let (mut run, g) = connected_run("");
            let mut now = 2.0;
            let mut took = Duration::ZERO;
            let mut left = iters;
            // In windows of replies awaited (the engine holds back more than a socket's
            // window), sending untimed, then timing only the replies.
            while left > 0 {
                let n = left.min(256);
                left -= n;
                let mut replies = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    run.send_one(S0, now);
                    replies.extend(texts_sent(&mut run).iter().map(|t| chat_response(t)));
                    now += 0.001;
                }
                assert_eq!(replies.len() as u64, n, "every message was sent");
                let start = Instant::now();
                for r in &replies {
                    now += 0.001;
                    run.on_text(S0, g, black_box(r), now);
                }
                took += start.elapsed();
            }
            assert!(run.invariant_holds());
            assert_eq!(run.counters().matched, iters);
            took
        })
    });

    // The whole loop the adapter sees per echo: render + send + receive + match; and the same
    // with RTT grouped by a field of the messages (one more read of each sent message).
    for (name, group_pointer) in [("round_trip", ""), ("round_trip_grouped", "/type")] {
        group.bench_function(name, |b| {
            let (mut run, g) = connected_run(group_pointer);
            let mut now = 2.0;
            let mut buf = Vec::new();
            b.iter(|| {
                now += 0.01;
                run.send_one(S0, now);
                buf.clear();
                buf.extend(run.drain_commands());
                run.set_buffered(S0, 0);
                if let Some(Command::Send {
                    frame: Frame::Text(t),
                    ..
                }) = buf.first()
                {
                    run.on_text(S0, g, black_box(t), now + 0.4);
                } else {
                    panic!("every round trip sends");
                }
            });
            assert_eq!(run.breakdown().is_some(), !group_pointer.is_empty());
        });
    }

    // Rendering the default template.
    let template = Template::parse(ws_console_engine::DEFAULT_TEMPLATE).unwrap();
    let mut id = 0;
    group.bench_function("render_template", |b| {
        b.iter(|| {
            id += 1;
            black_box(template.render(&Values {
                id,
                seq: id,
                session: 3,
                ts: 1_700_000_000_000 + id as i64,
            }))
        })
    });
    group.finish();
}

criterion_group!(benches, per_message);
criterion_main!(benches);
