//! The payload-from-a-file prompt, on the compose pane's bottom border.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Clear, Paragraph};

use crate::text::{clean, fit};

pub fn draw(f: &mut Frame, pane: Rect, path: &str) {
    if pane.height < 2 || pane.width < 4 {
        return;
    }
    let row = Rect::new(pane.x + 1, pane.y + pane.height - 1, pane.width - 2, 1);
    let shown = format!(
        "payload from file: {}█  (Enter reads it, Esc cancels)",
        clean(path)
    );
    f.render_widget(Clear, row);
    f.render_widget(
        Paragraph::new(Span::styled(
            fit(&shown, row.width as usize).into_owned(),
            theme().prompt,
        )),
        row,
    );
}
