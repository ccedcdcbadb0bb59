//! The filter prompt, on the bottom border of the pane it filters.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Clear, Paragraph};

use crate::text::{clean, fit};

/// The filter prompt, on the bottom border of the pane it filters.
pub fn draw(f: &mut Frame, pane: Rect, text: &str) {
    if pane.height < 2 || pane.width < 4 {
        return;
    }
    let row = Rect::new(pane.x + 1, pane.y + pane.height - 1, pane.width - 2, 1);
    let shown = format!("/{}█", clean(text));
    f.render_widget(Clear, row);
    f.render_widget(
        Paragraph::new(Span::styled(
            fit(&shown, row.width as usize).into_owned(),
            theme().prompt,
        )),
        row,
    );
}
