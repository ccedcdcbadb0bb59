//! The detail view's payload, drawn from its decoded value: maps and lists pretty-printed and
//! coloured like JSON, text as is, bytes as a hex dump. Big payloads are shown a page at a time
//! and say so; a decode error says where it failed and shows the bytes.

use crate::ui::theme::theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::decode::{Decoded, Scalar, Shown, page::PAGE_BYTES};
use crate::text::{clean, clean_multiline, human_bytes};

/// The lines for a payload as decoded; `chunk` is the page's bytes (hex on a decode error).
/// `width`: the pane's, to which an error is wrapped (the hex dump under it is not wrapped, so
/// the error once ran off the pane's edge).
pub fn render(shown: &Shown, total: usize, chunk: &[u8], width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if total > PAGE_BYTES && shown.pages > 1 {
        lines.push(Line::styled(
            format!(
                "showing {} of {} (page {} of {}; [ and ] turn pages)",
                human_bytes(chunk.len() as u64),
                human_bytes(total as u64),
                shown.page + 1,
                shown.pages
            ),
            theme().warn,
        ));
    }
    match &shown.result {
        Ok(d) => decoded_lines(d, shown.offset, width, &mut lines),
        Err(e) => {
            let words = format!("{}: {}", shown.decoder, clean(&e.to_string()));
            for l in crate::text::wrap(&words, width) {
                lines.push(Line::styled(l, theme().error));
            }
            hex_lines(chunk, shown.offset, width, &mut lines);
        }
    }
    lines
}

fn decoded_lines(d: &Decoded, offset: usize, width: usize, out: &mut Vec<Line<'static>>) {
    match d {
        Decoded::Empty => out.push(Line::styled("(empty payload)", dim())),
        Decoded::Text(t) => {
            for l in clean_multiline(t).split('\n') {
                out.push(Line::raw(l.to_string()));
            }
        }
        Decoded::Bytes(b) => hex_lines(b, offset, width, out),
        Decoded::Described { summary, bytes } => {
            out.push(Line::styled(clean(summary).into_owned(), theme().bold));
            hex_lines(bytes, offset, width, out);
        }
        tree => tree_lines(tree, 0, None, true, out),
    }
}

pub(super) fn dim() -> Style {
    theme().dim
}

pub use crate::decode::hex_row_bytes;

fn hex_lines(chunk: &[u8], offset: usize, width: usize, out: &mut Vec<Line<'static>>) {
    let per_row = hex_row_bytes(width);
    for (i, row) in chunk.chunks(per_row).enumerate() {
        out.push(Line::from(hex_spans(row, offset + i * per_row, per_row)));
    }
}

/// One hex dump row: offset, bytes (a gap after the eighth), and the bytes as ASCII.
pub(super) fn hex_spans(row: &[u8], offset: usize, per_row: usize) -> Vec<Span<'static>> {
    let hex_width = 3 * per_row + usize::from(per_row > 8);
    {
        let mut hex = String::with_capacity(hex_width);
        for (j, b) in row.iter().enumerate() {
            if j == 8 {
                hex.push(' ');
            }
            hex.push_str(&format!("{b:02x} "));
        }
        let ascii: String = row
            .iter()
            .map(|b| {
                if b.is_ascii_graphic() || *b == b' ' {
                    *b as char
                } else {
                    '.'
                }
            })
            .collect();
        vec![
            Span::styled(format!("{offset:08x}  "), dim()),
            Span::raw(format!("{hex:<hex_width$}")),
            Span::styled(format!("|{ascii}|"), theme().accent),
        ]
    }
}

pub(super) fn indent(n: usize) -> Span<'static> {
    Span::raw("  ".repeat(n))
}

pub(super) fn scalar(v: &Scalar) -> Span<'static> {
    match v {
        Scalar::Str(s) => Span::styled(format!("\"{}\"", clean(s)), theme().string),
        Scalar::Number(n) => Span::styled(clean(n).into_owned(), theme().number),
        Scalar::Bool(b) => Span::styled(b.to_string(), theme().keyword),
        Scalar::Null => Span::styled("null", theme().keyword),
        Scalar::Named { text, .. } => Span::styled(clean(text).into_owned(), theme().keyword),
    }
}

/// What a named value was on the wire, after it: ` (bignum, tag 2)`.
pub(super) fn named_what(v: &Scalar) -> Option<Span<'static>> {
    match v {
        Scalar::Named { what, .. } if !what.is_empty() => {
            Some(Span::styled(format!(" ({})", clean(what)), dim()))
        }
        _ => None,
    }
}

pub(super) fn key_span(k: &str) -> Span<'static> {
    Span::styled(format!("\"{}\"", clean(k)), theme().key)
}

