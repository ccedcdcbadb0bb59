//! The help popup: the keymap table, every context's keys, scrollable.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::keymap::help_rows;
use crate::text::{pad, width};

/// " Keys 1–37 of 55 · ↑↓ PgUp PgDn scroll · any other key closes "
fn title(scroll: usize, shown: usize, total: usize) -> String {
    let first = scroll.min(total.saturating_sub(1));
    let last = (first + shown).min(total);
    if shown >= total {
        " Keys · any key closes ".into()
    } else {
        format!(
            " Keys {}–{last} of {total} · ↑↓ PgUp PgDn scroll · any other key closes ",
            first + 1
        )
    }
}

pub fn draw(f: &mut Frame, area: Rect, scroll: usize) {
    let rows = help_rows();
    let popup = centered(area, 96, rows.len() as u16 + 4);
    f.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(title(
            scroll,
            popup.height.saturating_sub(2) as usize,
            rows.len(),
        ))
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let keys_w = rows.iter().map(|r| width(&r.0)).max().unwrap_or(8).min(24);
    let lines: Vec<Line> = rows
        .iter()
        .skip(scroll.min(rows.len().saturating_sub(1)))
        .map(|(keys, ctx, what)| {
            Line::from(vec![
                Span::styled(pad(keys, keys_w + 2), theme().warn),
                Span::styled(pad(ctx, 14), theme().dim),
                Span::raw(*what),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
