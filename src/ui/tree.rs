//! The topic tree pane: only the visible rows are drawn.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{pane_block, selected_style};
use crate::app::{App, Focus};
use crate::text::{clean, fit, payload_preview, short_count, thousands, width};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let tree = &app.store.tree;
    let mut title = format!(
        " Topics {} · {} ",
        thousands(u64::from(tree.topic_count())),
        crate::text::count(app.store.received, "msg", "msgs")
    );
    if app.tree.filter.is_active() {
        title.push_str(&format!("· filter: {} ", clean(&app.tree.filter.text)));
    }
    let block = pane_block(&title, area.width, app.focus == Focus::Tree);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let rows = app.tree_rows();
    if rows.is_empty() {
        let msg = if app.tree.filter.is_active() {
            "no topic matches the filter"
        } else {
            "waiting for messages…"
        };
        f.render_widget(Paragraph::new(Line::styled(msg, theme().dim)), inner);
        return;
    }
    let h = inner.height as usize;
    let sel = app
        .tree
        .selected
        .and_then(|s| rows.iter().position(|r| *r == s));
    let mut top = app.tree.top.get().min(rows.len().saturating_sub(1));
    if let Some(i) = sel {
        if i < top {
            top = i;
        } else if i >= top + h {
            top = i + 1 - h;
        }
    }
    app.tree.top.set(top);
    let w = inner.width as usize;
    let second = app.store.rate.current_second(app.now);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(top)
        .take(h)
        .map(|(i, id)| {
            let node = tree.node(*id);
            let open = app.tree.filter.is_active() || app.tree.expanded.contains(id);
            let marker = if node.children.is_empty() {
                "  "
            } else if open {
                "▾ "
            } else {
                "▸ "
            };
            let indent = "  ".repeat(node.depth.saturating_sub(1) as usize);
            let name = if node.name.is_empty() {
                "(empty)".to_string()
            } else {
                clean(&node.name).into_owned()
            };
            let mut right = String::new();
            if !node.children.is_empty() {
                if !open {
                    let n = node.topic_count;
                    right.push_str(&format!(
                        "({} topic{}) ",
                        short_count(u64::from(n)),
                        if n == 1 { "" } else { "s" }
                    ));
                }
                right.push_str(&short_count(node.msg_count));
            }
            // Messages a second in this subtree, over the last complete second.
            let rate = node.rate(second);
            if rate > 0 {
                if !right.is_empty() {
                    right.push(' ');
                }
                right.push_str(&format!("{}/s", short_count(u64::from(rate))));
            }
            let last = app.store.last(*id);
            if let Some(e) = last {
                if !right.is_empty() {
                    right.push(' ');
                }
                // R: retained on the broker as far as we saw, not "this one arrived retained".
                let held = node.retained == crate::store::tree::Retained::Held;
                right.push_str(&format!(
                    "q{}{}",
                    e.qos().as_u8(),
                    if held { " R" } else { "  " }
                ));
            }
            let head = format!("{indent}{marker}{name}");
            let avail = w.saturating_sub(width(&right) + 1);
            let mut spans = Vec::new();
            let head_fit = fit(&head, avail).into_owned();
            let mut used = width(&head_fit);
            let name_style = if node.name.is_empty() {
                theme().dim.add_modifier(Modifier::ITALIC)
            } else if node.children.is_empty() {
                Style::default()
            } else {
                theme().bold
            };
            spans.push(Span::styled(head_fit, name_style));
            if let Some(e) = last
                && avail > used + 4
            {
                let room = avail - used - 3;
                let cleared =
                    node.retained == crate::store::tree::Retained::Cleared && e.payload.is_empty();
                let preview = if cleared {
                    fit("(retained cleared)", room).into_owned()
                } else {
                    payload_preview(&e.payload, room)
                };
                used += 3 + width(&preview);
                spans.push(Span::styled(" = ", theme().dim));
                spans.push(Span::styled(preview, theme().ok));
            }
            spans.push(Span::raw(
                " ".repeat(w.saturating_sub(used + width(&right))),
            ));
            spans.push(Span::styled(fit(&right, w).into_owned(), theme().dim));
            let mut line = Line::from(spans);
            if Some(i) == sel {
                line = line.style(selected_style(app.focus == Focus::Tree));
            }
            line
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
