//! The profile picker.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::App;
use crate::app::popup::PickerPopup;
use crate::text::{clean, fit, pad};

pub fn draw(f: &mut Frame, app: &App, area: Rect, picker: &PickerPopup) {
    let shown = picker.shown(&app.profiles);
    let popup = centered(area, 90, (shown.len() as u16).saturating_add(5).max(7));
    f.render_widget(Clear, popup);
    let esc = if app.link.conn.is_some() || app.conn_count() > 1 {
        "closes"
    } else {
        "quits"
    };
    // What Enter does is decided by the app's rule (`Intent::Connect`): beside the others once
    // there are several, or when the picker was opened to add one.
    let enter = if picker.beside || app.conn_count() > 1 {
        "Enter opens beside"
    } else {
        "Enter connects · Ctrl+B beside"
    };
    let title = format!(
        " Profiles {} of {} · type to filter · {enter} · Esc {esc} ",
        shown.len(),
        app.profiles.len()
    );
    let block = Block::bordered()
        .title(fit(&title, popup.width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    if inner.height == 0 {
        return;
    }
    let w = inner.width as usize;
    let prompt = format!("/{}█", clean(&picker.filter));
    f.render_widget(
        Paragraph::new(Line::styled(fit(&prompt, w).into_owned(), theme().dim)),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let list = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(1),
    );
    if app.profiles.is_empty() {
        f.render_widget(
            Paragraph::new("no profiles: add some to the config file, or start with -b URL"),
            list,
        );
        return;
    }
    // A window of the list that keeps the selection in view.
    let rows = list.height as usize;
    let selected = picker.selected.min(shown.len().saturating_sub(1));
    let top = (selected + 1).saturating_sub(rows);
    let lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .skip(top)
        .take(rows)
        .map(|(i, &p)| {
            let p = &app.profiles[p];
            let user = p
                .username
                .as_deref()
                .map(|u| format!("user {}", clean(u)))
                .unwrap_or_default();
            let text = format!(
                "{}  {}  {}",
                pad(&clean(&p.name), 16),
                pad(&clean(&p.broker.to_string()), 40),
                user
            );
            let marker = if i == selected { "› " } else { "  " };
            let line = Line::raw(fit(&format!("{marker}{text}"), w).into_owned());
            if i == selected {
                line.style(theme().selected)
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), list);
}
