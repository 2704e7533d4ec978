//! The command line: which scenario, against what, and where the results go.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use ws_console_engine::{AuthMode, ScenarioKind};

pub const USAGE: &str = r#"usage: runner --scenario <kind> [--endpoint <url>] [--user-id <id>]
              [--auth-mode query|subprotocol|first-message|cookie] [--config <json>]
              [--param <name>=<value>]... [--json <file>] [--junit <file>]
              [--console-addr <ip:port>] [--dist <dir>] [--timeout <seconds>]
              [--console-url <url> [--handle <js expression>]] [--progress <seconds>]
              [--fail-on fail|warn]

  Runs one scenario in the real console (headless Chromium) and exits 0 when its verdict
  is PASS or WARN, 1 on FAIL, 2 when it could not run; with --fail-on warn a WARN exits 1
  too (default: --fail-on fail). The token comes from WSC_TOKEN.
  Scenarios: load, soak, reliability, recovery, memory-leak, ramp-up, broadcast, auth,
  capacity.
  Parameters are the scenario form's fields, e.g. sessions=5 interval=1000 duration=60
  (durations in seconds, intervals in ms). --config takes the console's configuration as
  JSON (what a share link's ?wsc= holds, e.g. {"reply_timeout_ms":"2000"}); --endpoint,
  --user-id and --auth-mode override it.
  --console-url drives a console already served at <url> (a standalone page, or one a host
  app embeds) instead of serving dist/; it keeps that page's configuration, so it takes none
  of --endpoint, --user-id, --auth-mode, --config, --dist, --console-addr. --handle names the
  console's JS handle on that page (default window.wsConsole, the standalone page's). A page
  behind a login gets its session cookie from WSC_COOKIE ("name=value; name2=value2").
  A progress line goes to stderr every --progress seconds (default 5; 0: none)."#;

/// The standalone page's handle (SPEC, automation interface).
pub const DEFAULT_HANDLE: &str = "window.wsConsole";

/// The verdict from which the run fails the build (`--fail-on`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FailOn {
    /// Only FAIL: a warning band does not break a build, as in the JUnit export.
    #[default]
    Fail,
    /// WARN as well, for a pipeline that treats a warning, or too few samples to judge, as
    /// a failure.
    Warn,
}

impl FailOn {
    fn parse(v: &str) -> Result<FailOn, String> {
        match v {
            "fail" => Ok(FailOn::Fail),
            "warn" => Ok(FailOn::Warn),
            _ => Err(format!("--fail-on wants fail or warn, got {v:?}")),
        }
    }
}

/// What to run.
#[derive(Debug, PartialEq)]
pub struct Args {
    pub scenario: ScenarioKind,
    /// The endpoint template; by default `/ws`, the console's own backend.
    pub endpoint: Option<String>,
    pub user_id: Option<String>,
    pub auth_mode: Option<AuthMode>,
    /// The configuration as JSON (a share link's `wsc=`), under the flags above.
    pub config: Option<String>,
    /// `(data-testid, value)` of the scenario form's fields.
    pub params: Vec<(String, String)>,
    pub json: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    /// Where the console is served (a backend whose WebSockets check `Origin` must allow
    /// `http://<this>`).
    pub console_addr: SocketAddr,
    pub dist: Option<PathBuf>,
    pub timeout: Duration,
    /// A console already served (`--console-url`): the runner serves none.
    pub console_url: Option<String>,
    /// The JavaScript expression that yields the console's handle on the page.
    pub handle: String,
    /// How often a progress line goes to stderr; zero for never.
    pub progress: Duration,
    /// Whether a WARN verdict fails the run.
    pub fail_on: FailOn,
}

