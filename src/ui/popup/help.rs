//! `?`: the keys, the focused place's first, searched as you type; the chosen row marked,
//! Enter does what it does. Rows scroll to keep the chosen one in view.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::App;
use crate::app::popup::HelpPopup;
use crate::app::popup::help::rows;
use crate::text::{clean, fit, pad, width, wrap};

pub fn draw(f: &mut Frame, app: &App, area: Rect, p: &HelpPopup) {
    let all = rows(&p.query, app.focus);
    let total = all.len();
    let selected = p.selected.min(total.saturating_sub(1));
    // The width first: the chosen row's description may need lines of its own below.
    let inner_w = 96.min(area.width).saturating_sub(2);
    let probe = Rect::new(area.x, area.y, inner_w, area.height.saturating_sub(2));
    let keys_w = all.iter().map(|r| width(&r.1)).max().unwrap_or(8).min(24);
    // The context column as wide as the longest context listed ("snippet name prompt" was cut
    // at a fixed 14), as far as the descriptions leave room: they are what a search reads (a
    // description longer than a row is read whole below the rows when chosen).
    let label_w = all
        .iter()
        .map(|r| width(r.0.ctx.label()))
        .max()
        .unwrap_or(0)
        + 1;
    let help_w = all
        .iter()
        .map(|r| width(r.0.help))
        .filter(|w| *w <= 72)
        .max()
        .unwrap_or(0);
    let room = (probe.width as usize).saturating_sub(keys_w + 2 + help_w);
    let ctx_w = label_w.min(room.max(11));
    let help_col = (probe.width as usize).saturating_sub(keys_w + 2 + ctx_w);
    // The chosen row's description, whole, under the rows when its column cuts it.
    let detail: Vec<String> = all
        .get(selected)
        .filter(|(b, _)| width(b.help) > help_col)
        .map(|(b, _)| wrap(b.help, probe.width as usize))
        .unwrap_or_default()
        .into_iter()
        .take((probe.height as usize / 2).max(1))
        .collect();
    let popup = centered(area, 96, (total.max(1) + detail.len()) as u16 + 5);
    f.render_widget(Clear, popup);
    let inner = Block::bordered().inner(popup);
    let shown_rows = (inner.height as usize)
        .saturating_sub(2 + detail.len())
        .max(1);
    // The chosen row stays in view: the window starts where it must.
    let first = selected.saturating_sub(shown_rows.saturating_sub(1));
    let title = if total > shown_rows {
        format!(
            " Keys {}–{} of {total} · type to search · Enter does it · Esc closes ",
            first + 1,
            (first + shown_rows).min(total)
        )
    } else {
        format!(" Keys {total} · type to search · Enter does it · Esc closes ")
    };
    let block = Block::bordered()
        .title(fit(&title, popup.width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().accent);
    f.render_widget(block, popup);
    let mut lines: Vec<Line> = vec![Line::from(vec![
        Span::styled("search: ", theme().dim),
        Span::raw(clean(&p.query).into_owned()),
        Span::raw("█"),
    ])];
    if total == 0 {
        lines.push(Line::styled(
            "no key matches; Backspace widens the search",
            theme().dim,
        ));
    }
    for (i, (b, keys)) in all.iter().enumerate().skip(first).take(shown_rows) {
        let mut line = Line::from(vec![
            Span::styled(pad(keys, keys_w + 2), theme().warn),
            Span::styled(pad(b.ctx.label(), ctx_w), theme().dim),
            // Cut with a mark where the popup ends (the search still reads all of it).
            Span::raw(fit(b.help, help_col).into_owned()),
        ]);
        if i == selected {
            line = line.style(theme().selected);
        }
        lines.push(line);
    }
    if let Some(n) = &p.note {
        lines.push(Line::styled(clean(n).into_owned(), theme().warn));
    }
    for l in detail {
        lines.push(Line::styled(l, theme().dim));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
