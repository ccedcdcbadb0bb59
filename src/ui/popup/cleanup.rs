//! The retained clean-up popup: looking, the preview list and count, progress, the outcome.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Gauge, Paragraph};

use super::centered;
use crate::app::App;
use crate::app::cleanup::Phase;
use crate::app::popup::CleanupPopup;
use crate::text::{clean, fit, human_bytes, payload_preview};

pub fn draw(f: &mut Frame, app: &App, area: Rect, p: &CleanupPopup) {
    let Some(c) = &app.cleanup else {
        return;
    };
    let list_rows = area.height.saturating_sub(12).clamp(3, 20) as usize;
    let h = match &c.phase {
        Phase::Preview { found, .. } => found.len().min(list_rows) as u16 + 6,
        _ => 6,
    };
    let popup = centered(area, 96, h);
    f.render_widget(Clear, popup);
    let title = format!(" Retained under {} · Enter clears · Esc ", clean(&c.filter));
    let block = Block::bordered()
        .title(fit(&title, popup.width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().warn);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let w = inner.width as usize;
    match &c.phase {
        Phase::Looking => f.render_widget(
            Paragraph::new(Line::styled(
                "looking at what the broker retains (a subscription of its own)…",
                theme().dim,
            )),
            inner,
        ),
        Phase::Preview { found, truncated } => {
            let mut lines = vec![Line::styled(
                format!(
                    "{} retained message{} will be cleared (an empty retained publish each){}:",
                    found.len(),
                    if found.len() == 1 { "" } else { "s" },
                    if *truncated {
                        ", the first of more"
                    } else {
                        ""
                    }
                ),
                theme().bold,
            )];
            let topic_w = (w * 3 / 5).max(10);
            for m in found.iter().skip(p.scroll).take(list_rows) {
                let topic = fit(&clean(&m.topic), topic_w).into_owned();
                let rest = w.saturating_sub(topic_w + 12);
                lines.push(Line::from(vec![
                    Span::styled(format!("{topic:<topic_w$} "), theme().accent),
                    Span::styled(
                        format!("{:>8} ", human_bytes(m.payload.len() as u64)),
                        theme().dim,
                    ),
                    Span::raw(payload_preview(&m.payload, rest)),
                ]));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Enter clears them all; u puts them back afterwards; Esc cancels",
                theme().dim,
            ));
            f.render_widget(Paragraph::new(lines), inner);
        }
        Phase::Working {
            restoring,
            total,
            done,
            ..
        } => {
            let verb = if *restoring { "restored" } else { "cleared" };
            let [words, bar] = ratatui::layout::Layout::vertical([
                ratatui::layout::Constraint::Length(2),
                ratatui::layout::Constraint::Length(1),
            ])
            .areas(inner);
            f.render_widget(
                Paragraph::new(format!(
                    "{done} of {total} {verb} (each acknowledged by the broker); keys stay live, Esc hides this"
                )),
                words,
            );
            let ratio = if *total == 0 {
                1.0
            } else {
                *done as f64 / *total as f64
            };
            f.render_widget(
                Gauge::default()
                    .ratio(ratio.clamp(0.0, 1.0))
                    .gauge_style(theme().ok),
                bar,
            );
        }
        Phase::Finished(words) => f.render_widget(
            Paragraph::new(Line::styled(clean(words).into_owned(), theme().bold)),
            inner,
        ),
    }
}
