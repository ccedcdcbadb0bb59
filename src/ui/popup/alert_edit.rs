//! The alert rule editor: every key a row, the focused one editable, then the loader's words
//! for what is wrong (or the rule as it reads), and what a try or a save said, wrapped, never
//! cut: the fields scroll in what is left.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::popup::AlertForm;
use crate::app::popup::alert_edit::FIELDS;
use crate::text::clean;
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, area: Rect, form: &AlertForm) {
    let h = (FIELDS.len() as u16 + 10).min(area.height);
    let what = match &form.original {
        Some(n) => format!("Edit alert '{}'", clean(n)),
        None => "New alert".into(),
    };
    let title = format!(" {what} · Enter next · Ctrl+T try on history · Ctrl+S save · Esc ");
    let inner = super::framed(f, area, 100, h, &title);
    let w = inner.width as usize;
    let config = app
        .config_path
        .clone()
        .unwrap_or_else(|| "config.toml".into());
    let mut footer: Vec<Line> = vec![Line::raw("")];
    footer.push(match form.rule(&config) {
        Ok(r) => Line::styled(format!("valid: {}", clean(&r.summary())), theme().ok),
        Err(e) => Line::styled(clean(&e).into_owned(), theme().error),
    });
    footer.extend(form.said.iter().map(|s| Line::raw(s.clone())));
    let footer_rows: usize = footer
        .iter()
        .map(|l| l.width().div_ceil(w.max(1)).max(1))
        .sum();
    let room = (inner.height as usize).saturating_sub(footer_rows);
    let top = (form.at + 1).saturating_sub(room.max(1));
    let mut lines: Vec<Line> = Vec::new();
    for (i, (label, hint)) in FIELDS.iter().enumerate().skip(top).take(room) {
        let raw = &form.values[i];
        let shown = clean(raw);
        lines.push(super::fields::line(
            label,
            18,
            &shown,
            raw.is_empty(),
            hint,
            i == form.at,
            w,
        ));
    }
    lines.extend(footer);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
