//! P1 burst: 15 sockets each send K messages at once; time from the first send until every
//! reply is in (and, for the console, counted), frames painted meanwhile, the longest task,
//! and exact counters.
//!
//! Both pages are timed by the same in-page probe (`bench/probe.js`): the reference marks the
//! start just before its send loop, the console at the click on its Burst button (capture
//! phase, before the console's own handler). The console's end is confirmed by its report
//! (`matched + lost` reaching 15 × K), so replies it has not yet booked do not count as in.
//! K = 400 takes half a second, so it runs five times per page, alternating pages.

use crate::site::{REPORT_FN, Res, Site, num};
use crate::table::{Row, int, ms};
use serde_json::{Value, json};
use std::time::Duration;

const SESSIONS: u64 = 15;

/// One page's figures.
struct Side {
    per_s: f64,
    elapsed_ms: f64,
    matched: f64,
    lost: f64,
    send_errors: f64,
    fps: f64,
    /// The longest task (longtask entries; 0 = none over 50 ms), or the longest frame gap
    /// where the longtask API is missing.
    longest_ms: f64,
    max_gap_ms: f64,
    longtask_api: bool,
}

impl Side {
    fn new(probe: &Value, elapsed_ms: f64, matched: f64, lost: f64, send_errors: f64) -> Side {
        let longtask_api = probe["longtaskSupported"] == json!(true);
        let max_gap_ms = num(probe, "/maxGap").unwrap_or(f64::NAN);
        Side {
            per_s: matched * 1000.0 / elapsed_ms,
            elapsed_ms,
            matched,
            lost,
            send_errors,
            fps: num(probe, "/fps").unwrap_or(f64::NAN),
            longest_ms: if longtask_api {
                num(probe, "/longestTask").unwrap_or(f64::NAN)
            } else {
                max_gap_ms
            },
            max_gap_ms,
            longtask_api,
        }
    }

    fn longest(&self) -> String {
        let task = match (self.longtask_api, self.longest_ms) {
            (true, 0.0) => "< 50 ms".to_string(),
            (_, l) => ms(l),
        };
        format!("{task} (frame gap {})", ms(self.max_gap_ms))
    }

    fn counters(&self) -> String {
        format!(
            "{} lost, {} send errors",
            int(self.lost),
            int(self.send_errors)
        )
    }

    fn json(&self) -> Value {
        json!({
            "per_s": self.per_s, "elapsed_ms": self.elapsed_ms, "matched": self.matched,
            "lost": self.lost, "send_errors": self.send_errors, "fps": self.fps,
            "longest_task_ms": self.longest_ms, "max_frame_gap_ms": self.max_gap_ms,
            "longtask_api": self.longtask_api,
        })
    }
}

/// Runs of the short burst per page, alternating pages, so one noisy moment does not decide.
const RUNS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A page's runs as one figure: medians for rates, the worst for tasks and counters.
fn combine(runs: &[Res<Side>]) -> Res<Side> {
    let ok: Vec<&Side> = runs
        .iter()
        .map(|r| r.as_ref().map_err(Clone::clone))
        .collect::<Res<_>>()?;
    let med = |f: fn(&Side) -> f64| median(ok.iter().map(|s| f(s)).collect());
    let worst = |f: fn(&Side) -> f64| ok.iter().map(|s| f(s)).fold(f64::NAN, f64::max);
    Ok(Side {
        per_s: med(|s| s.per_s),
        elapsed_ms: med(|s| s.elapsed_ms),
        matched: -worst(|s| -s.matched),
        lost: worst(|s| s.lost),
        send_errors: worst(|s| s.send_errors),
        fps: med(|s| s.fps),
        longest_ms: worst(|s| s.longest_ms),
        max_gap_ms: worst(|s| s.max_gap_ms),
        longtask_api: ok.iter().all(|s| s.longtask_api),
    })
}

async fn reference(site: &Site, k: u64, timeout: Duration) -> Res<Side> {
    site.reference().await?;
    let connect = format!("'connect', '/ws', {SESSIONS}");
    site.reference_run("", &connect, Duration::from_secs(30))
        .await?;
    let mark = format!("window.__probe.mark('msg', {})", SESSIONS * k);
    let r = site
        .reference_run(&mark, &format!("'burst', {k}"), timeout)
        .await?;
    let probe = site.probe_done(Duration::from_secs(10)).await?;
    let field = |p: &str| num(&r, p).ok_or_else(|| format!("reference result lacks {p}: {r}"));
    Ok(Side::new(
        &probe,
        field("/elapsed_ms")?,
        field("/matched")?,
        field("/lost")?,
        field("/send_errors")?,
    ))
}

