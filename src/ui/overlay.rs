//! Popups: the help (generated from the keymap), the profile picker, the filter prompt.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::App;
use crate::app::keymap::help_rows;
use crate::text::{clean, fit, pad};

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn help(f: &mut Frame, area: Rect, scroll: usize) {
    let rows = help_rows();
    let popup = centered(area, 96, rows.len() as u16 + 4);
    f.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" Keys · any key closes ")
        .border_style(Style::default().fg(Color::Cyan));
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let keys_w = rows
        .iter()
        .map(|r| crate::text::width(&r.0))
        .max()
        .unwrap_or(8)
        .min(24);
    let lines: Vec<Line> = rows
        .iter()
        .skip(scroll.min(rows.len().saturating_sub(1)))
        .map(|(keys, ctx, what)| {
            Line::from(vec![
                Span::styled(pad(keys, keys_w + 2), Style::default().fg(Color::Yellow)),
                Span::styled(pad(ctx, 14), Style::default().fg(Color::DarkGray)),
                Span::raw(*what),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn picker(f: &mut Frame, app: &App, area: Rect, selected: usize) {
    let popup = centered(area, 90, app.profiles.len() as u16 + 4);
    f.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" Profiles · Enter connects · Esc closes ")
        .border_style(Style::default().fg(Color::Cyan));
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
                line.style(Style::default().add_modifier(Modifier::REVERSED))
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// The filter prompt, on the bottom border of the pane it filters.
pub fn filter_prompt(f: &mut Frame, pane: Rect, text: &str) {
    if pane.height < 2 || pane.width < 4 {
        return;
    }
    let row = Rect::new(pane.x + 1, pane.y + pane.height - 1, pane.width - 2, 1);
    let shown = format!("/{}█", clean(text));
    f.render_widget(Clear, row);
    f.render_widget(
        Paragraph::new(Span::styled(
            fit(&shown, row.width as usize).into_owned(),
            Style::default().fg(Color::Black).bg(Color::Yellow),
        )),
        row,
    );
}