/// Appends a map or list pretty-printed, two spaces per level, keys and values coloured.
fn tree_lines(
    v: &Decoded,
    level: usize,
    key: Option<&str>,
    last: bool,
    out: &mut Vec<Line<'static>>,
) {
    let comma = if last { "" } else { "," };
    let mut head = vec![indent(level)];
    if let Some(k) = key {
        head.push(key_span(k));
        head.push(Span::raw(": "));
    }
    match v {
        Decoded::Map(map) if !map.is_empty() => {
            head.push(Span::raw("{"));
            out.push(Line::from(head));
            let n = map.len();
            for (i, (k, child)) in map.iter().enumerate() {
                tree_lines(child, level + 1, Some(k), i + 1 == n, out);
            }
            out.push(Line::from(vec![
                indent(level),
                Span::raw(format!("}}{comma}")),
            ]));
        }
        Decoded::List(items) if !items.is_empty() => {
            head.push(Span::raw("["));
            out.push(Line::from(head));
            let n = items.len();
            for (i, child) in items.iter().enumerate() {
                tree_lines(child, level + 1, None, i + 1 == n, out);
            }
            out.push(Line::from(vec![
                indent(level),
                Span::raw(format!("]{comma}")),
            ]));
        }
        Decoded::Map(_) => {
            head.push(Span::raw(format!("{{}}{comma}")));
            out.push(Line::from(head));
        }
        Decoded::List(_) => {
            head.push(Span::raw(format!("[]{comma}")));
            out.push(Line::from(head));
        }
        Decoded::Scalar(s) => {
            head.push(scalar(s));
            head.extend(named_what(s));
            head.push(Span::raw(comma.to_string()));
            out.push(Line::from(head));
        }
        Decoded::Text(t) => {
            head.push(Span::raw(format!("{}{comma}", clean(t))));
            out.push(Line::from(head));
        }
        Decoded::Bytes(b) | Decoded::Described { bytes: b, .. } => {
            head.push(Span::styled(format!("<{} bytes>{comma}", b.len()), dim()));
            out.push(Line::from(head));
        }
        Decoded::Empty => {
            head.push(Span::styled(format!("(empty){comma}"), dim()));
            out.push(Line::from(head));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{DecodeCache, Payload, Registry};

    fn plain(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    fn render_bytes(payload: &[u8], page: usize) -> Vec<Line<'static>> {
        let mut cache = DecodeCache::default();
        let msg = Payload {
            seq: 1,
            topic: "t",
            bytes: payload,
            properties: None,
            births: None,
        };
        let shown = cache.get(&Registry::default(), msg, page, None);
        let range = crate::decode::page::range(payload.len(), page);
        render(&shown, payload.len(), &payload[range], 200)
    }

    #[test]
    fn json_is_pretty() {
        let lines = render_bytes(br#"{"t":21.5,"tags":["a"],"ok":true}"#, 0);
        assert_eq!(
            plain(&lines),
            [
                "{",
                "  \"t\": 21.5,",
                "  \"tags\": [",
                "    \"a\"",
                "  ],",
                "  \"ok\": true",
                "}"
            ]
        );
    }

    #[test]
    fn binary_is_hex_and_big_is_paged() {
        let lines = render_bytes(&[0x89, b'P', b'N', b'G', 0, 1], 0);
        assert!(
            lines[0]
                .to_string()
                .starts_with("00000000  89 50 4e 47 00 01")
        );
        assert!(lines[0].to_string().ends_with("|.PNG..|"));
        let big = vec![b'a'; 5 * 1024 * 1024];
        let first = render_bytes(&big, 0);
        assert!(
            first[0]
                .to_string()
                .starts_with("showing 64 KiB of 5.0 MiB (page 1 of 80")
        );
    }

    #[test]
    fn escapes_never_pass_through() {
        let lines = render_bytes(b"\x1b[2Jhello\x1b]0;x\x07", 0);
        assert!(plain(&lines).iter().all(|l| !l.contains('\x1b')));
    }

    /// A decode error is wrapped to the pane, whole (it once ran off the edge at 120 columns).
    #[test]
    fn a_long_decode_error_is_wrapped_whole() {
        let why = "protobuf: field 7 of demo.Machine: wire type 5 (fixed32) where the schema \
                   says varint; the rest of the message is shown below";
        let error = Err(crate::decode::DecodeError::new(why, Some(3)));
        let shown = Shown::whole("protobuf", crate::decode::Why::Picked, error);
        let lines = render(&shown, 4, &[1, 2, 3, 4], 30);
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let error_lines: Vec<&String> = text
            .iter()
            .take_while(|l| !l.starts_with("00000000"))
            .collect();
        assert!(error_lines.len() > 2, "{text:?}");
        assert!(
            error_lines.iter().all(|l| crate::text::width(l) <= 30),
            "{text:?}"
        );
        let joined = error_lines
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            joined.contains("the rest of the message is shown below"),
            "{joined}"
        );
    }

    #[test]
    fn hex_rows_follow_the_pane_and_never_hide_a_byte() {
        for (width, n) in [
            (77, 16),
            (76, 8),
            (44, 8),
            (43, 4),
            (28, 4),
            (27, 2),
            (19, 1),
            (0, 1),
        ] {
            assert_eq!(hex_row_bytes(width), n, "{width} columns");
        }
        let bytes: Vec<u8> = (0..40).collect();
        for width in [120usize, 76, 43, 27] {
            let mut out = Vec::new();
            hex_lines(&bytes, 0, width, &mut out);
            let per = hex_row_bytes(width);
            assert_eq!(out.len(), bytes.len().div_ceil(per));
            for l in &out {
                assert!(
                    crate::text::width(&l.to_string()) <= width.max(per * 4 + 12),
                    "{width}: {l}"
                );
            }
            let last = out.last().unwrap().to_string();
            assert!(
                last.contains("27"),
                "the last byte (0x27) is shown at {width}: {last}"
            );
        }
    }
}
