//! After `unmount()`, nothing of an embedded console runs on: seen from the page, by a probe
//! (`probe.js`) that wraps timers, animation frames, event listeners, workers and blob URLs
//! before the console is mounted, and from the server, by its open sockets and handshakes.
//! The probe first has to see the running console's timer, page listeners (visibilitychange,
//! online, pageshow), socket worker and blob URL, so it is shown able to see them left behind.

use crate::host::{self, Demo};
use serde_json::Value;
use std::time::Duration;
use ws_console_e2e::{LONG, holds_for, stat, wait_for};

const PROBE: &str = include_str!("probe.js");

/// Mounts a console into a new element of the app page as a host's script would: through
/// `embed.js`, the host's token endpoint as its provider; the handle goes to `window.probed`.
const MOUNT: &str = r#"
const app = document.getElementById('app');
import('/ws-console/embed.js')
  .then(({ mount }) => {
    const el = document.createElement('section');
    el.id = 'probed';
    app.append(el);
    const getToken = async () => (await (await fetch('/demo/api/token')).json()).token;
    const config = { endpoint: '/api/v1/pam/ws/{user_id}?token={token}', auth_mode: 'query', user_id: app.dataset.user };
    return mount(el, { config, getToken });
  })
  .then((h) => { window.probed = h; done(null); }, (e) => done(String(e)));
"#;

async fn probe(demo: &Demo) -> Value {
    demo.eval("return __wscProbe.state()").await
}

fn count(v: &Value) -> usize {
    v.as_array().map_or(usize::MAX, Vec::len)
}

#[tokio::test]
async fn after_unmount_no_timer_listener_worker_or_socket_of_the_console_is_left() {
    host::run(host::options(300, false), |demo: Demo| async move {
        demo.log_in().await;
        demo.open_app("").await;
        // The host's own console goes first, never started: from here on the page's only
        // console is the one mounted under the probe, so whatever runs later is that one's.
        demo.eval("demoApp.consoles[0].unmount(); return null")
            .await;
        let baseline = stat(&demo.stats().await, "/totals/open");
        demo.eval(PROBE).await;
        let mounted = demo.eval_async(MOUNT).await;
        assert!(mounted.is_null(), "mount failed: {mounted}");
        demo.eval(
            "window.outcome = null;
             probed.runScenario('load', {sessions: '3', interval_ms: '100', duration_s: '120'})
               .then((r) => outcome = {report: r}, (e) => outcome = {error: String(e.message)});
             return null",
        )
        .await;
        demo.wait_open(baseline + 3).await;
        wait_for("replies through the socket worker", LONG, || async {
            let r = demo.eval("return probed.report()").await;
            (stat(&r, "/totals/counters/received") > 10).then_some(())
        })
        .await;
        let running = probe(&demo).await;
        assert_eq!(running["workers"], 1, "one socket worker: {running:#}");
        assert_eq!(running["terminated"], 0, "{running:#}");
        assert_eq!(running["blobs"], 1, "the worker's script: {running:#}");
        assert!(
            count(&running["timers"]) >= 1,
            "the run's timer: {running:#}"
        );
        let listening = running["listeners"].as_array().expect("a list");
        for wake_up in [
            "document:visibilitychange",
            "window:online",
            "window:pageshow",
        ] {
            assert!(
                listening.contains(&Value::from(wake_up)),
                "{wake_up}: {running:#}"
            );
        }
        let before = demo.handshakes().await;

        demo.eval("probed.unmount(); __wscProbe.mark(); return null")
            .await;
        assert_eq!(
            demo.eval("return document.getElementById('probed').childElementCount")
                .await,
            0,
            "the console left its element"
        );
        let gone = wait_for(
            "the console's resources to go",
            Duration::from_secs(5),
            || async {
                let s = probe(&demo).await;
                let gone = count(&s["timers"]) == 0
                    && count(&s["frames"]) == 0
                    && count(&s["listeners"]) == 0
                    && s["terminated"] == 1
                    && s["blobs"] == 0;
                gone.then_some(s)
            },
        )
        .await;
        assert_eq!(gone["workers"], 1, "{gone:#}");
        demo.wait_open(baseline).await;
        // Unmounting stops the run as Stop does: the scenario in flight ends, cancelled, and
        // its promise settles with that final report rather than hanging.
        let outcome = wait_for("the scenario's promise to settle", LONG, || async {
            let o = demo.eval("return window.outcome").await;
            (!o.is_null()).then_some(o)
        })
        .await;
        assert_eq!(outcome["report"]["status"], "cancelled", "{outcome}");
        // Every call on the handle says so, and none of them starts anything again.
        demo.assert_unmounted("probed").await;
        // Longer than every period the console keeps (its 50 ms timer, 200–300 ms repaints,
        // 1 s heap samples, the reconnect schedule's first steps).
        holds_for(
            "nothing of the console runs",
            Duration::from_secs(3),
            || async {
                let s = probe(&demo).await;
                let open = stat(&demo.stats().await, "/totals/open");
                let seen = demo.handshakes().await;
                let quiet = count(&s["ran"]) == 0
                    && count(&s["timers"]) == 0
                    && count(&s["frames"]) == 0
                    && count(&s["listeners"]) == 0
                    && s["workers"] == 1
                    && s["blobs"] == 0;
                if quiet && open == baseline && seen == before {
                    Ok(())
                } else {
                    Err(format!(
                        "{open} open (of {baseline}), {seen} handshakes (of {before}): {s:#}"
                    ))
                }
            },
        )
        .await;
        demo
    })
    .await;
}
