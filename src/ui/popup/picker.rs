//! The profile picker.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::App;
use crate::text::{clean, fit, pad};

pub fn draw(f: &mut Frame, app: &App, area: Rect, selected: usize) {
    let popup = centered(area, 90, app.profiles.len() as u16 + 4);
    f.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" Profiles · Enter connects · Esc closes ")
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    if app.profiles.is_empty() {
        f.render_widget(
            Paragraph::new("no profiles: add some to the config file, or start with -b URL"),
            inner,
        );
        return;
    }
    let w = inner.width as usize;
    let lines: Vec<Line> = app
        .profiles
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let user = p
                .username
                .as_deref()
                .map(|u| format!("user {}", clean(u)))
                .unwrap_or_default();
            let text = format!(
                "{}  {}  {}",
                pad(&clean(&p.name), 16),
                pad(&p.broker.to_string(), 40),
                user
            );
            let line = Line::raw(fit(&text, w).into_owned());
            if i == selected {
                line.style(theme().selected)
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
