//! The repeat prompt (`Ctrl+R` in compose).

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::popup::RepeatPopup;

pub fn draw(f: &mut Frame, area: Rect, p: &RepeatPopup) {
    let popup = centered(area, 64, 7);
    f.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" Send it again and again · Tab switches · Enter starts · Esc ")
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let field = |name: &str, v: &str, on: bool| {
        Line::from(vec![
            Span::styled(format!("{name:<16}"), theme().dim),
            Span::styled(
                format!("{v}{}", if on { "█" } else { "" }),
                if on {
                    theme().field_focused
                } else {
                    ratatui::style::Style::new()
                },
            ),
        ])
    };
    let status = match p.parsed() {
        Ok((n, every)) => Line::styled(
            format!(
                "{n} publishes, one every {:.2} s; Ctrl+R in compose stops",
                every.as_secs_f64()
            ),
            theme().ok,
        ),
        Err(e) => Line::styled(e, theme().error),
    };
    let lines = vec![
        field("times", &p.times, !p.on_every),
        field("every (seconds)", &p.every, p.on_every),
        Line::raw(""),
        status,
    ];
    f.render_widget(Paragraph::new(lines), inner);
}