pub fn parse(args: &[String]) -> Result<Args, String> {
    let mut scenario = None;
    let mut out = Args {
        scenario: ScenarioKind::Load,
        endpoint: None,
        user_id: None,
        auth_mode: None,
        config: None,
        params: Vec::new(),
        json: None,
        junit: None,
        console_addr: "127.0.0.1:0".parse().expect("an address"),
        dist: None,
        timeout: Duration::from_secs(3600),
        console_url: None,
        handle: DEFAULT_HANDLE.to_owned(),
        progress: Duration::from_secs(5),
        fail_on: FailOn::Fail,
    };
    // The flags that shape the console the runner serves itself.
    let mut serving = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        if matches!(
            flag.as_str(),
            "--endpoint" | "--user-id" | "--auth-mode" | "--config" | "--dist" | "--console-addr"
        ) {
            serving.push(flag.as_str());
        }
        match flag.as_str() {
            "--scenario" => {
                let v = value()?;
                scenario = Some(
                    ScenarioKind::from_name(&v).ok_or_else(|| format!("unknown scenario {v:?}"))?,
                );
            }
            "--endpoint" => out.endpoint = Some(value()?),
            "--user-id" => out.user_id = Some(value()?),
            "--config" => out.config = Some(value()?),
            "--auth-mode" => {
                let v = value()?;
                out.auth_mode = Some(
                    AuthMode::ALL
                        .into_iter()
                        .find(|m| m.as_str() == v)
                        .ok_or_else(|| format!("unknown auth mode {v:?}"))?,
                );
            }
            "--param" => {
                let v = value()?;
                let (k, val) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--param wants name=value, got {v:?}"))?;
                out.params.push((format!("scenario-{k}"), val.to_owned()));
            }
            "--json" => out.json = Some(value()?.into()),
            "--junit" => out.junit = Some(value()?.into()),
            "--console-addr" => {
                let v = value()?;
                out.console_addr = v.parse().map_err(|_| format!("not an ip:port: {v:?}"))?;
            }
            "--dist" => out.dist = Some(value()?.into()),
            "--timeout" => out.timeout = seconds(&value()?)?,
            "--progress" => out.progress = seconds(&value()?)?,
            "--fail-on" => out.fail_on = FailOn::parse(&value()?)?,
            "--console-url" => {
                let v = value()?;
                if !(v.starts_with("http://") || v.starts_with("https://")) {
                    return Err(format!("--console-url wants an http(s) URL, got {v:?}"));
                }
                out.console_url = Some(v);
            }
            "--handle" => {
                let v = value()?;
                if v.trim().is_empty() {
                    return Err("--handle wants a JavaScript expression".into());
                }
                out.handle = v;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    out.scenario = scenario.ok_or("--scenario is required")?;
    if out.console_url.is_some() && !serving.is_empty() {
        return Err(format!(
            "with --console-url the page's console keeps its own configuration (a standalone \
             page takes a share link's ?wsc= in its URL), so {} cannot be used",
            serving.join(", ")
        ));
    }
    let fields: Vec<&str> = out.scenario.fields().iter().map(|f| f.as_str()).collect();
    if let Some((k, _)) = out
        .params
        .iter()
        .find(|(k, _)| !fields.contains(&k.as_str()))
    {
        let names: Vec<&str> = fields.iter().map(|f| &f["scenario-".len()..]).collect();
        return Err(format!(
            "{} has no parameter {:?}; it has {}",
            out.scenario.as_str(),
            &k["scenario-".len()..],
            names.join(", ")
        ));
    }
    Ok(out)
}

fn seconds(v: &str) -> Result<Duration, String> {
    v.parse()
        .map(Duration::from_secs)
        .map_err(|_| format!("not seconds: {v:?}"))
}

/// `WSC_COOKIE`: the page's session cookies as a `Cookie` header holds them,
/// `name=value; name2=value2`. A credential: an error never repeats it.
pub fn cookies(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.trim().to_owned()))
            }
            _ => Err("WSC_COOKIE wants name=value pairs separated by \";\"".to_owned()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn reads_a_full_command_line() {
        let a = parse(&args(
            "--scenario reliability --endpoint ws://h:1/ws --auth-mode subprotocol --param sessions=3 --param messages=10 --json r.json --junit r.xml --timeout 60",
        ))
        .unwrap();
        assert_eq!(a.scenario, ScenarioKind::Reliability);
        assert_eq!(a.endpoint.as_deref(), Some("ws://h:1/ws"));
        assert_eq!(a.auth_mode, Some(AuthMode::Subprotocol));
        assert_eq!(
            a.params,
            [
                ("scenario-sessions".to_owned(), "3".to_owned()),
                ("scenario-messages".to_owned(), "10".to_owned())
            ]
        );
        assert_eq!(a.json, Some("r.json".into()));
        assert_eq!(a.timeout, Duration::from_secs(60));
        assert_eq!(a.console_url, None);
        assert_eq!(a.handle, "window.wsConsole");
        assert_eq!(a.progress, Duration::from_secs(5));
        assert_eq!(a.fail_on, FailOn::Fail);
    }

    #[test]
    fn reads_which_verdict_fails_the_run() {
        let fail_on = |s: &str| parse(&args(&format!("--scenario load {s}"))).map(|a| a.fail_on);
        assert_eq!(fail_on(""), Ok(FailOn::Fail));
        assert_eq!(fail_on("--fail-on fail"), Ok(FailOn::Fail));
        assert_eq!(fail_on("--fail-on warn"), Ok(FailOn::Warn));
        assert_eq!(
            fail_on("--fail-on WARN"),
            Err("--fail-on wants fail or warn, got \"WARN\"".to_owned())
        );
        assert_eq!(
            fail_on("--fail-on"),
            Err("--fail-on needs a value".to_owned())
        );
    }

    #[test]
    fn reads_a_console_at_a_url_with_its_handle() {
        let a = parse(&args(
            "--scenario load --console-url http://h:1/demo/app --handle demoApp.consoles[0] --progress 2",
        ))
        .unwrap();
        assert_eq!(a.console_url.as_deref(), Some("http://h:1/demo/app"));
        assert_eq!(a.handle, "demoApp.consoles[0]");
        assert_eq!(a.progress, Duration::from_secs(2));
        assert_eq!(
            parse(&args("--scenario load --progress 0"))
                .unwrap()
                .progress,
            Duration::ZERO
        );
    }

    #[test]
    fn a_console_at_a_url_takes_no_configuration_of_the_served_one() {
        let e = parse(&args(
            "--scenario load --console-url http://h:1/ --endpoint /ws --dist d",
        ))
        .unwrap_err();
        assert!(e.ends_with("so --endpoint, --dist cannot be used"), "{e}");
        assert!(
            parse(&args("--scenario load --console-url h:1/app"))
                .unwrap_err()
                .contains("http(s) URL")
        );
    }

    #[test]
    fn reads_cookies_and_never_repeats_them() {
        assert_eq!(
            cookies("sid=abc; theme=dark;").unwrap(),
            [
                ("sid".to_owned(), "abc".to_owned()),
                ("theme".to_owned(), "dark".to_owned())
            ]
        );
        assert_eq!(cookies("").unwrap(), []);
        let e = cookies("secret-value").unwrap_err();
        assert!(!e.contains("secret-value"), "{e}");
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(
            parse(&args("--endpoint /ws")).unwrap_err(),
            "--scenario is required"
        );
        assert!(
            parse(&args("--scenario nope"))
                .unwrap_err()
                .contains("unknown scenario")
        );
        let e = parse(&args("--scenario load --param messages=3")).unwrap_err();
        assert!(
            e.contains("no parameter \"messages\"") && e.contains("sessions, interval, duration"),
            "{e}"
        );
        assert!(
            parse(&args("--scenario load --json"))
                .unwrap_err()
                .contains("needs a value")
        );
    }
}
