//! `M`: every connection's tree in one, each connection a root (`@name`), with each topic's
//! message count and last value; the title says how many rows, the filter and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::features::all_tree::MATCHES_SHOWN;
use crate::app::popup::AllTreePopup;
use crate::text::{clean, fit, payload_preview, short_count};
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, p: &AllTreePopup, area: Rect) {
    let rows = app.all_tree_rows(p);
    let w = area.width.saturating_sub(4).clamp(20, 140);
    let h = crate::app::popup::trace::rows(area.height) as u16 + 2;
    let filter = if p.filter.is_empty() {
        "type to filter".to_string()
    } else {
        let topics = rows.iter().filter(|r| r.node.is_some()).count();
        let cut = if topics >= MATCHES_SHOWN {
            format!(" (the first {MATCHES_SHOWN} per connection)")
        } else {
            String::new()
        };
        format!("filter: {} · {topics} topics{cut}", clean(&p.filter))
    };
    let title = format!(
        " All connections · {filter} · →← open · Enter compares · Tab shows in its tree · Esc "
    );
    let inner = super::framed(f, area, w, h, &title);
    let width = inner.width as usize;
    let height = inner.height as usize;
    let selected = p.selected.min(rows.len().saturating_sub(1));
    let links = app.links();
    let top = super::window_top(selected, height);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, r)| {
            let indent = "  ".repeat(r.depth as usize);
            let mark = match (r.has_children, r.open) {
                (false, _) => "  ",
                (true, true) => "▾ ",
                (true, false) => "▸ ",
            };
            let value = r
                .topic
                .as_ref()
                .and_then(|_| {
                    let link = links.iter().find(|l| l.id == r.conn)?;
                    let e = link.store.last(r.node?)?;
                    Some(format!(" = {}", payload_preview(link.store.payload(e), 40)))
                })
                .unwrap_or_default();
            let text = format!(
                "{indent}{mark}{} ({}){value}",
                clean(&r.label),
                short_count(r.msgs)
            );
            let line = Line::raw(fit(&text, width).into_owned());
            if i == selected {
                line.style(theme().selected)
            } else if r.node.is_none() {
                line.style(theme().bold)
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
