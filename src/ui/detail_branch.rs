//! The detail of a tree node that is not a topic itself (`bench`, `bench/site3`): what is under
//! it, as MQTT Explorer shows a folder. Counts, bytes, rate and last arrival, the newest message
//! below it, then its children with their counts, as many as fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::log::time_of;
use crate::app::App;
use crate::store::NodeId;
use crate::text::{clean, count, fit, human_bytes, payload_preview, width};
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, area: Rect, id: NodeId) {
    let tree = &app.link.store.tree;
    let node = tree.node(id);
    let block = super::titled::topic_block(&tree.path(id), area.width);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let mut summary = vec![
        count(u64::from(node.topic_count), "topic", "topics"),
        count(node.msg_count, "msg", "msgs"),
        human_bytes(node.bytes),
    ];
    if let Some(t) = node.last_received() {
        summary.push(format!("last {}", time_of(t)));
    }
    let mut lines = vec![Line::styled(summary.join(" · "), theme().bold)];
    let now_ms = app.link.store.rate.current_millis(app.now);
    lines.push(Line::styled(
        format!(
            "{:.1} msg/s · {}/s (decayed over {})",
            node.rates.msgs(now_ms),
            human_bytes(node.rates.bytes(now_ms) as u64),
            crate::store::decay::Window::default().words()
        ),
        theme().dim,
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "{} (Enter/→ opens)",
            count(node.children.len() as u64, "child", "children")
        ),
        theme().dim,
    ));
    let room = (inner.height as usize).saturating_sub(lines.len());
    let shown = if node.children.len() > room {
        room.saturating_sub(1)
    } else {
        node.children.len()
    };
    let skip = app
        .detail
        .scroll
        .min(node.children.len().saturating_sub(shown));
    let name_w = node
        .children
        .iter()
        .skip(skip)
        .take(shown)
        .map(|c| width(&shown_name(tree.name(*c))))
        .max()
        .unwrap_or(0)
        .min(w / 3);
    for c in node.children.iter().skip(skip).take(shown) {
        let child = tree.node(*c);
        let name = fit(&shown_name(tree.name(*c)), name_w).into_owned();
        let pad = " ".repeat(name_w.saturating_sub(width(&name)));
        let mut counts = count(child.msg_count, "msg", "msgs");
        if !child.children.is_empty() {
            counts = format!(
                "{} · {counts}",
                count(u64::from(child.topic_count), "topic", "topics")
            );
        }
        let mut spans = vec![
            Span::raw(format!("  {name}{pad}  ")),
            Span::styled(counts, theme().dim),
        ];
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        if let Some(e) = app.link.store.last(*c)
            && w > used + 8
        {
            spans.push(Span::styled(" = ", theme().dim));
            spans.push(Span::styled(
                payload_preview(app.link.store.payload(e), w - used - 3),
                theme().ok,
            ));
        }
        lines.push(Line::from(spans));
    }
    let more = node.children.len().saturating_sub(skip + shown);
    if more > 0 {
        lines.push(Line::styled(
            format!(
                "  … {} more (J / K scroll)",
                crate::text::thousands(more as u64)
            ),
            theme().dim,
        ));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// A level's name as the tree shows it: an empty level is `(empty)`, not a blank.
fn shown_name(name: &str) -> String {
    if name.is_empty() {
        "(empty)".into()
    } else {
        clean(name).into_owned()
    }
}
