//! The message detail pane: metadata, MQTT 5 properties, and the payload decoded.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{outline, payload};
use crate::app::App;
use crate::app::detail::Tone;
use crate::decode::Decoded;
use crate::text::fit;

fn prop(name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name}: "), theme().dim),
        Span::raw(value),
    ])
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    if area.height == 0 {
        return;
    }
    if app.chart.open && app.detail_entry().is_some() {
        super::chart::draw(f, app, area);
        return;
    }
    let Some((entry, shown)) = app.detail_shown() else {
        if let Some(id) = app.detail_branch() {
            super::detail_branch::draw(f, app, area, id);
            return;
        }
        let block = Block::bordered()
            .title(" Detail ")
            .border_style(theme().dim);
        let inner = block.inner(area);
        f.render_widget(block, area);
        f.render_widget(
            Paragraph::new(Line::styled("select a topic or a message", theme().dim)),
            inner,
        );
        return;
    };
    let m = &entry;
    let outline = app.detail_outline().filter(|_| !app.detail.diff);
    let mut block = super::titled::topic_block(&app.link.store.tree.path(entry.node), area.width);
    let visible = app.detail_visible_rows();
    let width = area.width.saturating_sub(2) as usize;
    // Where the tree's rows start, and how many lines the cursor's row takes.
    let window = outline
        .as_ref()
        .map(|rows| tree_window(app, rows, width, visible));
    if let (Some(rows), Some((top, cursor_lines))) = (outline.as_ref(), window) {
        let len = rows.rows.len();
        let n = |x: usize| crate::text::thousands(x as u64);
        let mut where_ = format!(" row {} of {}", n(app.detail_cursor(len) + 1), n(len));
        if len > visible || cursor_lines > 1 {
            let last = (top + visible + 1).saturating_sub(cursor_lines).min(len);
            where_.push_str(&format!(" · rows {}–{}", n(top + 1), n(last)));
        }
        if rows.folded > 0 {
            where_.push_str(&format!(" · {} folded", rows.folded));
        }
        where_.push_str(" · J K z ");
        block = block.title_bottom(
            Line::styled(
                fit(&where_, area.width.saturating_sub(2) as usize).into_owned(),
                theme().dim,
            )
            .right_aligned(),
        );
    }
    let inner = block.inner(area);
    f.render_widget(block, area);

    let mut lines = Vec::new();
    for (line, tone, first) in app.detail_header_lines(m, &shown) {
        lines.push(match tone {
            Tone::Meta => Line::styled(line, theme().bold),
            Tone::Ok => Line::styled(line, theme().ok),
            Tone::Warn => Line::styled(line, theme().warn),
            // A property: its name dim, as the meta line's labels are.
            Tone::Plain => match line.split_once(": ") {
                Some((name, value)) if first && !name.is_empty() => prop(name, value.to_string()),
                _ => Line::raw(line),
            },
        });
    }
    lines.push(Line::raw(""));
    // The header stays put; the payload below it scrolls.
    let head = (app.detail_header_len() as u16).min(inner.height);
    let (head_area, inner) = (
        Rect {
            height: head,
            ..inner
        },
        Rect {
            y: inner.y + head,
            height: inner.height - head,
            ..inner
        },
    );
    f.render_widget(Paragraph::new(lines), head_area);
    let mut lines = Vec::new();
    let scroll = app.detail.scroll.min(u16::MAX as usize) as u16;
    let m_payload = app.link.store.payload(m);
    let chunk = &m_payload[crate::decode::page::range(m_payload.len(), shown.page)];
    if app.detail.diff {
        match app.detail_previous() {
            Some(prev) => {
                let view = app.views.get(&entry.node).copied();
                let old =
                    app.detail
                        .shown(&app.link.store, &app.decoders, &app.sparkplug, prev, view);
                let old_chunk = app
                    .link
                    .store
                    .payload(prev)
                    .get(crate::decode::page::range(prev.payload_len(), shown.page))
                    .unwrap_or_default();
                lines.extend(super::diff::lines(prev, &old, &shown, old_chunk, chunk));
            }
            None => lines.push(Line::styled(
                "diff: no earlier message of this topic is kept (d leaves the diff)",
                theme().dim,
            )),
        }
        f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
        return;
    }
    if let (Some(rows), Some((top, _))) = (outline, window) {
        let (len, height) = (rows.rows.len(), inner.height as usize);
        let cursor = app.detail_cursor(len);
        let end = (top + height).min(len);
        let lines: Vec<Line> = outline::outline_lines(&rows.rows[top..end], Some(cursor - top))
            .into_iter()
            .enumerate()
            .flat_map(|(i, l)| {
                if top + i == cursor {
                    outline::break_line(l, width)
                } else {
                    vec![outline::cut_line(l, width)]
                }
            })
            .take(height)
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
        return;
    }
    lines.extend(payload::render(
        &shown,
        m_payload.len(),
        chunk,
        inner.width as usize,
    ));
    let mut para = Paragraph::new(lines).scroll((scroll, 0));
    let hex_dump = matches!(
        shown.result,
        Ok(Decoded::Bytes(_) | Decoded::Described { .. }) | Err(_)
    );
    if !hex_dump {
        para = para.wrap(Wrap { trim: false });
    }
    f.render_widget(para, inner);
}

/// The first row of a tree on screen, and the lines the cursor's row takes: every row is one
/// line (cut with a mark) but the cursor's, shown whole, so the first row moves down until
/// the whole of the cursor's row is on screen.
fn tree_window(
    app: &App,
    rows: &crate::decode::outline::Outline,
    width: usize,
    height: usize,
) -> (usize, usize) {
    let len = rows.rows.len();
    let cursor = app.detail_cursor(len);
    let cursor_lines = rows.rows.get(cursor).map_or(1, |row| {
        let line = outline::outline_lines(std::slice::from_ref(row), Some(0));
        line.into_iter()
            .next()
            .map_or(1, |l| outline::break_line(l, width).len())
    });
    let mut top = app.detail_top(len);
    while top < cursor && cursor - top + cursor_lines > height {
        top += 1;
    }
    (top, cursor_lines)
}
