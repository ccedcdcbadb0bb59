//! The MQTT 5 properties form (`Ctrl+O` in compose), and the one-line summary compose shows
//! under the topic while properties are set.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::popup::{PropField, PropsPopup};
use crate::mqtt::Properties;
use crate::text::{clean, fit};

/// "utf8 · expiry 60 s · application/json · reply r/1 · corr req-1 · 2 user properties"
pub fn summary(p: &Properties) -> String {
    let mut s = Vec::new();
    match p.payload_format_indicator {
        Some(1) => s.push("utf8".to_string()),
        Some(_) => s.push("bytes".into()),
        None => {}
    }
    if let Some(e) = p.message_expiry_interval {
        s.push(format!("expiry {e} s"));
    }
    if let Some(c) = &p.content_type {
        s.push(clean(c).into_owned());
    }
    if let Some(r) = &p.response_topic {
        s.push(format!("reply to {}", clean(r)));
    }
    if let Some(c) = &p.correlation_data {
        s.push(format!(
            "correlation {}",
            clean(&crate::publish::props_input::correlation_text(c))
        ));
    }
    match p.user_properties.len() {
        0 => {}
        1 => s.push("1 user property".into()),
        n => s.push(format!("{n} user properties")),
    }
    format!("MQTT 5: {} (Ctrl+O)", s.join(" · "))
}

pub fn draw(f: &mut Frame, area: Rect, p: &PropsPopup) {
    let users = p.user_properties.lines().count().max(1) as u16;
    let popup = centered(area, 84, 10 + users);
    f.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" MQTT 5 properties of the next publishes · Tab next · Ctrl+S applies · Esc ")
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let w = inner.width as usize;
    let row = |name: &str, value: &str, this: PropField, hint: &str| {
        let focused = p.field == this;
        let style = if focused {
            theme().field_focused
        } else {
            ratatui::style::Style::new()
        };
        let mut spans = vec![
            Span::styled(format!("{name:<20}"), theme().dim),
            Span::styled(clean(value).into_owned(), style),
        ];
        if focused {
            spans.push(Span::raw("█"));
        }
        if value.is_empty() && !hint.is_empty() {
            spans.push(Span::styled(format!(" {hint}"), theme().dim));
        }
        Line::from(spans)
    };
    let format = match p.payload_format {
        None => "not sent",
        Some(1) => "utf8",
        Some(_) => "bytes",
    };
    let mut lines = vec![
        row("payload format", format, PropField::PayloadFormat, ""),
        row(
            "message expiry (s)",
            &p.expiry,
            PropField::Expiry,
            "seconds",
        ),
        row(
            "content type",
            &p.content_type,
            PropField::ContentType,
            "e.g. application/json",
        ),
        row(
            "response topic",
            &p.response_topic,
            PropField::ResponseTopic,
            "",
        ),
        row(
            "correlation data",
            &p.correlation,
            PropField::Correlation,
            "text, or hex:0a1b",
        ),
    ];
    let users: Vec<&str> = p.user_properties.split('\n').collect();
    for (i, u) in users.iter().enumerate() {
        let name = if i == 0 { "user properties" } else { "" };
        let focused_last = p.field == PropField::UserProperties && i + 1 == users.len();
        let mut spans = vec![
            Span::styled(format!("{name:<20}"), theme().dim),
            Span::styled(
                clean(u).into_owned(),
                if p.field == PropField::UserProperties {
                    theme().field_focused
                } else {
                    ratatui::style::Style::new()
                },
            ),
        ];
        if focused_last {
            spans.push(Span::raw("█"));
        }
        if i == 0 && u.is_empty() {
            spans.push(Span::styled(" key=value, Enter for the next", theme().dim));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    lines.push(match p.properties() {
        Ok(None) => Line::styled("none set: publishes carry no properties", theme().dim),
        Ok(Some(props)) => Line::styled(fit(&summary(&props), w).into_owned(), theme().ok),
        Err(e) => Line::styled(fit(&e, w).into_owned(), theme().error),
    });
    lines.push(Line::styled(
        "← → or Space: payload format · Ctrl+U clears a field · Ctrl+L clears all",
        theme().dim,
    ));
    f.render_widget(Paragraph::new(lines), inner);
}
