//! What the page can tell about itself: its origin and the browser it runs in.

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
