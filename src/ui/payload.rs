//! The detail view's payload: JSON pretty-printed and coloured, UTF-8 text as is, binary as a hex
//! dump. Big payloads are shown a page at a time and say so.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::text::{clean, clean_multiline, human_bytes};

/// How much of a payload one page of the detail view shows.
pub const PAGE_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Empty,
    Json,
    Text,
    Binary,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Empty => "empty",
            Kind::Json => "json",
            Kind::Text => "text",
            Kind::Binary => "binary",
        }
    }
}

pub fn kind(payload: &[u8]) -> Kind {
    if payload.is_empty() {
        return Kind::Empty;
    }
    let first = payload.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{') | Some(b'['))
        && payload.len() <= PAGE_BYTES
        && serde_json::from_slice::<Value>(payload).is_ok()
    {
        return Kind::Json;
    }
    let head = &payload[..payload.len().min(PAGE_BYTES)];
    match std::str::from_utf8(head) {
        Ok(_) => Kind::Text,
        Err(e) if e.error_len().is_none() => Kind::Text, // cut inside a character
        Err(_) => Kind::Binary,
    }
}

pub fn pages(len: usize) -> usize {
    len.div_ceil(PAGE_BYTES).max(1)
}

/// The lines of page `page` (0-based) of a payload.
pub fn render(payload: &[u8], page: usize) -> Vec<Line<'static>> {
    let kind = kind(payload);
    let page = page.min(pages(payload.len()) - 1);
    let start = page * PAGE_BYTES;
    let end = (start + PAGE_BYTES).min(payload.len());
    let mut lines = Vec::new();
    if payload.len() > PAGE_BYTES {
        lines.push(Line::styled(
            format!(
                "showing {} of {} (page {} of {}; [ and ] turn pages)",
                human_bytes((end - start) as u64),
                human_bytes(payload.len() as u64),
                page + 1,
                pages(payload.len())
            ),
            Style::default().fg(Color::Yellow),
        ));
    }
    let chunk = &payload[start..end];
    match kind {
        Kind::Empty => lines.push(Line::styled("(empty payload)", dim())),
        Kind::Json => match serde_json::from_slice::<Value>(chunk) {
            Ok(v) => json_lines(&v, 0, None, true, &mut lines),
            Err(_) => text_lines(chunk, &mut lines),
        },
        Kind::Text => text_lines(chunk, &mut lines),
        Kind::Binary => hex_lines(chunk, start, &mut lines),
    }
    lines
}

fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

fn text_lines(chunk: &[u8], out: &mut Vec<Line<'static>>) {
    let text = String::from_utf8_lossy(chunk);
    for l in clean_multiline(&text).split('\n') {
        out.push(Line::raw(l.to_string()));
    }
}

fn hex_lines(chunk: &[u8], offset: usize, out: &mut Vec<Line<'static>>) {
    for (i, row) in chunk.chunks(16).enumerate() {
        let mut hex = String::with_capacity(50);
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
        out.push(Line::from(vec![
            Span::styled(format!("{:08x}  ", offset + i * 16), dim()),
            Span::raw(format!("{hex:<49}")),
            Span::styled(format!("|{ascii}|"), Style::default().fg(Color::Cyan)),
        ]));
    }
}

fn indent(n: usize) -> Span<'static> {
    Span::raw("  ".repeat(n))
}

fn scalar(v: &Value) -> Span<'static> {
    match v {
        Value::String(s) => Span::styled(
            format!("\"{}\"", clean(s)),
            Style::default().fg(Color::Green),
        ),
        Value::Number(n) => Span::styled(n.to_string(), Style::default().fg(Color::Yellow)),
        Value::Bool(b) => Span::styled(b.to_string(), Style::default().fg(Color::Magenta)),
        Value::Null => Span::styled("null", Style::default().fg(Color::Magenta)),
        _ => Span::raw(""),
    }
}

fn key_span(k: &str) -> Span<'static> {
    Span::styled(
        format!("\"{}\"", clean(k)),
        Style::default()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD),
    )
}

/// Appends `v` pretty-printed, two spaces per level, keys and values coloured.
fn json_lines(
    v: &Value,
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
        Value::Object(map) if !map.is_empty() => {
            head.push(Span::raw("{"));
            out.push(Line::from(head));
            let n = map.len();
            for (i, (k, child)) in map.iter().enumerate() {
                json_lines(child, level + 1, Some(k), i + 1 == n, out);
            }
            out.push(Line::from(vec![
                indent(level),
                Span::raw(format!("}}{comma}")),
            ]));
        }
        Value::Array(items) if !items.is_empty() => {
            head.push(Span::raw("["));
            out.push(Line::from(head));
            let n = items.len();
            for (i, child) in items.iter().enumerate() {
                json_lines(child, level + 1, None, i + 1 == n, out);
            }
            out.push(Line::from(vec![
                indent(level),
                Span::raw(format!("]{comma}")),
            ]));
        }
        Value::Object(_) => {
            head.push(Span::raw(format!("{{}}{comma}")));
            out.push(Line::from(head));
        }
        Value::Array(_) => {
            head.push(Span::raw(format!("[]{comma}")));
            out.push(Line::from(head));
        }
        scalar_value => {
            head.push(scalar(scalar_value));
            head.push(Span::raw(comma.to_string()));
            out.push(Line::from(head));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn json_is_pretty() {
        let lines = render(br#"{"t":21.5,"tags":["a"],"ok":true}"#, 0);
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
        let lines = render(&[0x89, b'P', b'N', b'G', 0, 1], 0);
        assert!(
            lines[0]
                .to_string()
                .starts_with("00000000  89 50 4e 47 00 01")
        );
        assert!(lines[0].to_string().ends_with("|.PNG..|"));
        let big = vec![b'a'; 5 * 1024 * 1024];
        let first = render(&big, 0);
        assert!(
            first[0]
                .to_string()
                .starts_with("showing 64 KiB of 5.0 MiB (page 1 of 80")
        );
    }

    #[test]
    fn escapes_never_pass_through() {
        let lines = render(b"\x1b[2Jhello\x1b]0;x\x07", 0);
        assert!(plain(&lines).iter().all(|l| !l.contains('\x1b')));
    }
}
