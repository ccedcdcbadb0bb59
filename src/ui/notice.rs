//! The current notice, drawn on its own lines just above the status bar: wrapped to the width,
//! never cut (at most the screen's height above the bar), so the bar keeps every segment of its
//! own. Warnings and errors are marked (`!`, `✗`) as well as coloured, for NO_COLOR.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{App, Level};
use crate::text::{clean, wrap};

pub fn draw(f: &mut Frame, app: &App, status: Rect) {
    let Some(n) = app.notices.current() else {
        return;
    };
    let (mark, style) = match n.level {
        Level::Info => ("", theme().ok),
        Level::Warning => ("! ", theme().warn),
        Level::Error => ("✗ ", theme().error),
    };
    let text = format!("{mark}{}", clean(&n.text));
    let lines = wrap(&text, status.width as usize);
    let rows = (lines.len() as u16).min(status.y);
    if rows == 0 {
        return;
    }
    // The last lines if the screen is shorter than the notice: the end says what happened.
    let shown: Vec<Line> = lines[lines.len() - rows as usize..]
        .iter()
        .map(|l| Line::styled(l.clone(), style))
        .collect();
    let area = Rect::new(status.x, status.y - rows, status.width, rows);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(shown), area);
}
