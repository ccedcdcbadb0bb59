//! `C`: the open connections, one row each: name, state, broker, topics, messages, memory of
//! its share of the budget; the one in focus marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::connections::{Health, name_of};
use crate::app::popup::ConnsPopup;
use crate::text::{clean, count, fit, human_bytes, pad};
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, p: &ConnsPopup, area: Rect) {
    let links = app.links();
    let w = area.width.saturating_sub(4).clamp(20, 120);
    let h = (links.len() as u16).saturating_add(3);
    let title = format!(
        " Connections {} · budget {} ÷ {} · Enter focuses · a adds · x closes · Esc ",
        links.len(),
        human_bytes(app.budget as u64),
        links.len()
    );
    let inner = super::framed(f, area, w, h, &title);
    let width = inner.width as usize;
    let selected = p.selected.min(links.len().saturating_sub(1));
    let name_w = links
        .iter()
        .map(|l| crate::text::width(&clean(&name_of(l))))
        .max()
        .unwrap_or(8)
        .min(32);
    let rows = inner.height as usize;
    let top = super::window_top(selected, rows);
    let lines: Vec<Line> = links
        .iter()
        .enumerate()
        .skip(top)
        .take(rows)
        .map(|(i, l)| {
            let health = Health::of(l);
            let focus = if l.id == app.link.id { "●" } else { " " };
            let url = l.conn.as_ref().map(|c| clean(&c.url).into_owned());
            // Why it fails, while it does, right after the state: the row may be cut at the
            // popup's edge.
            let state = match (health, l.conn.as_ref().and_then(|c| c.last_error.as_ref())) {
                (Health::Failing, Some(e)) => format!("failing ({})", clean(e)),
                _ => pad(health.words(), 10),
            };
            // A connection opened with -b is named by its URL: shown once.
            let name = clean(&name_of(l)).into_owned();
            let url = url.filter(|u| *u != name).unwrap_or_default();
            let text = format!(
                "{focus} {}  {}  {}  {}  {}/{}  {}",
                pad(&name, name_w),
                state,
                count(u64::from(l.store.tree.topic_count()), "topic", "topics"),
                count(l.store.tree.msg_count(), "msg", "msgs"),
                human_bytes(l.store.memory_bytes() as u64),
                human_bytes(l.store.limits().memory_budget as u64),
                url,
            );
            let marker = if i == selected { "›" } else { " " };
            let line = Line::raw(fit(&format!("{marker}{text}"), width).into_owned());
            match (i == selected, health) {
                (true, _) => line.style(theme().selected),
                (_, Health::Failing) => line.style(theme().error),
                (_, Health::Connecting) => line.style(theme().warn),
                _ => line,
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
