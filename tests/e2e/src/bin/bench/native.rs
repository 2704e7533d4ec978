//! The network floor (SPEC "Performance targets": "plus a native Rust client for the network
//! floor"): one socket from a native client (tokio-tungstenite) to the same test backend, with
//! no browser in the path, at both of rtt1's loads: one message in flight, and one every 10 ms.
//!
//! Why: rtt1 as SPEC words it holds the console, sending every 10 ms, to the reference's hot loop
//! with one message in flight. The two rows here show what the cadence alone costs on the
//! machine, where no browser and no console is involved: after 10 ms of quiet, the server's and
//! the kernel's threads wake from a deeper idle than between back-to-back echoes. Recorded, not
//! judged: the SPEC sets no target for the floor.

use crate::site::{Res, Site};
use crate::table::{Row, int, ms};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use std::time::Duration;
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::Message;

/// How long each load runs: rtt1's window.
const WINDOW: Duration = Duration::from_secs(10);
/// rtt1's console cadence.
const CADENCE: Duration = Duration::from_millis(10);
/// The longest wait for any one reply before the load is given up.
const REPLY_WAIT: Duration = Duration::from_secs(5);

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The console's default template, as the reference page sends it.
fn message(id: u64) -> String {
    format!(r#"{{"type":"message","id":"{id}","seq":{id},"session":0,"ts":0,"text":"hello"}}"#)
}

/// Reads until the reply to `id` (the welcome and anything else are skipped).
async fn reply_to(ws: &mut Socket, id: &str) -> Res<Instant> {
    loop {
        let frame = timeout(REPLY_WAIT, ws.next())
            .await
            .map_err(|_| format!("no reply to {id} within {REPLY_WAIT:?}"))?
            .ok_or("the socket closed")?
            .map_err(|e| format!("the socket failed: {e}"))?;
        let at = Instant::now();
        if let Message::Text(text) = frame {
            let v: serde_json::Value = serde_json::from_str(text.as_str()).unwrap_or_default();
            if v["id"] == id {
                return Ok(at);
            }
        }
    }
}

/// p50 and p99 of the samples (ms), as the reference page takes them (nearest rank).
fn percentiles(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((q * samples.len() as f64).ceil() as usize).max(1) - 1];
    (at(0.5), at(0.99))
}

/// One load over `WINDOW`: `every` = None keeps one message in flight.
async fn load(site: &Site, every: Option<Duration>) -> Res<Vec<f64>> {
    let url = format!("{}/ws", site.origin.replacen("http", "ws", 1));
    let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .map_err(|e| format!("cannot connect to {url}: {e}"))?;
    let mut samples = Vec::new();
    let start = Instant::now();
    let mut due = start;
    let mut id = 0u64;
    while due - start < WINDOW {
        if let Some(every) = every {
            sleep_until(due).await;
            due += every;
        } else {
            due = Instant::now();
        }
        id += 1;
        let text = message(id);
        let sent = Instant::now();
        ws.send(Message::text(text))
            .await
            .map_err(|e| format!("send failed: {e}"))?;
        let got = reply_to(&mut ws, &id.to_string()).await?;
        samples.push((got - sent).as_secs_f64() * 1000.0);
    }
    let _ = ws.close(None).await;
    Ok(samples)
}

/// The two floor rows: one in flight, and every 10 ms.
pub async fn run(site: &Site) -> Vec<Row> {
    let mut rows = Vec::new();
    for (label, every) in [("one in flight", None), ("every 10 ms", Some(CADENCE))] {
        let mut row =
            Row::informational("P2", format!("native client floor, {label}, RTT p50 / p99"));
        match load(site, every).await {
            Ok(samples) => {
                let count = samples.len();
                let (p50, p99) = percentiles(samples);
                row.reference = format!("{} / {}", ms(p50), ms(p99));
                row.note = format!(
                    "one socket from a native client (tokio-tungstenite) to the same backend, {} samples over {} s",
                    int(count as f64),
                    WINDOW.as_secs()
                );
                row.data = json!({ "p50_ms": p50, "p99_ms": p99, "count": count });
            }
            Err(e) => {
                row.console = "error".into();
                row.note = e;
            }
        }
        rows.push(row);
    }
    rows
}
