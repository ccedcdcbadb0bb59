//! `L`: the replay's fields, what is wrong with them (or the replay they make), and the one
//! under way or the last one: how far, what it did, what went wrong; all wrapped, never cut.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::popup::ReplayPopup;
use crate::app::popup::replay::FIELDS;
use crate::text::clean;
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, area: Rect, p: &ReplayPopup) {
    let running = app.replay.as_ref().is_some_and(|r| r.running());
    let keys = if running {
        "Ctrl+S stop"
    } else {
        "Ctrl+S start"
    };
    let title = format!(" Replay a recording · Enter next · {keys} · Esc ");
    let inner = super::framed(f, area, 90, 16, &title);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    for (i, (label, hint)) in FIELDS.iter().enumerate() {
        let raw = &p.values[i];
        let shown = clean(raw);
        lines.push(super::fields::line(
            label,
            8,
            &shown,
            raw.is_empty(),
            hint,
            i == p.at,
            w,
        ));
    }
    lines.push(Line::raw(""));
    if !running {
        lines.push(match p.plan() {
            Ok(plan) => Line::styled(
                format!(
                    "ready: {} at {}{}{}",
                    clean(&plan.file.display().to_string()),
                    plan.speed.map_or("full speed".into(), |s| format!("{s}×")),
                    plan.prefix
                        .as_ref()
                        .map_or(String::new(), |x| format!(", under {}/", clean(x))),
                    if plan.repeat { ", looping" } else { "" }
                ),
                theme().ok,
            ),
            Err(e) => Line::styled(clean(&e).into_owned(), theme().error),
        });
    }
    if let Some(r) = &app.replay {
        let what = clean(&r.plan.file.display().to_string()).into_owned();
        match &r.ended {
            None => lines.push(Line::styled(
                format!(
                    "▶ {what}: {}{}",
                    r.words(),
                    if r.stopping { " · stopping…" } else { "" }
                ),
                theme().alarm,
            )),
            Some(Ok(words)) => lines.push(Line::raw(format!("last: {what}: {words}"))),
            Some(Err(why)) => lines.push(Line::styled(
                format!("last: {what}: failed: {why}"),
                theme().error,
            )),
        }
        for n in &r.notes {
            lines.push(Line::styled(n.clone(), theme().warn));
        }
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
