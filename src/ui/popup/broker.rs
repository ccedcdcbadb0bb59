//! `B`: the broker's own numbers from `$SYS`, a row per metric with the topic it was read
//! from, then what we observe ourselves; why nothing came, when nothing did.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::text::{clean, fit, pad};
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, opened: std::time::Instant, area: Rect) {
    let panel = app.sys_panel(opened);
    let w = area.width.saturating_sub(4).clamp(20, 120);
    let h = (panel.rows.len() as u16).saturating_add(8);
    let title = " Broker ($SYS) · any key closes ";
    let inner = super::framed(f, area, w, h, title);
    let width = inner.width as usize;
    let mut lines: Vec<Line> = panel
        .rows
        .iter()
        .map(|r| {
            let value = r.value.clone().unwrap_or_else(|| "–".into());
            let topic = r
                .topic
                .as_deref()
                .map(|t| format!("  {}", clean(t)))
                .unwrap_or_default();
            let text = format!("{} {}", pad(r.name, 18), value);
            let line = Line::from(vec![
                ratatui::text::Span::raw(fit(&text, width).into_owned()),
                ratatui::text::Span::styled(
                    fit(&topic, width.saturating_sub(crate::text::width(&text))).into_owned(),
                    theme().dim,
                ),
            ]);
            match r.value {
                Some(_) => line,
                None => line.style(theme().dim),
            }
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::raw(
        fit(&format!("{} {}", pad("we observe", 18), panel.ours), width).into_owned(),
    ));
    if let Some(why) = panel.why_empty {
        lines.push(Line::raw(""));
        lines.push(Line::styled(why, theme().warn));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
