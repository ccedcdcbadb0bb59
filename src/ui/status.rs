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
    // Where the broker URL is, and the protocol alone to show instead when space is short.
    let mut url_at: Option<(usize, String)> = None;
    if let Some(name) = app.focus_name() {
        spans.push(Span::styled(format!("{name} "), theme().bold));
    }
    match &app.link.conn {
        None if app.opened.is_some() => {
            if let Some(o) = &app.opened {
                let state = match (&o.time.playing, o.time.gate) {
                    (Some(_), _) => "▶ playing".to_string(),
                    (None, Some(t)) => format!("⏸ {}", crate::text::time_of(t)),
                    (None, None) if o.done => "read".into(),
                    (None, None) => "reading…".into(),
                };
                spans.push(Span::styled(
                    format!("▤ {} · a recording, no broker · {state}", o.file),
                    theme().bold,
                ));
            }
        }
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
            url_at = Some((spans.len(), c.protocol.to_string()));
            spans.push(Span::raw(format!("{} {}", clean(&c.url), c.protocol)));
            if let Some(note) = &app.link.protocol_note {
                spans.push(Span::styled(format!(" · {}", clean(note)), theme().warn));
            }
            if c.insecure {
                spans.push(Span::raw(" "));
                spans.push(Span::styled("TLS verification off", theme().alarm));
            }
            if let Some(path) = &c.key_log {
                spans.push(Span::raw(" "));
                let words = format!("TLS keys logged to {}", clean(path));
                spans.push(Span::styled(words, theme().alarm));
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
    // The rest as segments with a rank: when the line is too long, the highest ranks go first
    // (the rate, then subscriptions), so the connection state, the TLS warning and the error
    // (above) always stay, in colour, and the help hint, the memory and the counts after them.
    let mut segments: Vec<(u8, Span<'static>)> = Vec::new();
    if let Some((words, failing)) = app.others_words() {
        let style = if failing { theme().warn } else { theme().dim };
        segments.push((1, Span::styled(words, style)));
    }
    if !app.link.subscriptions.is_empty() {
        let n = app.active_subscriptions();
        let off = app.link.subscriptions.len() - n;
        let mut subs = format!("{n} sub{}", if n == 1 { "" } else { "s" });
        if off > 0 {
            subs.push_str(&format!(" ({off} off or refused)"));
        }
        segments.push(match app.unanswered_subscriptions() {
            0 => (5, Span::raw(subs)),
            k => (
                1,
                Span::styled(format!("{subs} ({k} not acknowledged)"), theme().warn),
            ),
        });
    }
    if let Some(rec) = &app.recording {
        segments.push((2, Span::styled(recording_words(rec), theme().alarm)));
        // The file's name goes first when the bar is short (it is told when the recording
        // ends): the counts, the memory and the help hint stay.
        if let Some(name) = rec.path.as_ref().and_then(|p| p.file_name()) {
            let name = format!("→ {}", clean(&name.to_string_lossy()));
            segments.push((7, Span::styled(name, theme().alarm)));
        }
    }
    if let Some(r) = app.replay.as_ref().filter(|r| r.running()) {
        segments.push((
            3,
            Span::styled(format!("▶ replay {}", r.words()), theme().alarm),
        ));
    }
    // Firings not yet seen in the list (`A` shows them and clears the count); the rules
    // holding now, while any do. They give way after the rate but before the counts, the
    // memory and the help hint (the notice told each firing already).
    let holding = app.alerts.holding_count();
    let mut alerts = Vec::new();
    if app.alerts.unseen > 0 {
        alerts.push(crate::text::count(
            app.alerts.unseen,
            "new alert",
            "new alerts",
        ));
    }
    if holding > 0 {
        alerts.push(format!("{holding} holding"));
    }
    if !alerts.is_empty() {
        let words = format!("! {}", alerts.join(" · "));
        segments.push((5, Span::styled(words, theme().error)));
    }
    segments.push((
        4,
        Span::raw(crate::text::count(
            u64::from(app.link.store.tree.topic_count()),
            "topic",
            "topics",
        )),
    ));
    segments.push((
        4,
        Span::raw(crate::text::count(
            app.link.store.tree.msg_count(),
            "msg",
            "msgs",
        )),
    ));
    segments.push((
        6,
        Span::raw(format!(
            "{} msg/s",
            thousands(app.link.store.rate.per_second(app.now).round() as u64)
        )),
    ));
    let mut memory = format!(
        "{}/{}",
        human_bytes(app.link.store.memory_bytes() as u64),
        human_bytes(app.link.store.limits().memory_budget as u64)
    );
    // With several connections the figure is this one's share, and how the budget is split
    // says why it is smaller than asked: it stays before the trimming note then.
    if let Some(split) = app.budget_words() {
        memory = format!("{memory} {split}");
    }
    // The alerts' state comes off the budget: said, so the figures add up.
    if app.alerts.reserved > 0 {
        memory = format!(
            "{memory} (alerts {})",
            human_bytes(app.alerts.reserved as u64)
        );
    }
    segments.push((3, Span::raw(memory)));
    if app.link.store.refused > 0 {
        segments.push((
            1,
            Span::styled(
                format!(
                    "{} on new topics not kept: the topics fill the history budget (--history-budget)",
                    crate::text::count(app.link.store.refused, "msg", "msgs")
                ),
                theme().error,
            ),
        ));
    }
    if app.link.store.trimmed > 0 {
        segments.push((
            // With several connections, after the budget's split (which says why).
            if app.others.is_empty() { 2 } else { 4 },
            Span::styled(
                format!(
                    "history trimmed: {} older messages dropped",
                    thousands(app.link.store.trimmed)
                ),
                theme().warn,
            ),
        ));
    }
    let hint = if app.focus.is_compose() {
        "Esc leaves the field · Ctrl+S publishes"
    } else {
        "? help  q quit"
    };
    segments.push((2, Span::styled(hint, theme().dim)));
    let width = |spans: &[Span]| {
        spans
            .iter()
            .map(|s| crate::text::width(&s.content))
            .sum::<usize>()
    };
    let max = area.width as usize;
    let total = |segs: &[(u8, Span)]| {
        segs.iter()
            .map(|(_, s)| 3 + crate::text::width(&s.content))
            .sum::<usize>()
    };
    // The URL is the one thing the user already knows (the profile): it gives way to the
    // protocol before the state, an error, the counts, the memory or the help hint do.
    if width(&spans) + total(&segments) > max
        && let Some((i, protocol)) = url_at
    {
        spans[i] = Span::raw(protocol);
    }
    // Short of room, the hint keeps its first half: `?` leads to everything else, and Esc out
    // of a field (the pane's title says Ctrl+S).
    if width(&spans) + total(&segments) > max
        && let Some((_, hint)) = segments.iter_mut().find(|(_, s)| s.content == hint)
    {
        let short = if app.focus.is_compose() {
            "Esc leaves the field"
        } else {
            "? help"
        };
        *hint = Span::styled(short, theme().dim);
    }
    let fixed = width(&spans);
    while fixed + total(&segments) > max
        && let Some(worst) = segments.iter().map(|(r, _)| *r).max()
    {
        let Some(i) = segments.iter().rposition(|(r, _)| *r == worst) else {
            break;
        };
        segments.remove(i);
    }
    for (_, seg) in segments {
        spans.push(sep());
        spans.push(seg);
    }
    // Still too long (a long error on a narrow terminal): each span is cut, styles kept.
    let mut used = 0;
    let mut fitted = Vec::new();
    for span in spans {
        let left = max.saturating_sub(used);
        if left == 0 {
            break;
        }
        let text = fit(&span.content, left).into_owned();
        used += crate::text::width(&text);
        fitted.push(Span::styled(text, span.style));
    }
    f.render_widget(Paragraph::new(Line::from(fitted)), area);
}

/// `● REC 1,234 msgs`: the count handed to the writer, and what it could not take.
fn recording_words(rec: &crate::app::features::record::Recording) -> String {
    let mut words = format!("● REC {}", crate::text::count(rec.handed, "msg", "msgs"));
    if rec.dropped > 0 {
        words += &format!(" ({} not recorded)", thousands(rec.dropped));
    }
    if rec.stopping {
        words += " (stopping)";
    }
    words
}
