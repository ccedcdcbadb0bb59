//! `O`: the mock rules, a row each (the chosen one highlighted): its filter and where it
//! answers, whether it is on, and what it did; then how many of our own answers came back.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::popup::MockPopup;
use crate::text::{clean, fit};
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, p: &MockPopup, area: Rect) {
    let Some(mk) = &app.mocking else {
        return;
    };
    let rules = &mk.mock.rules;
    let w = area.width.saturating_sub(4).clamp(20, 130);
    let h = (rules.len() as u16 + 5)
        .min(area.height.saturating_sub(2))
        .max(5);
    let title = format!(" Devices that answer · {} · Space on/off · Esc ", mk.file);
    let inner = super::framed(f, area, w, h, &title);
    let width = inner.width as usize;
    let room = (inner.height as usize).saturating_sub(2).max(1);
    let selected = p.selected.min(rules.len().saturating_sub(1));
    let top = super::window_top(selected, room);
    let mut lines: Vec<Line> = Vec::new();
    for (i, (r, c)) in rules
        .iter()
        .zip(&mk.mock.counts)
        .enumerate()
        .skip(top)
        .take(room)
    {
        let to = match &r.answer.topic {
            Some(t) => clean(t).into_owned(),
            None => "the response topic".into(),
        };
        let state = if mk.mock.off[i] { "off" } else { "on " };
        let text = format!(
            "{state} {}: {} → {to} · {} hits, {} answered, {} over its rate, {} not answered",
            clean(&r.name),
            clean(&r.filter),
            c.hits,
            c.answered,
            c.limited,
            c.failed
        );
        let text = fit(&text, width).into_owned();
        lines.push(if i == selected {
            Line::styled(text, theme().selected)
        } else if mk.mock.off[i] {
            Line::styled(text, theme().dim)
        } else {
            Line::raw(text)
        });
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        fit(
            &format!(
                "{} of our own answers came back and were not taken as requests",
                mk.mock.guarded
            ),
            width,
        )
        .into_owned(),
        theme().dim,
    ));
    f.render_widget(Paragraph::new(lines), inner);
}
