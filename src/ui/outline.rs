//! A laid-out tree (`decode::outline`) drawn: one line a row, as the pretty-printer would
//! draw it; a row longer than the pane is cut with a mark, and the cursor's row is broken
//! over as many lines as it takes, so the rows on screen are the rows the position counts.

use ratatui::text::{Line, Span};

use super::payload::{dim, hex_spans, indent, key_span, named_what, scalar};
use crate::decode::outline::{Item, Row};
use crate::text::clean;
use crate::ui::theme::theme;

/// The rows of a laid-out tree (`decode::outline`), as the pretty-printer would draw them; a
/// folded map or list is one line that says how much it holds. `cursor`: the row the keys act
/// on, drawn selected.
pub fn outline_lines(rows: &[Row], cursor: Option<usize>) -> Vec<Line<'static>> {
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let comma = if row.comma { "," } else { "" };
            let mut spans = vec![indent(row.depth as usize)];
            if let Some(k) = &row.key {
                spans.push(key_span(k));
                spans.push(Span::raw(": "));
                if row.duplicate {
                    // Both are shown: most readers would keep only the last.
                    spans.push(Span::styled("(duplicate key) ", theme().warn));
                }
            }
            match &row.item {
                Item::Open { map, len: 0, .. } => {
                    spans.push(Span::raw(format!(
                        "{}{comma}",
                        if *map { "{}" } else { "[]" }
                    )));
                }
                Item::Open {
                    map,
                    len,
                    folded: true,
                    ..
                } => {
                    let (open, close, what) = if *map {
                        ("{", "}", if *len == 1 { "key" } else { "keys" })
                    } else {
                        ("[", "]", if *len == 1 { "item" } else { "items" })
                    };
                    spans.push(Span::raw(open));
                    spans.push(Span::styled(format!("… {len} {what}"), theme().accent));
                    spans.push(Span::raw(format!("{close}{comma}")));
                }
                Item::Open { map, .. } => spans.push(Span::raw(if *map { "{" } else { "[" })),
                Item::Close { map } => {
                    spans.push(Span::raw(format!(
                        "{}{comma}",
                        if *map { "}" } else { "]" }
                    )));
                }
                Item::Scalar(s) => {
                    spans.push(scalar(s));
                    spans.extend(named_what(s));
                    spans.push(Span::raw(comma));
                }
                Item::Text(t) => spans.push(Span::raw(format!("{}{comma}", clean(t)))),
                Item::HexRow {
                    offset,
                    bytes,
                    per_row,
                } => spans.extend(hex_spans(bytes, *offset, *per_row)),
                Item::Bytes {
                    len, open: true, ..
                } => spans.push(Span::styled(
                    format!("<{len} bytes, all below (z closes)>{comma}"),
                    dim(),
                )),
                Item::Bytes { len, head, .. } => {
                    let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
                    let more = if *len > head.len() {
                        " … z opens"
                    } else {
                        ""
                    };
                    let noun = if *len == 1 { "byte" } else { "bytes" };
                    let shown = if *len == 0 {
                        format!("<0 bytes>{comma}")
                    } else {
                        format!("<{len} {noun}: {}{more}>{comma}", hex.join(" "))
                    };
                    spans.push(Span::styled(shown, dim()));
                }
                Item::Empty => spans.push(Span::styled(format!("(empty){comma}"), dim())),
            }
            let line = Line::from(spans);
            if cursor == Some(i) {
                line.patch_style(theme().selected)
            } else {
                line
            }
        })
        .collect()
}

/// A tree row cut to `width` columns, its end marked `…` when anything was cut: a row is one
/// line, so the rows on screen are the rows the cursor and the position count.
pub fn cut_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut lines = break_line(line, width.saturating_sub(1).max(1));
    let mut first = lines.swap_remove(0);
    first.spans.push(Span::styled("…", theme().accent));
    first
}

/// A line broken into lines of at most `width` columns, grapheme clusters kept whole: the
/// cursor's row is shown whole however long it is.
pub fn break_line(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    use unicode_segmentation::UnicodeSegmentation;
    let width = width.max(1);
    let mut out = vec![Line::default().style(line.style)];
    let mut used = 0;
    for span in line.spans {
        let mut piece = String::new();
        for g in span.content.graphemes(true) {
            let w = crate::text::width(g);
            if used + w > width && used > 0 {
                if !piece.is_empty() {
                    let done = std::mem::take(&mut piece);
                    if let Some(l) = out.last_mut() {
                        l.spans.push(Span::styled(done, span.style));
                    }
                }
                out.push(Line::default().style(line.style));
                used = 0;
            }
            piece.push_str(g);
            used += w;
        }
        if !piece.is_empty()
            && let Some(l) = out.last_mut()
        {
            l.spans.push(Span::styled(piece, span.style));
        }
    }
    out
}
