//! The log panel: millisecond timestamps, level, category and session; filter by text, level
//! and session; pause autoscroll. Server text is rendered as text, never as HTML.
//!
//! The list is virtualised: rows are one line of [`ROW_PX`], only about
//! [`LOG_VIEW`](super::snapshot::LOG_VIEW) of them
//! exist in the page (those in view and a few either side), and two spacers stand for the
//! rest, so painting the log costs the same with 50 entries or 5,000.

use super::ConsoleCtx;
use leptos::html;
use leptos::prelude::*;
use ws_console_engine::{LogEntry, LogLevel, SessionId};

/// `mm:ss.mmm` from the run's millisecond clock.
pub fn clock(t_ms: f64) -> String {
    let total = t_ms.max(0.0) as u64;
    format!(
        "{:02}:{:02}.{:03}",
        total / 60_000 % 60,
        total / 1000 % 60,
        total % 1000
    )
}

/// Height of one log row, in CSS pixels (`.wsc-log__entry`).
pub const ROW_PX: f64 = 20.0;
/// Rows kept above the first visible one.
const OVERSCAN: usize = 6;

#[component]
fn Filters() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let set_level = move |v: String| {
        let level = LogLevel::from_name(&v);
        ctx.log_filter.update(|f| f.min_level = level);
    };
    view! {
        <div class="wsc-log__filters">
            <input
                type="search"
                placeholder="Filter text"
                aria-label="Filter the log"
                data-testid="log-filter-text"
                on:input=move |ev| ctx.log_filter.update(|f| f.text = event_target_value(&ev))
            />
            <select aria-label="Log level" data-testid="log-filter-level" on:change=move |ev| set_level(event_target_value(&ev))>
                <option value="">"All levels"</option>
                <option value="info">"Info and above"</option>
                <option value="warn">"Warnings and errors"</option>
                <option value="error">"Errors"</option>
            </select>
            <input
                type="number"
                min="0"
                placeholder="Session"
                class="wsc-small"
                data-testid="log-filter-session"
                on:input=move |ev| {
                    let s = event_target_value(&ev).trim().parse::<u32>().ok().map(SessionId);
                    ctx.log_filter.update(|f| f.session = s);
                }
            />
            <label class="wsc-check">
                <input type="checkbox" data-testid="log-pause" on:change=move |ev| {
                    let paused = event_target_checked(&ev);
                    ctx.log_paused.set(paused);
                    // Paused: hold the rows in view; resumed: follow the newest again.
                    ctx.log_top.set(paused.then(|| ctx.snapshot.with_untracked(|s| s.log_first)));
                } />
                "Pause autoscroll"
            </label>
        </div>
    }
}

/// The log.
#[component]
pub fn Log() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let list = NodeRef::<html::Div>::new();
    let rows = NodeRef::<html::Div>::new();
    super::once::rows(
        move || rows.get().map(Into::into),
        move || ctx.snapshot.with(|s| s.log.len()),
        |i| view! { <Row i /> }.into_any(),
    );
    // The newest entry shown: the list scrolls only when it changes, not at every repaint.
    let newest = Memo::new(move |_| ctx.snapshot.with(|s| s.log.last().map(|e| e.seq)));
    // Keep the newest entry in view unless the user paused autoscroll or scrolled up.
    super::effect::effect(move |_| {
        newest.track();
        if !ctx.log_paused.get()
            && ctx.log_top.get().is_none()
            && let Some(el) = list.get()
        {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let on_scroll = move |_| {
        let Some(el) = list.get_untracked() else {
            return;
        };
        let top = f64::from(el.scroll_top());
        let at_bottom =
            top + f64::from(el.client_height()) >= f64::from(el.scroll_height()) - ROW_PX;
        let next = if at_bottom && !ctx.log_paused.get_untracked() {
            None
        } else {
            Some(((top / ROW_PX) as usize).saturating_sub(OVERSCAN))
        };
        if ctx.log_top.get_untracked() != next {
            ctx.log_top.set(next);
        }
    };
    // Heights go through the CSSOM (`style:height`), not a `style` attribute, which the
    // served page's CSP (no 'unsafe-inline' for styles) would block.
    let spacer = move |above: bool| {
        move || {
            ctx.snapshot.with(|s| {
                let rows = if above {
                    s.log_first
                } else {
                    s.log_matching.saturating_sub(s.log_first + s.log.len())
                };
                format!("{}px", rows as f64 * ROW_PX)
            })
        }
    };
    view! {
        <section class="wsc-panel wsc-log" aria-label="Log">
            <h2>"Log"</h2>
            <Filters />
            <div class="wsc-note" data-testid="log-count">
                {move || ctx.snapshot.with(|s| {
                    let mut t = format!("{} matching of {} kept", s.log_matching, s.log_len);
                    if s.log_evicted > 0 {
                        t.push_str(&format!(" · {} older entries let go (bounded log)", s.log_evicted));
                    }
                    t
                })}
            </div>
            // Focusable, so the keyboard can scroll it.
            <div class="wsc-log__list" tabindex="0" role="region" aria-label="Log entries" node_ref=list on:scroll=on_scroll>
                <div style:height=spacer(true)></div>
                <div node_ref=rows></div>
                <div style:height=spacer(false)></div>
            </div>
        </section>
    }
}

/// The row in slot `i` of the rendered window. Rows are keyed by slot, not by entry: as the
/// log moves on, a row's text is rewritten in place instead of rows being made and dropped,
/// and a row whose entry did not change is not touched at all.
#[component]
fn Row(
    /// The slot, from the top of the rendered window.
    i: usize,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let entry = Memo::new(move |_| ctx.snapshot.with(|s| s.log.get(i).cloned()));
    let field = move |f: fn(&LogEntry) -> String| {
        move || entry.with(|e| e.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <div
            class=move || entry.with(|e| format!("wsc-log__entry wsc-log__entry--{}", e.as_ref().map_or("info", |e| e.level.as_str())))
            data-testid="log-entry"
        >
            <span class="wsc-log__time">{field(|e| clock(e.t_ms))}</span>
            <span class="wsc-log__level">{field(|e| e.level.as_str().to_string())}</span>
            <span class="wsc-log__cat">{field(|e| e.category.as_str().to_string())}</span>
            <span class="wsc-log__session">{field(|e| e.session.map_or(String::from("–"), |s| format!("#{}", s.0)))}</span>
            <span class="wsc-log__text" title=field(|e| e.text.clone())>{field(|e| e.text.clone())}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn formats_milliseconds_as_minutes_seconds_millis() {
        assert_eq!(clock(0.0), "00:00.000");
        assert_eq!(clock(61_234.9), "01:01.234");
    }
}