async fn console(site: &Site, k: u64, timeout: Duration) -> Res<Side> {
    let config = json!({
        "endpoint": "/ws", "sessions": SESSIONS.to_string(), "auto_send": false,
        "heartbeat_enabled": false,
        // The reference has no reply timeout; 15 × 10,000 replies take tens of seconds.
        "reply_timeout_ms": "120000",
    });
    site.console(&config).await?;
    site.js("window.wsConsole.start(); return null").await?;
    site.console_active(SESSIONS).await?;
    site.page.fill("burst-count", &k.to_string()).await;
    let total = SESSIONS * k;
    let arm = format!(
        "{REPORT_FN} window.__probe.armClick('[data-testid=\"burst\"]', 'msg', {total}, () => {{ const c = report().totals.counters; return c.matched + c.lost >= {total}; }}); return null"
    );
    site.js(&arm).await?;
    site.page.click("burst").await;
    let probe = site.probe_done(timeout).await;
    let report = site.report().await?;
    site.js("window.wsConsole.stop(); return null").await?;
    let probe = probe.map_err(|e| {
        let c = &report["totals"]["counters"];
        format!("{e}; console counters: {c}")
    })?;
    let elapsed = num(&probe, "/doneAt").unwrap_or(f64::NAN) - num(&probe, "/t0").unwrap_or(0.0);
    let counter = |p: &str| num(&report, &format!("/totals/counters{p}")).unwrap_or(f64::NAN);
    Ok(Side::new(
        &probe,
        elapsed,
        counter("/matched"),
        counter("/lost"),
        counter("/client_errors"),
    ))
}

fn figure<T>(side: &Res<Side>, f: impl Fn(&Side) -> T) -> String
where
    T: ToString,
{
    side.as_ref()
        .map_or_else(|_| "error".into(), |s| f(s).to_string())
}

/// Runs the burst with K messages per socket on both pages; the rows for its targets.
pub async fn run(site: &Site, k: u64) -> Vec<Row> {
    let timeout = Duration::from_secs(if k > 1000 { 300 } else { 60 });
    let runs = if k > 1000 { 1 } else { RUNS };
    let (mut rs, mut cs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        rs.push(reference(site, k, timeout).await);
        cs.push(console(site, k, timeout).await);
    }
    let (r, c) = (combine(&rs), combine(&cs));
    let all = |runs: &[Res<Side>]| -> Vec<Value> {
        let each = |s: &Res<Side>| {
            s.as_ref()
                .map_or_else(|e| json!({ "error": e }), Side::json)
        };
        runs.iter().map(each).collect()
    };
    let name = format!("burst 15 × {}", int(k as f64));
    let data = json!({ "k": k, "sessions": SESSIONS, "reference": all(&rs), "console": all(&cs) });
    let note: String = [("reference", &r), ("console", &c)]
        .iter()
        .filter_map(|(who, s)| s.as_ref().err().map(|e| format!("{who}: {e}")))
        .collect::<Vec<_>>()
        .join("; ");
    let row = |what: &str, target: &str| {
        let mut row = Row::new(
            "P1",
            format!("{name} {what}").trim_end().to_string(),
            target,
        );
        row.note = note.clone();
        row.data = data.clone();
        row
    };
    let exact =
        |s: &Side| s.lost == 0.0 && s.send_errors == 0.0 && s.matched == (SESSIONS * k) as f64;
    let (median, worst) = (format!("(median of {runs})"), format!("(worst of {runs})"));
    let label = if runs > 1 { &worst } else { "" };
    let mut counters = row(&format!("counters {label}"), "0 lost, 0 send errors");
    counters.reference = figure(&r, Side::counters);
    counters.console = figure(&c, Side::counters);
    counters.pass = c.as_ref().ok().map(exact);
    if k > 1000 {
        // At K = 10,000 the target is exact counting; throughput is shown for information.
        let per_s = |s: &Side| format!("{}; {} msg/s", s.counters(), int(s.per_s));
        counters.reference = figure(&r, per_s);
        counters.console = figure(&c, per_s);
        return vec![counters];
    }
    let mut throughput = row(&format!("throughput {median}"), "≥ 0.90 × reference");
    throughput.reference = figure(&r, |s| {
        format!("{} msg/s ({})", int(s.per_s), ms(s.elapsed_ms))
    });
    throughput.console = figure(&c, |s| {
        format!("{} msg/s ({})", int(s.per_s), ms(s.elapsed_ms))
    });
    if let (Ok(r), Ok(c)) = (&r, &c) {
        throughput.ratio = Some(c.per_s / r.per_s);
        throughput.pass = Some(c.per_s >= 0.9 * r.per_s);
    }
    let mut fps = row(&format!("frames {median}"), "≥ 20 fps");
    fps.reference = figure(&r, |s| format!("{:.0} fps", s.fps));
    fps.console = figure(&c, |s| format!("{:.0} fps", s.fps));
    fps.pass = c.as_ref().ok().map(|s| s.fps >= 20.0);
    let mut task = row(&format!("longest task {worst}"), "≤ 200 ms");
    task.reference = figure(&r, Side::longest);
    task.console = figure(&c, Side::longest);
    task.pass = c.as_ref().ok().map(|s| s.longest_ms <= 200.0);
    vec![throughput, fps, task, counters]
}
