//! The topic tree pane: only the visible rows are drawn.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::tree_row::{self, Columns};
use super::{pane_block, selected_style};
use crate::app::{App, Focus};
use crate::text::{clean, thousands};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let tree = &app.link.store.tree;
    let total = thousands(u64::from(tree.topic_count()));
    let msgs = crate::text::count(tree.msg_count(), "msg", "msgs");
    let title = if app.tree.filter.is_active() {
        // The count first: on a narrow pane the filter's text is what gets cut.
        let _ = app.tree_rows(); // builds the rows, and the count, if due
        let matched = app
            .tree
            .matched()
            .map_or("?".into(), |n| thousands(n as u64));
        let mut t = format!(
            " Topics {matched} of {total} · filter: {} ",
            clean(&app.tree.filter.text)
        );
        if let Some(why) = app.tree.filter.problem() {
            t.push_str(&format!("· {} ", clean(&why)));
        }
        t
    } else {
        format!(" Topics {total} · {msgs} ")
    };
    let title = match app.tree.order.words() {
        Some(order) => format!("{title}· {order} "),
        None => title,
    };
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
    let visible = &rows[top.min(rows.len())..(top + h).min(rows.len())];
    let cols = Columns::new(app, visible, w);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(top)
        .take(h)
        .map(|(i, id)| {
            let open = app.tree.filter.is_active() || app.tree.expanded.contains(id);
            let mut line = tree_row::line(app, &cols, *id, open, w);
            if Some(i) == sel {
                line = line.style(selected_style(app.focus == Focus::Tree));
            }
            line
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
