//! The status bar: connection, broker, totals, rate, memory, and the keys to remember.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::mqtt::ConnState;
use crate::text::{clean, fit, human_bytes, thousands};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let sep = || Span::styled(" │ ", theme().dim);
    let mut spans = Vec::new();
    match &app.conn {
        None => spans.push(Span::styled("○ not connected", theme().dim)),
        Some(c) => {
            let unanswered = app.unanswered_subscriptions();
            let (dot, words, color) = match &c.state {
                // CONNACK came but SUBACK did not: not the same as a working connection.
                ConnState::Connected { .. } if unanswered > 0 => (
                    "◐",
                    "connected, but the broker has not answered SUBSCRIBE".to_string(),
                    theme().warn,
                ),
                ConnState::Connected { .. } => ("●", "connected".to_string(), theme().ok),
                ConnState::Connecting { attempt } if *attempt <= 1 => {
                    ("◌", "connecting".to_string(), theme().warn)
                }
                ConnState::Connecting { attempt } => {
                    ("◌", format!("connecting (attempt {attempt})"), theme().warn)
                }
                ConnState::Reconnecting { .. } => {
                    let left = c
                        .retry_at
                        .map(|t| t.saturating_duration_since(app.now).as_secs_f64().ceil() as u64)
                        .unwrap_or(0);
                    ("○", format!("reconnecting in {left} s"), theme().error)
                }
                ConnState::Disconnected { error: Some(_) } => {
                    ("○", "stopped, r reconnects".to_string(), theme().error)
                }
                ConnState::Disconnected { .. } => ("○", "disconnected".to_string(), theme().error),
            };
            spans.push(Span::styled(format!("{dot} {words} "), color));
            spans.push(Span::raw(format!("{} {}", clean(&c.url), c.protocol)));
            if let Some(note) = &app.protocol_note {
                spans.push(Span::styled(format!(" · {}", clean(note)), theme().warn));
            }
            if c.insecure {
                spans.push(Span::raw(" "));
                spans.push(Span::styled("TLS verification off", theme().alarm));
            }
            // The last error stays in view while the connection is not working, and also while
            // it is up but the broker stays silent (a keep-alive timeout is the evidence).
            if (!matches!(c.state, ConnState::Connected { .. }) || unanswered > 0)
                && let Some(e) = &c.last_error
            {
                spans.push(Span::styled(format!(" ({})", clean(e)), theme().error));
            }
        }
    }
    if !app.subscriptions.is_empty() {
        spans.push(sep());
        let n = app.subscriptions.len();
        let subs = format!("{n} sub{}", if n == 1 { "" } else { "s" });
        match app.unanswered_subscriptions() {
            0 => spans.push(Span::raw(subs)),
            k => spans.push(Span::styled(
                format!("{subs} ({k} not acknowledged)"),
                theme().warn,
            )),
        }
    }
    spans.push(sep());
    spans.push(Span::raw(format!(
        "{} topics",
        thousands(u64::from(app.store.tree.topic_count()))
    )));
    spans.push(sep());
    spans.push(Span::raw(format!("{} msgs", thousands(app.store.received))));
    spans.push(sep());
    spans.push(Span::raw(format!(
        "{} msg/s",
        thousands(app.store.rate.per_second(app.now).round() as u64)
    )));
    spans.push(sep());
    spans.push(Span::raw(human_bytes(app.store.memory_bytes() as u64)));
    if app.store.trimmed > 0 {
        spans.push(sep());
        spans.push(Span::styled(
            format!(
                "history trimmed: {} older messages dropped",
                thousands(app.store.trimmed)
            ),
            theme().warn,
        ));
    }
    if app.dropped > 0 {
        spans.push(sep());
        spans.push(Span::styled(
            format!("{} dropped", thousands(app.dropped)),
            theme().error,
        ));
    }
    if let Some(n) = &app.notice {
        spans.push(sep());
        spans.push(Span::styled(clean(n).into_owned(), theme().warn));
    }
    spans.push(sep());
    let hint = if app.focus.is_compose() {
        "Esc leaves the field · Ctrl+S publishes"
    } else {
        "? help  q quit"
    };
    spans.push(Span::styled(hint, theme().dim));
    // Cut from the right if it does not fit, keeping the connection state first.
    let line = Line::from(spans);
    let text = line.to_string();
    if crate::text::width(&text) > area.width as usize {
        let short = fit(&text, area.width as usize).into_owned();
        f.render_widget(Paragraph::new(short), area);
    } else {
        f.render_widget(Paragraph::new(line), area);
    }
}
