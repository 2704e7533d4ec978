//! The demo host's pages: plain HTML with no inline script or style (its CSP allows none),
//! everything dynamic in the external `app.js`.

/// The app page's bootstrap: mounts the console through the bundle's `embed.js`.
pub(crate) const APP_JS: &str = include_str!("assets/app.js");
/// The host's own styles, global and heavy-handed on purpose (buttons, tables, inputs).
pub(crate) const DEMO_CSS: &str = include_str!("assets/demo.css");

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn head(title: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — Acme Ops</title>
<link rel="stylesheet" href="/demo/assets/demo.css">
</head>"#
    )
}

/// The login form, with `error` above it when the last attempt failed.
pub(crate) fn login(error: Option<&str>) -> String {
    let error = error
        .map(|e| {
            format!(
                r#"<p class="error" role="alert" id="login-error">{}</p>"#,
                esc(e)
            )
        })
        .unwrap_or_default();
    format!(
        r#"{head}
<body>
<header class="topbar"><span class="brand">Acme Ops</span></header>
<main class="login">
<h1>Sign in</h1>
{error}
<form method="post" action="/demo/login" id="login-form">
<label>Username <input name="username" id="username" autocomplete="username" required></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="login-submit">Sign in</button>
</form>
</main>
</body>
</html>
"#,
        head = head("Sign in")
    )
}

/// The "existing app": its own header, nav and table, and the console mounted in `#console`.
pub(crate) fn app(user: &str) -> String {
    let user = esc(user);
    format!(
        r#"{head}
<body>
<header class="topbar">
<span class="brand">Acme Ops</span>
<nav><a href="/demo/app">Dashboard</a> <a href="/demo/app?consoles=2">Two consoles</a> <a href="/demo/app?auth=cookie">Cookie mode</a></nav>
<span class="who" id="who">{user}</span>
<form method="post" action="/demo/logout" class="logout"><button type="submit" id="logout">Log out</button></form>
</header>
<main id="app" data-user="{user}">
<section class="host-panel">
<h2>Today</h2>
<table id="host-table"><tr><th>Service</th><th>Status</th></tr><tr><td>Chat</td><td>OK</td></tr></table>
<p><input id="host-input" value="host input"> <button id="host-button" type="button">Host button</button></p>
</section>
<section id="console" class="console-slot"></section>
<section id="console-2" class="console-slot"></section>
</main>
<script type="module" src="/demo/assets/app.js"></script>
</body>
</html>
"#,
        head = head("Dashboard")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_carry_no_inline_script_or_style_and_escape_the_user() {
        for html in [login(Some("<b>")), app("<qa>")] {
            assert!(
                !html.contains("<script>") && !html.contains("style="),
                "{html}"
            );
            assert!(!html.contains("<style") && !html.contains("<b>") && !html.contains("<qa>"));
        }
    }
}
