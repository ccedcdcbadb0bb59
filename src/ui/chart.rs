//! The chart of a topic's numbers (`c`), in the detail pane: a line over the kept messages'
//! times, with min, max, average and last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

use super::log::time_of;
use crate::app::App;
use crate::text::{clean, fit};
use crate::ui::theme::theme;

fn at(secs: f64) -> std::time::SystemTime {
    std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs_f64(secs.max(0.0))
}

fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The frame with a line in place of the chart.
fn say(f: &mut Frame, block: Block, area: Rect, words: &'static str) {
    let inner = block.inner(area);
    f.render_widget(block, area);
    f.render_widget(Paragraph::new(Line::styled(words, theme().dim)), inner);
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let topic = app
        .detail_entry()
        .map(|e| clean(&app.link.store.tree.path(e.node)).into_owned())
        .unwrap_or_default();
    let Some(s) = app.chart_series() else {
        let block = Block::bordered()
            .title(format!(" {topic} · chart "))
            .border_style(theme().dim);
        say(
            f,
            block,
            area,
            "no numbers in this topic's payloads to chart (c closes)",
        );
        return;
    };
    let values: Vec<f64> = s.points.iter().map(|p| p.1).collect();
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    let avg = values.iter().sum::<f64>() / values.len().max(1) as f64;
    // The lowest, highest and newest values as written; the average is worked out in floats,
    // and says so when a value was rounded.
    let written = |want: f64| {
        values
            .iter()
            .position(|v| *v == want)
            .and_then(|i| s.written.get(i))
            .map_or_else(|| num(want), |t| clean(t).into_owned())
    };
    let approx = if s.rounded > 0 { "≈" } else { "" };
    let name = if s.field.is_empty() {
        "value".to_string()
    } else {
        clean(&s.field).into_owned()
    };
    let title = format!(
        " {topic} · {name} {}/{} · last {} · min {} max {} avg {approx}{} · {} pts ",
        s.fields
            .iter()
            .position(|f| *f == s.field)
            .map_or(1, |i| i + 1),
        s.fields.len(),
        s.written
            .last()
            .map_or_else(String::new, |t| clean(t).into_owned()),
        written(min),
        written(max),
        num(avg),
        values.len()
    );
    let width = area.width.saturating_sub(2) as usize;
    let mut block = Block::bordered()
        .title(fit(&title, width).into_owned())
        .border_style(theme().dim);
    if let Some(example) = &s.rounded_example {
        // The chart draws floats: what was not drawn as written is said, with an example.
        let words = format!(
            " {} of {} not as written (64-bit floats): {} ",
            s.rounded,
            s.read,
            clean(example)
        );
        block = block.title_bottom(Line::styled(fit(&words, width).into_owned(), theme().warn));
    }
    if s.points.len() < 2 {
        say(
            f,
            block,
            area,
            "one value so far: the chart starts with the second",
        );
        return;
    }
    let t0 = s.points[0].0;
    let t1 = s.points[s.points.len() - 1].0.max(t0 + 1e-3);
    let data: Vec<(f64, f64)> = s.points.iter().map(|(t, v)| (t - t0, *v)).collect();
    let (lo, hi) = if (max - min).abs() < f64::EPSILON {
        (min - 1.0, max + 1.0)
    } else {
        (min, max)
    };
    let dataset = Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(theme().number)
        .data(&data);
    let chart = Chart::new(vec![dataset])
        .block(block)
        .x_axis(
            Axis::default()
                .bounds([0.0, t1 - t0])
                .labels([time_of(at(t0)), time_of(at(t1))])
                .style(theme().dim),
        )
        .y_axis(
            Axis::default()
                .bounds([lo, hi])
                .labels([written(lo), written(hi)])
                .style(theme().dim),
        );
    f.render_widget(chart, area);
}
