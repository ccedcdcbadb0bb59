//! The subscriptions manager (`S`): each subscription with its mark, state and options; the add
//! / edit form under the list, with what is wrong with it shown as it is typed.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::popup::{SubField, SubForm, SubsPopup};
use crate::app::{App, SubStatus};
use crate::mqtt::{Protocol, Subscription};
use crate::text::{clean, fit};

/// MQTT 5's options of a subscription, short ("no local · rap · rh 2 · id 7").
pub fn options(s: &Subscription) -> String {
    let mut o = Vec::new();
    if s.no_local {
        o.push("no local".to_string());
    }
    if s.retain_as_published {
        o.push("retain as published".into());
    }
    if s.retain_handling != 0 {
        o.push(format!("retain handling {}", s.retain_handling));
    }
    if let Some(id) = s.id {
        o.push(format!("id {id}"));
    }
    o.join(" · ")
}

fn status_style(s: &SubStatus) -> ratatui::style::Style {
    match s {
        SubStatus::Granted(_) => theme().ok,
        SubStatus::Refused(_) => theme().error,
        SubStatus::Pending | SubStatus::Unsubscribing => theme().warn,
        SubStatus::Off => theme().dim,
    }
}

pub fn draw(f: &mut Frame, app: &App, area: Rect, p: &SubsPopup) {
    let form_h = if p.form.is_some() { 9 } else { 0 };
    let h = (app.link.subscriptions.len() as u16).max(1) + 4 + form_h;
    let popup = centered(area, 100, h);
    f.render_widget(Clear, popup);
    let v311 = app
        .link
        .conn
        .as_ref()
        .is_some_and(|c| c.protocol == Protocol::V311);
    let title = format!(
        " Subscriptions: {} on · a add · Enter edit · x remove · Space off/on · s save · Esc ",
        app.active_subscriptions()
    );
    let block = Block::bordered()
        .title(fit(&title, popup.width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if app.link.subscriptions.is_empty() {
        lines.push(Line::styled("none: a adds one", theme().dim));
    }
    for (i, s) in app.link.subscriptions.iter().enumerate() {
        let (mark, mark_style) = theme().sub_marks[s.colour as usize % 6];
        let selected = i == p.selected && p.form.is_none();
        let mut spans = vec![
            Span::raw(if selected { "› " } else { "  " }),
            Span::styled(mark, mark_style),
            Span::raw(format!(" {:<28} ", fit(&clean(&s.sub.filter), 28))),
            Span::raw(format!("QoS {}  ", s.sub.qos.as_u8())),
            Span::styled(format!("{:<22}", s.status.words()), status_style(&s.status)),
        ];
        let opts = options(&s.sub);
        if !opts.is_empty() {
            let note = if v311 { " (not sent: MQTT 3.1.1)" } else { "" };
            spans.push(Span::styled(format!(" {opts}{note}"), theme().dim));
        }
        let line = Line::from(spans);
        lines.push(if selected {
            line.style(theme().selected)
        } else {
            line
        });
    }
    lines.push(Line::raw(""));
    match &p.form {
        Some(form) => form_lines(form, v311, w, &mut lines),
        None => lines.push(Line::styled(
            fit(
                "marks: the colour of each subscription's messages in the log (by MQTT 5 subscription id when the broker sends it, else by filter)",
                w,
            )
            .into_owned(),
            theme().dim,
        )),
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn form_lines(form: &SubForm, v311: bool, w: usize, out: &mut Vec<Line<'static>>) {
    let title = if form.editing.is_some() {
        "Edit"
    } else {
        "Add"
    };
    out.push(Line::styled(
        format!("{title} a subscription · Tab next field · Enter subscribes · Esc back"),
        theme().bold,
    ));
    let field = |name: &str, value: String, this: SubField| {
        let focused = form.field == this;
        let style = if focused {
            theme().field_focused
        } else {
            ratatui::style::Style::new()
        };
        Line::from(vec![
            Span::styled(format!("{name:<22}"), theme().dim),
            Span::styled(value, style),
            Span::raw(if focused { "█" } else { "" }),
        ])
    };
    let choice = |v: u8| {
        (0..=2u8)
            .map(|i| {
                if i == v {
                    format!("‹{i}›")
                } else {
                    format!(" {i} ")
                }
            })
            .collect::<Vec<_>>()
            .join("")
    };
    let tick = |b: bool| {
        if b {
            "☑".to_string()
        } else {
            "☐".to_string()
        }
    };
    let v5 = if v311 {
        " (MQTT 5; this broker speaks 3.1.1)"
    } else {
        " (MQTT 5)"
    };
    out.push(field(
        "filter",
        clean(&form.filter).into_owned(),
        SubField::Filter,
    ));
    out.push(field("QoS", choice(form.qos), SubField::Qos));
    out.push(field(
        &format!("no local{v5}"),
        tick(form.no_local),
        SubField::NoLocal,
    ));
    out.push(field(
        "retain as published",
        tick(form.retain_as_published),
        SubField::RetainAsPublished,
    ));
    out.push(field(
        "retain handling",
        format!(
            "{}  0 always · 1 if new · 2 never",
            choice(form.retain_handling)
        ),
        SubField::RetainHandling,
    ));
    out.push(field("subscription id", form.id.clone(), SubField::Id));
    out.push(match form.problem() {
        Some(p) => Line::styled(fit(&p, w).into_owned(), theme().error),
        None => Line::styled("ready: Enter subscribes", theme().ok),
    });
}
