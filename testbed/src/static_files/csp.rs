//! The Content-Security-Policy of a served page, computed from the page itself.
//!
//! The policy allows what the console needs and nothing else: its own scripts, styles and
//! files (`'self'`), compiling its wasm (`'wasm-unsafe-eval'`), and the hashes of the page's own
//! inline `<script>`s and `<style>`s. Trunk's `index.html` bootstraps the wasm from an inline
//! `<script type="module">` whose text names the build's hashed files; hashing it when the
//! server starts allows exactly that script, where `'unsafe-inline'` would allow any injected
//! one. No `'unsafe-inline'` for styles either: the console sets its few computed styles
//! through the CSSOM (`style:height`), which a CSP does not govern.
//!
//! `connect-src` is `'self' ws: wss: http: https:`: the console connects wherever its tester
//! points it (SPEC F2), WebSockets to any host, and the recovery scenario POSTs to that
//! backend's fault control over http(s). An injected script could already reach any host over
//! `ws:`, so `http(s):` adds no reach. Plugins, `<base>` and framing are off. Violations are
//! reported to `/api/csp-report` and counted in `/api/ws/stats` (`totals.csp_violations`), so
//! the end-to-end tests can hold the console to zero.
//!
//! `worker-src blob:` lets the console start its socket worker, which it builds from a Blob
//! (see the console's `socket_worker.rs`): only a worker the page's own script creates, which
//! inherits this policy.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// Where browsers send violation reports.
pub(crate) const REPORT_PATH: &str = "/api/csp-report";

/// The policy for the page `html`.
pub(crate) fn policy(html: &str) -> String {
    let scripts = inline_hashes(html, "script");
    let styles = inline_hashes(html, "style");
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; \
         style-src 'self'{styles}; connect-src 'self' ws: wss: http: https:; \
         worker-src blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; report-uri {REPORT_PATH}"
    )
}

/// `" 'sha256-…'"` for each inline `<tag>` element of `html` (a `<script src>` is not inline).
fn inline_hashes(html: &str, tag: &str) -> String {
    // ASCII lower-casing keeps every byte offset, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut out = String::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find(&open) {
        let attrs_start = at + found + open.len();
        at = attrs_start;
        let starts_tag = lower[attrs_start..]
            .starts_with(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace());
        let Some(attrs_len) = lower[attrs_start..].find('>') else {
            break;
        };
        if !starts_tag {
            continue;
        }
        let attrs = &lower[attrs_start..attrs_start + attrs_len];
        let body_start = attrs_start + attrs_len + 1;
        let Some(body_len) = lower[body_start..].find(&close) else {
            break;
        };
        at = body_start + body_len;
        if !has_src(attrs) {
            out.push_str(&format!(" 'sha256-{}'", hash(&html[body_start..at])));
        }
    }
    out
}

fn has_src(attrs: &str) -> bool {
    attrs
        .split(|c: char| c.is_ascii_whitespace())
        .any(|a| a == "src" || a.starts_with("src="))
}

/// The hash a browser computes: over the element's text, newlines normalised as the HTML
/// parser does.
fn hash(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    STANDARD.encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trunk's bootstrap, as in a release build's `index.html`.
    const TRUNK_PAGE: &str = "<html><head>\n<script type=\"module\">\nimport init from '/a-0123456789abcdef.js';\nawait init();\n</script>\n<link rel=\"modulepreload\" href=\"/a-0123456789abcdef.js\"></head><body></body></html>";

    #[test]
    fn the_inline_bootstrap_is_allowed_by_its_hash_only() {
        let p = policy(TRUNK_PAGE);
        let body = "\nimport init from '/a-0123456789abcdef.js';\nawait init();\n";
        let expected = STANDARD.encode(Sha256::digest(body.as_bytes()));
        assert!(
            p.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{expected}';"
            )),
            "{p}"
        );
        assert!(!p.contains("unsafe-inline"), "{p}");
        assert!(p.contains("style-src 'self';"), "{p}");
        assert!(p.starts_with("default-src 'self';"), "{p}");
        assert!(
            p.contains("connect-src 'self' ws: wss: http: https:;"),
            "{p}"
        );
    }

    #[test]
    fn external_scripts_are_not_hashed_and_every_inline_one_is() {
        let html = "<SCRIPT src=/x.js></SCRIPT><script>a()</script><scripts></scripts>\
                    <style>p{}</style><script\ttype=module>b()</script>";
        let scripts = inline_hashes(html, "script");
        assert_eq!(scripts.matches("'sha256-").count(), 2, "{scripts}");
        assert!(scripts.contains(&hash("a()")) && scripts.contains(&hash("b()")));
        assert_eq!(
            inline_hashes(html, "style"),
            format!(" 'sha256-{}'", hash("p{}"))
        );
    }

    #[test]
    fn newlines_are_hashed_as_the_browser_sees_them() {
        assert_eq!(hash("a\r\nb\rc"), hash("a\nb\nc"));
        // A known vector: the empty script.
        assert_eq!(hash(""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    #[test]
    fn a_page_without_inline_code_gets_the_bare_policy() {
        let p = policy("<p>hi</p><script src=\"/a.js\"></script>");
        assert!(p.contains("script-src 'self' 'wasm-unsafe-eval';"), "{p}");
    }
}
