//! `T`: the control packets of the connection, newest last, one line each, with when; the
//! title says how many, the filter, and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::App;
use crate::app::popup::trace::TracePopup;
use crate::text::{clean, fit};
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, p: &TracePopup, area: Rect) {
    let w = area.width.saturating_sub(4).clamp(20, 140);
    let h = crate::app::popup::trace::rows(area.height) as u16 + 2;
    let popup = centered(area, w, h);
    f.render_widget(Clear, popup);
    let shown: Vec<_> = app.link.packets.iter().filter(|k| p.shows(k)).collect();
    let filter = if p.filter.is_empty() {
        "type to filter (packet id, topic, kind)".to_string()
    } else {
        format!("filter: {}", clean(&p.filter))
    };
    let title = format!(
        " Packets · {} of the last {} · {filter} · ↑↓ scroll · Esc closes ",
        shown.len(),
        app.link.packets.len()
    );
    let block = Block::bordered()
        .title(fit(&title, w.saturating_sub(2) as usize).into_owned())
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let height = inner.height as usize;
    let end = shown.len().saturating_sub(p.back);
    let start = end.saturating_sub(height);
    let width = inner.width as usize;
    let lines: Vec<Line> = if shown.is_empty() {
        vec![Line::styled(
            "no packet traced yet (or none the filter keeps)",
            theme().dim,
        )]
    } else {
        shown[start..end]
            .iter()
            .map(|k| {
                let text = format!("{} {}", crate::text::time_of(k.at), k.line());
                let style = match k.out {
                    None => theme().error,
                    Some(true) => ratatui::style::Style::new(),
                    Some(false) => theme().accent,
                };
                Line::styled(fit(&text, width).into_owned(), style)
            })
            .collect()
    };
    f.render_widget(Paragraph::new(lines), inner);
}
