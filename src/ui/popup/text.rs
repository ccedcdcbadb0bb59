//! A text popup: wrapped, centred.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::app::popup::TextPopup;
use crate::text::{clean, fit};

pub fn draw(f: &mut Frame, area: Rect, p: &TextPopup) {
    let w = area.width.saturating_sub(8).clamp(20, 110);
    let inner_w = w.saturating_sub(2).max(1) as usize;
    let rows =
        (crate::text::width(&p.text) / inner_w + 1) as u16 + if p.note.is_some() { 2 } else { 0 };
    let popup = centered(area, w, rows + 2);
    f.render_widget(Clear, popup);
    let title = format!(" {} ", p.title);
    let block = Block::bordered()
        .title(fit(&title, inner_w).into_owned())
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let mut lines = vec![Line::raw(clean(&p.text).into_owned())];
    if let Some(n) = &p.note {
        lines.push(Line::raw(""));
        lines.push(Line::styled(clean(n).into_owned(), theme().warn));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
