//! `=`: one topic across the connections: the verdict first (agree, differ, only on some),
//! then a row per connection: its state, when its last message came, the arrival of the
//! newest value relative to the first connection it reached, and the value itself.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::features::compare::{Arrival, Verdict};
use crate::text::{clean, fit, fit_topic, pad, payload_preview, time_of};
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, topic: &str, area: Rect) {
    let c = app.compare(topic);
    let w = area.width.saturating_sub(4).clamp(20, 140);
    let h = (c.sides.len() as u16 * 2).saturating_add(5);
    let title = format!(
        " Compare {} · arrival as received here · any key closes ",
        fit_topic(&clean(topic), 60)
    );
    let inner = super::framed(f, area, w, h, &title);
    let width = inner.width as usize;
    let verdict_style = match c.verdict {
        Verdict::Agree => theme().ok,
        Verdict::Nowhere => theme().dim,
        _ => theme().warn,
    };
    let mut lines = vec![
        Line::styled(c.verdict.words(c.sides.len()), verdict_style),
        Line::raw(""),
    ];
    // The arrival column as wide as its longest words ("newest value not arrived" was cut).
    let arrival_w = c
        .sides
        .iter()
        .map(|s| crate::text::width(&s.arrival.words()))
        .max()
        .unwrap_or(0);
    let name_w = c
        .sides
        .iter()
        .map(|s| crate::text::width(&clean(&s.name)))
        .max()
        .unwrap_or(4)
        .min(24);
    for s in &c.sides {
        let (when, value) = match &s.last {
            Some(l) => {
                let retained = if l.retain { " retained" } else { "" };
                let cut = if l.cut {
                    " (cut to fit the budget)"
                } else {
                    ""
                };
                (
                    format!(
                        "{}{retained} · {}",
                        time_of(l.received),
                        crate::text::count(l.count, "msg", "msgs")
                    ),
                    format!(
                        "{}{cut}",
                        payload_preview(&l.payload, width.saturating_sub(4))
                    ),
                )
            }
            None => ("never received".to_string(), String::new()),
        };
        let arrival = s.arrival.words();
        let head = format!(
            "{}  {}  {}  {}",
            pad(&clean(&s.name), name_w),
            pad(s.health.words(), 10),
            pad(&arrival, arrival_w),
            when
        );
        let style = match s.arrival {
            Arrival::Missing => theme().warn,
            _ => ratatui::style::Style::new(),
        };
        lines.push(Line::styled(fit(&head, width).into_owned(), style));
        lines.push(Line::styled(
            fit(&format!("    {value}"), width).into_owned(),
            theme().dim,
        ));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
