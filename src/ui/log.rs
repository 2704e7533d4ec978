//! The log panel: millisecond timestamps, level, category and session; filter by text, level
//! and session; pause autoscroll. Server text is rendered as text, never as HTML.

use super::ConsoleCtx;
use super::snapshot::LOG_VIEW;
use leptos::html;
use leptos::prelude::*;
use ws_console_engine::{LogLevel, SessionId};

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

#[component]
fn Filters() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let set_level = move |v: String| {
        let level = [
            LogLevel::Debug,
            LogLevel::Info,
            LogLevel::Warn,
            LogLevel::Error,
        ]
        .into_iter()
        .find(|l| l.as_str() == v);
        ctx.log_filter.update(|f| f.min_level = level);
    };
    view! {
        <div class="wsc-log__filters">
            <input
                type="search"
                placeholder="Filter text"
                data-testid="log-filter-text"
                on:input=move |ev| ctx.log_filter.update(|f| f.text = event_target_value(&ev))
            />
            <select data-testid="log-filter-level" on:change=move |ev| set_level(event_target_value(&ev))>
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
                <input type="checkbox" data-testid="log-pause" on:change=move |ev| ctx.log_paused.set(event_target_checked(&ev)) />
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
    // Keep the newest entry in view unless the user paused autoscroll.
    Effect::new(move |_| {
        ctx.snapshot.with(|s| s.log.last().map(|e| e.seq));
        if !ctx.log_paused.get()
            && let Some(el) = list.get()
        {
            el.set_scroll_top(el.scroll_height());
        }
    });
    view! {
        <section class="wsc-panel wsc-log" aria-label="Log">
            <h2>"Log"</h2>
            <Filters />
            <div class="wsc-note" data-testid="log-count">
                {move || ctx.snapshot.with(|s| {
                    let shown = s.log.len();
                    let mut t = format!("{} matching of {} kept", s.log_matching, s.log_len);
                    if s.log_matching > shown {
                        t.push_str(&format!(" · showing the newest {LOG_VIEW}"));
                    }
                    if s.log_evicted > 0 {
                        t.push_str(&format!(" · {} older entries let go (bounded log)", s.log_evicted));
                    }
                    t
                })}
            </div>
            <div class="wsc-log__list" node_ref=list>
                <For each=move || ctx.snapshot.with(|s| s.log.clone()) key=|e| e.seq let:e>
                    <div class=format!("wsc-log__entry wsc-log__entry--{}", e.level.as_str()) data-testid="log-entry">
                        <span class="wsc-log__time">{clock(e.t_ms)}</span>
                        <span class="wsc-log__level">{e.level.as_str()}</span>
                        <span class="wsc-log__cat">{e.category.as_str()}</span>
                        <span class="wsc-log__session">{e.session.map_or(String::from("–"), |s| format!("#{}", s.0))}</span>
                        <span class="wsc-log__text">{e.text}</span>
                    </div>
                </For>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn formats_milliseconds_as_minutes_seconds_millis() {
        assert_eq!(clock(0.0), "00:00.000");
        assert_eq!(clock(61_234.9), "01:01.234");
    }
}
