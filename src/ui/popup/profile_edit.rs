//! The profile editor: every key a row, the focused one editable, the loader's words for what is
//! wrong under it, a warning for a plain password, and what a test connection said.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::app::App;
use crate::app::popup::ProfileForm;
use crate::app::popup::profile_edit::FIELDS;
use crate::text::{clean, fit};

pub fn draw(f: &mut Frame, app: &App, area: Rect, form: &ProfileForm) {
    let h = (FIELDS.len() as u16 + 7).min(area.height);
    let popup = centered(area, 100, h);
    f.render_widget(Clear, popup);
    let what = match &form.original {
        Some(n) => format!("Edit profile '{}'", clean(n)),
        None => "New profile".into(),
    };
    let title = format!(" {what} · Tab/Enter next · Ctrl+T test · Ctrl+S save · Esc ");
    let block = Block::bordered()
        .title(fit(&title, popup.width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let w = inner.width as usize;
    // What is said under the fields (the loader's words, a warning, a test's or a save's
    // outcome) is laid out first and wrapped, never cut: the fields scroll in what is left.
    let config = app
        .config_path
        .clone()
        .unwrap_or_else(|| "config.toml".into());
    let mut footer: Vec<Line> = vec![Line::raw("")];
    footer.push(match form.profile(&config) {
        Ok(p) => Line::styled(
            format!("valid: {} on {}", clean(&p.name), p.broker),
            theme().ok,
        ),
        Err(e) => Line::styled(clean(&e).into_owned(), theme().error),
    });
    if let Some(wn) = form.warning() {
        footer.push(Line::styled(wn, theme().warn));
    }
    if let Some(t) = &form.tested {
        footer.push(Line::styled(clean(t).into_owned(), theme().bold));
    }
    let footer_rows: usize = footer
        .iter()
        .map(|l| l.width().div_ceil(w.max(1)).max(1))
        .sum();
    let room = (inner.height as usize).saturating_sub(footer_rows);
    let top = (form.at + 1).saturating_sub(room.max(1));
    let mut lines: Vec<Line> = Vec::new();
    for (i, (label, _, hint)) in FIELDS.iter().enumerate().skip(top).take(room) {
        let raw = &form.values[i];
        // A plain password is never drawn.
        let value = if i == 7 && !raw.is_empty() {
            "•".repeat(raw.chars().count().min(12))
        } else {
            clean(raw).into_owned()
        };
        lines.push(super::fields::line(
            label,
            22,
            &value,
            raw.is_empty(),
            hint,
            i == form.at,
            w,
        ));
    }
    lines.extend(footer);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
