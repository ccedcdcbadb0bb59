//! The compose pane: topic, payload, QoS selector, retain toggle, and the last outcome.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui_textarea::TextArea;

use crate::app::layout::Areas;
use crate::app::{App, Field, Focus};
use crate::text::{clean, fit, wrap};

/// A text field styled for whether it has the focus (a shaded background and a visible cursor).
fn field(area: &TextArea<'static>, focused: bool) -> TextArea<'static> {
    let mut t = area.clone();
    if focused {
        t.set_style(theme().field_focused);
        t.set_cursor_style(theme().selected);
    } else {
        t.set_style(Style::default());
        t.set_cursor_style(Style::default());
    }
    t
}

pub fn draw(f: &mut Frame, app: &App, areas: &Areas) {
    let c = &app.compose;
    // With several connections, the one it publishes on is named.
    let on = app
        .focus_name()
        .map(|n| format!(" on {n}"))
        .unwrap_or_default();
    let title = match c.encoding {
        crate::app::compose::Encoding::Text => format!(" Publish{on} · Ctrl+S "),
        e => format!(" Publish{on} · Ctrl+S · payload is {} (Ctrl+T) ", e.name()),
    };
    let block = super::pane_block(&title, areas.compose.width, app.focus.is_compose());
    f.render_widget(block, areas.compose);
    let label = areas.compose_label;
    if areas.compose_topic.height == 0 {
        return;
    }
    f.render_widget(Paragraph::new(Span::styled("Topic ", theme().dim)), label);
    f.render_widget(
        &field(&c.topic.area, app.focus == Focus::Compose(Field::Topic)),
        areas.compose_topic,
    );

    let mut qos_spans = vec![Span::styled(" QoS ", theme().dim)];
    for q in 0..=2u8 {
        let chosen = c.qos.as_u8() == q;
        let text = if chosen {
            format!("‹{q}›")
        } else {
            format!(" {q} ")
        };
        let mut style = if chosen {
            theme().chosen
        } else {
            Style::default()
        };
        if app.focus == Focus::Compose(Field::Qos) && chosen {
            style = style.add_modifier(Modifier::REVERSED);
        }
        qos_spans.push(Span::styled(text, style));
    }
    f.render_widget(Paragraph::new(Line::from(qos_spans)), areas.compose_qos);
    let retain_style = if app.focus == Focus::Compose(Field::Retain) {
        theme().selected
    } else {
        Style::default()
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Retain ", theme().dim),
            Span::styled(if c.retain { "☑" } else { "☐" }, retain_style),
        ])),
        areas.compose_retain,
    );
    // While properties are set, their summary takes the payload's first row.
    let mut payload_area = areas.compose_payload;
    if let Some(p) = &c.properties
        && payload_area.height >= 2
    {
        let line = fit(
            &super::popup::props::summary(p),
            payload_area.width as usize,
        )
        .into_owned();
        f.render_widget(
            Paragraph::new(Span::styled(line, theme().accent)),
            ratatui::layout::Rect {
                height: 1,
                ..payload_area
            },
        );
        payload_area.y += 1;
        payload_area.height -= 1;
    }
    // The outcome (or the payload's hint) is never cut: too long for its row, it wraps upward
    // over the payload's last rows, keeping at least one row of payload.
    let (words, style) = match (&c.status, &c.payload_hint) {
        (Some((text, true)), _) => (Some(clean(text)), theme().error),
        (Some((text, false)), _) => (Some(clean(text)), theme().ok),
        (None, Some(hint)) => (Some(clean(hint)), theme().warn),
        (None, None) => (None, Style::default()),
    };
    let mut status_area = areas.compose_status;
    let lines = match &words {
        Some(w) if status_area.height > 0 => wrap(w, status_area.width as usize),
        _ => Vec::new(),
    };
    let extra = (lines.len() as u16)
        .saturating_sub(1)
        .min(payload_area.height.saturating_sub(1));
    payload_area.height -= extra;
    status_area.y -= extra;
    status_area.height += extra;
    f.render_widget(
        &field(&c.payload.area, app.focus == Focus::Compose(Field::Payload)),
        payload_area,
    );
    if !lines.is_empty() {
        // The end if it still does not fit: it says how things ended.
        let rows = status_area.height as usize;
        let shown: Vec<Line> = if lines.len() > rows {
            let mut kept = lines[lines.len() - rows..].to_vec();
            kept[0] = fit(&format!("…{}", kept[0]), status_area.width as usize).into_owned();
            kept.into_iter().map(|l| Line::styled(l, style)).collect()
        } else {
            lines.into_iter().map(|l| Line::styled(l, style)).collect()
        };
        f.render_widget(Paragraph::new(shown), status_area);
    }
}
