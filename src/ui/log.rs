//! The message log pane: newest at the bottom, only the visible rows looked at.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{pane_block, selected_style};
use crate::app::outbox::{OutRow, OutState};
use crate::app::{App, Focus};
use crate::text::{clean, fit_topic, pad, payload_preview, thousands};

pub use crate::text::time_of;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let mut title = String::from(" Messages");
    if app.log.subtree
        && let Some(sel) = app.tree.selected
    {
        title.push_str(&format!(" · {}/#", clean(&app.link.store.tree.path(sel))));
    }
    if app.log.filter.is_active() {
        title.push_str(&format!(" · filter: {}", clean(&app.log.filter.text)));
        if let Some(why) = app.log.filter.problem() {
            title.push_str(&format!(" · {}", clean(&why)));
        }
    }
    match (app.log.paused_at, app.log.selected) {
        (Some(_), _) => {
            let new = app.log.new_since_pause(&app.link.store, app.log_scope());
            title.push_str(&format!(" · paused · {} new", thousands(new)));
        }
        (None, None) => title.push_str(" · following"),
        // A selected row holds the view still: say so, and how to follow again.
        (None, Some(_)) => title.push_str(" · holding the selection · End follows"),
    }
    title.push(' ');
    let block = pane_block(&title, area.width, app.focus == Focus::Log);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    // Our publishes the broker has not taken (or refused), below the newest while following.
    let outbox = if app.log.selected.is_none() && app.log.paused_at.is_none() {
        outbox_rows(app, inner.height as usize / 2)
    } else {
        Vec::new()
    };
    let (rows, selected) = app.log_window(inner.height as usize - outbox.len());
    let w = inner.width as usize;
    // As wide as the longest topic seen (not the longest visible, so the column stays put as
    // rows scroll by), up to what the time, the flags and the payload leave.
    let longest = app.link.store.tree.longest_topic().max(
        app.link
            .outbox
            .rows
            .iter()
            .map(|r| crate::text::width(&clean(&r.draft.topic)))
            .max()
            .unwrap_or(0),
    );
    // Time and mark take 15 columns, QoS and flags 6; the topic gets up to two thirds of the
    // rest (shortened in the middle beyond that), the payload preview the remainder.
    let topic_w = longest.clamp(4, (w.saturating_sub(21) * 2 / 3).max(4));
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let m = e;
            let topic_text = app.link.store.tree.path(e.node);
            // Ours, or (with more than one subscription) which subscription it came through.
            let (mark, mark_style) = if e.outgoing() {
                ("▲", theme().outgoing)
            } else if app.link.subscriptions.len() > 1 {
                let ids = app
                    .link
                    .store
                    .properties(e)
                    .map_or(&[][..], |p| &p.subscription_identifiers[..]);
                app.subscription_of(&topic_text, ids)
                    .map_or((" ", theme().dim), |s| {
                        theme().sub_marks[s.colour as usize % theme().sub_marks.len()]
                    })
            } else {
                (" ", theme().dim)
            };
            let head = format!("{} ", time_of(m.received()));
            let topic = pad(&fit_topic(&clean(&topic_text), topic_w), topic_w);
            let flags = format!(
                " q{}{} ",
                m.qos().as_u8(),
                if m.retain() { " R" } else { "  " }
            );
            let used = crate::text::width(&head) + 2 + topic_w + flags.len();
            let preview = app.row_preview(m, w.saturating_sub(used));
            let mut line = Line::from(vec![
                Span::styled(
                    head,
                    if e.outgoing() {
                        theme().outgoing
                    } else {
                        theme().dim
                    },
                ),
                Span::styled(mark, mark_style),
                Span::raw(" "),
                Span::styled(topic, theme().accent),
                Span::styled(flags, theme().dim),
                Span::raw(preview),
            ]);
            if Some(i) == selected {
                line = line.style(selected_style(app.focus == Focus::Log));
            }
            line
        })
        .collect();
    let mut lines = lines;
    for r in outbox {
        let (mark, words, style) = match &r.state {
            OutState::Pending(w) => ("◌", w.as_str(), theme().warn),
            OutState::Failed(w) => ("✗", w.as_str(), theme().error),
        };
        let head = format!("{} {mark} ", time_of(r.queued));
        let topic = pad(&fit_topic(&clean(&r.draft.topic), topic_w), topic_w);
        let flags = format!(
            " q{}{} ",
            r.draft.qos.as_u8(),
            if r.draft.retain { " R" } else { "  " }
        );
        let state = format!("[{}] ", clean(words));
        let used = crate::text::width(&head) + topic_w + flags.len() + crate::text::width(&state);
        lines.push(Line::from(vec![
            Span::styled(head, style),
            Span::styled(topic, theme().accent),
            Span::styled(flags, theme().dim),
            Span::styled(state, style),
            Span::raw(payload_preview(&r.draft.payload, w.saturating_sub(used))),
        ]));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The newest outbox rows the log's filter and scope let through, oldest first.
fn outbox_rows(app: &App, max: usize) -> Vec<&OutRow> {
    let scope = app
        .log
        .subtree
        .then_some(app.tree.selected)
        .flatten()
        .map(|n| app.link.store.tree.path(n));
    let mut rows: Vec<&OutRow> = app
        .link
        .outbox
        .rows
        .iter()
        .rev()
        .filter(|r| {
            app.log
                .filter
                .matches_message(&r.draft.topic, Some(&r.draft.payload))
        })
        .filter(|r| {
            scope
                .as_ref()
                .is_none_or(|p| r.draft.topic == *p || r.draft.topic.starts_with(&format!("{p}/")))
        })
        .take(max)
        .collect();
    rows.reverse();
    rows
}
