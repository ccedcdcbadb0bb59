//! A yes/no question, centred over the panes.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::app::popup::ConfirmPopup;
use crate::text::fit;

pub fn draw(f: &mut Frame, area: Rect, p: &ConfirmPopup) {
    let popup = centered(area, 72, (p.lines.len() as u16).saturating_add(4));
    f.render_widget(Clear, popup);
    let title = format!(" {} ", p.title);
    let block = Block::bordered()
        .title(fit(&title, popup.width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().warn);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let mut lines: Vec<Line> = p.lines.iter().map(|l| Line::raw(l.clone())).collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter or y: send · Esc or n: cancel",
        theme().dim,
    ));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
