//! `F`: the busiest topics or subtrees, a row each: the rate, its share of all traffic and a
//! bar of that share; the title says the window, the measure, the total and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::popup::floods::FloodsPopup;
use crate::text::{clean, fit, fit_topic, human_bytes, pad};
use crate::ui::theme::theme;

/// Columns of a full bar (a row's share of all traffic).
const BAR: usize = 20;

pub fn draw(f: &mut Frame, app: &App, p: &FloodsPopup, area: Rect) {
    let floods = app.floods(p);
    let w = area.width.saturating_sub(4).clamp(20, 120);
    let h = area.height.saturating_sub(4).max(5);
    let rate = |r: f32| match p.by_bytes {
        true => format!("{}/s", human_bytes(r as u64)),
        false => format!("{r:.1} msg/s"),
    };
    let title = format!(
        " What floods · {} by {} over {} · all traffic {} · w window · b bytes · s {} · Enter shows ",
        if p.subtrees { "subtrees" } else { "topics" },
        if p.by_bytes { "bytes/s" } else { "msg/s" },
        p.window.words(),
        rate(floods.total),
        if p.subtrees { "topics" } else { "subtrees" },
    );
    let inner = super::framed(f, area, w, h, &title);
    let width = inner.width as usize;
    if floods.rows.is_empty() {
        let line = Line::styled("nothing received over this window", theme().dim);
        f.render_widget(Paragraph::new(line), inner);
        return;
    }
    let rows = inner.height as usize;
    let selected = p.selected.min(floods.rows.len() - 1);
    let top = super::window_top(selected, rows);
    // The topic gets what the numbers and the bar leave.
    let topic_w = width.saturating_sub(14 + 8 + BAR + 4).max(8);
    let lines: Vec<Line> = floods
        .rows
        .iter()
        .enumerate()
        .skip(top)
        .take(rows)
        .map(|(i, r)| {
            let filled = (r.share * BAR as f32).round() as usize;
            let bar = format!(
                "{}{}",
                "█".repeat(filled),
                "·".repeat(BAR - filled.min(BAR))
            );
            let text = format!(
                "{} {:>14} {:>6.1}% {bar}",
                pad(&fit_topic(&clean(&r.topic), topic_w), topic_w),
                rate(r.rate),
                r.share * 100.0
            );
            let line = Line::raw(fit(&text, width).into_owned());
            if i == selected {
                line.style(theme().selected)
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
