//! `A`: the alert rules, a row each (the chosen one highlighted), then what fired, newest
//! first: time, rule, topic, why, how many the cooldown held back, and what each action came
//! to. Rows longer than the popup end in a mark, never cut silently.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::popup::AlertsPopup;
use crate::text::{clean, fit, thousands};
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, p: &AlertsPopup, area: Rect) {
    let rules = app.alerts.engine.rules();
    let w = area.width.saturating_sub(4).clamp(20, 140);
    let h = area.height.saturating_sub(4).max(6);
    let title = format!(
        " Alerts · {} · a new · Enter edit · x remove · PgUp/PgDn firings · Esc ",
        crate::text::count(rules.len() as u64, "rule", "rules")
    );
    let inner = super::framed(f, area, w, h, &title);
    let width = inner.width as usize;
    let line = |text: String| fit(&text, width).into_owned();
    let mut lines: Vec<Line> = Vec::new();
    if rules.is_empty() {
        lines.push(Line::styled(
            line("no rules: a adds one (kept in the profile file's [[alerts]])".into()),
            theme().dim,
        ));
    }
    // The rules take at most half the popup; the chosen one stays in view.
    let room = (inner.height as usize / 2).max(1);
    let selected = p.selected.min(rules.len().saturating_sub(1));
    let top = super::window_top(selected, room);
    for (i, r) in rules.iter().enumerate().skip(top).take(room) {
        let mut acts = Vec::new();
        if r.bell {
            acts.push("bell".to_string());
        }
        if let Some(pb) = &r.publish {
            acts.push(format!("publish {}", clean(&pb.topic)));
        }
        if let Some(c) = &r.command {
            acts.push(format!(
                "run {}",
                clean(c.argv.first().map_or("", String::as_str))
            ));
        }
        if !r.cooldown.is_zero() {
            acts.push(format!(
                "cooldown {}",
                crate::text::span_ms(r.cooldown.as_secs_f64() * 1000.0)
            ));
        }
        let acts = if acts.is_empty() {
            String::new()
        } else {
            format!(" · {}", acts.join(" · "))
        };
        let text = line(format!("{}{acts}", clean(&r.summary())));
        lines.push(if i == selected {
            Line::styled(text, theme().selected)
        } else {
            Line::raw(text)
        });
    }
    if app.alerts.engine.unwatched > 0 {
        lines.push(Line::styled(
            line(format!(
                "{} messages on new topics not checked: {} topics are watched at most",
                thousands(app.alerts.engine.unwatched),
                thousands(crate::alert::engine::MAX_WATCHES as u64)
            )),
            theme().warn,
        ));
    }
    let shown = &app.alerts.shown;
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        line(match shown.len() {
            0 => "nothing fired yet".into(),
            n => format!(
                "Fired, newest first ({} kept, the last {})",
                thousands(n as u64),
                crate::app::features::alerts::KEPT
            ),
        }),
        theme().bold,
    ));
    let rows = (inner.height as usize).saturating_sub(lines.len());
    for s in shown.iter().rev().skip(p.scroll).take(rows) {
        let held = match s.fired.held {
            0 => String::new(),
            n => format!(" (+{n} held back)"),
        };
        let on = s
            .conn
            .as_ref()
            .map_or_else(String::new, |c| format!("{}: ", clean(c)));
        let acts: Vec<String> = s
            .actions
            .iter()
            .map(|(what, words, _)| format!("{what}: {}", clean(words)))
            .collect();
        let acts = if acts.is_empty() {
            String::new()
        } else {
            format!(" · {}", acts.join(" · "))
        };
        let failed = s.actions.iter().any(|a| a.2);
        let text = line(format!(
            "{} {} {on}{} {}{held}{acts}",
            crate::text::time_of(s.fired.wall),
            clean(&s.rule),
            clean(&s.fired.topic),
            clean(&s.fired.what)
        ));
        lines.push(if failed {
            Line::styled(text, theme().warn)
        } else {
            Line::raw(text)
        });
    }
    f.render_widget(Paragraph::new(lines), inner);
}
