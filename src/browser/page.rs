//! What the page can tell about itself (its origin, the browser it runs in) and the one
//! question it can ask the user (a native confirm box).

/// The page's origin (`scheme://host:port`).
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The browser's name and major version, from the user agent (`Chrome 131`), or the whole
/// user agent when it names none the console knows.
pub fn browser_name() -> String {
    let ua = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    ["Edg/", "Chrome/", "Firefox/", "Safari/"]
        .iter()
        .find_map(|k| {
            let start = ua.find(k)?;
            let version = ua[start + k.len()..].split(['.', ' ']).next().unwrap_or("");
            Some(format!(
                "{} {version}",
                k.trim_end_matches('/').replace("Edg", "Edge")
            ))
        })
        .unwrap_or(ua)
}

/// Asks the user `question` in the browser's own confirm box; `false` when refused or when
/// the page cannot ask (a sandboxed frame).
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
