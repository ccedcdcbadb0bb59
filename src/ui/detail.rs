//! The message detail pane: metadata, MQTT 5 properties, and the payload decoded.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::log::time_of;
use super::payload;
use crate::app::App;
use crate::app::detail::Tone;
use crate::decode::{Decoded, Shown, Why};
use crate::text::{clean, fit, human_bytes};

/// "json", "binary" (a guessed hex dump), "msgpack (guessed)" (a binary format read without a
/// rule or a content type: it could be wrong, and `v` changes it), or "protobuf: rule
/// factory/+/telemetry".
fn view_label(shown: &Shown, empty: bool) -> String {
    match &shown.why {
        _ if empty => "empty".into(),
        Why::Guess if shown.decoder == "hex" => "binary".into(),
        Why::Guess if matches!(shown.decoder, "msgpack" | "cbor") => {
            format!("{} (guessed)", shown.decoder)
        }
        Why::Guess => shown.decoder.into(),
        why => format!("{}: {}", shown.decoder, clean(&why.to_string())),
    }
}

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
    if let Some(rows) = outline.as_ref().filter(|o| o.rows.len() > visible) {
        let top = app.detail_top(rows.rows.len());
        let last = (top + visible).min(rows.rows.len());
        let n = |x: usize| crate::text::thousands(x as u64);
        let mut where_ = format!(" rows {}–{} of {}", n(top + 1), n(last), n(rows.rows.len()));
        if rows.folded > 0 {
            where_.push_str(&format!(" · {} folded", rows.folded));
        }
        where_.push_str(" · z fold · { } ends ");
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

    let mut meta = vec![format!("q{}", m.qos().as_u8())];
    if m.retain() {
        meta.push("retained".into());
    }
    if m.dup() {
        meta.push("dup".into());
    }
    meta.push(time_of(m.received()));
    meta.push(human_bytes(m.payload.len() as u64));
    meta.push(view_label(&shown, m.payload.is_empty()));
    if entry.outgoing() {
        meta.push("published by us".into());
    }
    if let Some(base) = app.detail_base() {
        let (at, kept) = app.detail.position(&app.link.store, base);
        if kept > 1 {
            meta.push(format!("{at} of {kept} kept (< >)"));
        }
    }
    let mut lines = vec![Line::styled(meta.join(" · "), theme().bold)];
    for (line, tone, first) in app.detail_note_lines(m) {
        lines.push(match tone {
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
    let chunk = &m.payload[crate::decode::page::range(m.payload.len(), shown.page)];
    if app.detail.diff {
        match app.detail_previous() {
            Some(prev) => {
                let view = app.views.get(&entry.node).copied();
                let old =
                    app.detail
                        .shown(&app.link.store, &app.decoders, &app.sparkplug, prev, view);
                let old_chunk = prev
                    .payload
                    .get(crate::decode::page::range(prev.payload.len(), shown.page))
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
    if let Some(rows) = outline {
        let top = app.detail_top(rows.rows.len());
        let end = (top + inner.height as usize).min(rows.rows.len());
        let lines = payload::outline_lines(&rows.rows[top..end]);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    lines.extend(payload::render(
        &shown,
        m.payload.len(),
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
