//! `N`: the last notices, newest first, each with how long ago and its level, wrapped.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::app::{App, Level};
use crate::text::clean;

fn ago(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        _ => format!("{} h ago", secs / 3600),
    }
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let w = area.width.saturating_sub(8).clamp(20, 110);
    let h = area.height.saturating_sub(4).max(3);
    let popup = centered(area, w, h);
    f.render_widget(Clear, popup);
    let n = app.notices.recent().count();
    let block = Block::bordered()
        .title(format!(" Notices · the last {n} · any key closes "))
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let lines: Vec<Line> = if n == 0 {
        vec![Line::styled("nothing has been said yet", theme().dim)]
    } else {
        app.notices
            .recent()
            .rev()
            .map(|notice| {
                let (mark, style) = match notice.level {
                    Level::Info => ("·", ratatui::style::Style::new()),
                    Level::Warning => ("!", theme().warn),
                    Level::Error => ("✗", theme().error),
                };
                let when = ago(app.now.saturating_duration_since(notice.at).as_secs());
                Line::styled(format!("{when:>10} {mark} {}", clean(&notice.text)), style)
            })
            .collect()
    };
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
