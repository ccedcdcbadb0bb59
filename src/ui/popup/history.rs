//! The publish history and snippets popup (`Ctrl+P` in compose).

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::App;
use crate::app::popup::HistoryPopup;
use crate::text::{clean, fit, payload_preview};

pub fn draw(f: &mut Frame, app: &App, area: Rect, p: &HistoryPopup) {
    let total = HistoryPopup::rows(&app.history);
    let list_h = area.height.saturating_sub(10).clamp(3, 24);
    let popup = centered(area, 110, list_h + 4);
    f.render_widget(Clear, popup);
    let title = format!(
        " Snippets ({}) and publishes ({}) · Enter loads into compose · s saves compose as a snippet · Esc ",
        app.history.snippets.len(),
        app.history.items.len()
    );
    let block = Block::bordered()
        .title(fit(&title, popup.width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let w = inner.width as usize;
    let rows = inner.height.saturating_sub(2) as usize;
    let top = (p.selected + 1).saturating_sub(rows.max(1));
    let mut lines: Vec<Line> = Vec::new();
    if total == 0 {
        lines.push(Line::styled(
            "nothing yet: publishes from compose are kept here; s saves compose as a snippet",
            theme().dim,
        ));
    }
    let snippets = app.history.snippets.len();
    for i in top..(top + rows).min(total) {
        let (mark, when, topic, payload, note) = if i < snippets {
            let s = &app.history.snippets[i];
            (
                "★",
                clean(&s.name).into_owned(),
                s.topic.clone(),
                s.payload.as_bytes().to_vec(),
                format!("q{}{}", s.qos.as_u8(), if s.retain { " R" } else { "" }),
            )
        } else {
            let Some(h) = app.history.items.iter().rev().nth(i - snippets) else {
                continue;
            };
            let t: chrono::DateTime<chrono::Local> = h.time.into();
            (
                " ",
                t.format("%m-%d %H:%M:%S").to_string(),
                h.topic.clone(),
                h.payload.to_vec(),
                format!(
                    "q{}{} {}",
                    h.qos.as_u8(),
                    if h.retain { " R" } else { "" },
                    h.outcome
                ),
            )
        };
        let head = format!(
            "{mark} {:<14} {:<32} ",
            fit(&when, 14),
            fit(&clean(&topic), 32)
        );
        let rest = w.saturating_sub(crate::text::width(&head) + note.len() + 2);
        let line = Line::from(vec![
            Span::styled(head, theme().accent),
            Span::raw(format!("{:<rest$} ", payload_preview(&payload, rest))),
            Span::styled(clean(&note).into_owned(), theme().dim),
        ]);
        lines.push(if i == p.selected {
            line.style(theme().selected)
        } else {
            line
        });
    }
    f.render_widget(
        Paragraph::new(lines),
        Rect {
            height: inner.height.saturating_sub(1),
            ..inner
        },
    );
    let foot = match &p.naming {
        Some(n) => Line::styled(
            format!(
                "snippet name: {}█  (Enter saves to the profile file, Esc cancels)",
                clean(n)
            ),
            theme().prompt,
        ),
        None => Line::styled(
            "templates: {{now}} {{timestamp}} {{uuid}} {{seq}} {{rand A B}} {{env VAR}}, expanded when sent",
            theme().dim,
        ),
    };
    f.render_widget(
        Paragraph::new(foot),
        Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1.min(inner.height),
            ..inner
        },
    );
}
