//! A drawn screen as SVG, colours and bold kept: the README's screenshots are real renders of
//! the demo through this (see `tests/screenshots.rs`), not pictures made by hand.

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// Cell size in SVG units, for a 14 px monospace font.
const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
const FG: &str = "#d0d0d0";
const BG: &str = "#1c1c1c";

fn hex(c: Color, default: &'static str) -> String {
    let named = match c {
        Color::Reset => return default.into(),
        Color::Black => "#000000",
        Color::Red => "#cd3131",
        Color::Green => "#0dbc79",
        Color::Yellow => "#e5e510",
        Color::Blue => "#2472c8",
        Color::Magenta => "#bc3fbc",
        Color::Cyan => "#11a8cd",
        Color::Gray => "#e5e5e5",
        Color::DarkGray => "#767676",
        Color::LightRed => "#f14c4c",
        Color::LightGreen => "#23d18b",
        Color::LightYellow => "#f5f543",
        Color::LightBlue => "#3b8eea",
        Color::LightMagenta => "#d670d6",
        Color::LightCyan => "#29b8db",
        Color::White => "#ffffff",
        Color::Rgb(r, g, b) => return format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(_) => default,
    };
    named.into()
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters never reach a buffer (text is cleaned first); be safe anyway.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
}

/// The buffer as a standalone SVG document.
pub fn to_svg(buf: &Buffer) -> String {
    let (w, h) = (buf.area.width, buf.area.height);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14px">"#,
        f32::from(w) * CELL_W,
        f32::from(h) * CELL_H
    );
    let _ = write!(out, r#"<rect width="100%" height="100%" fill="{BG}"/>"#);
    for y in 0..h {
        for x in 0..w {
            let cell = &buf[(x, y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let bg = if reversed { cell.fg } else { cell.bg };
            if bg != Color::Reset || reversed {
                let fill = hex(bg, FG);
                let _ = write!(
                    out,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}" shape-rendering="crispEdges"/>"#,
                    f32::from(x) * CELL_W,
                    f32::from(y) * CELL_H,
                    CELL_W + 0.2,
                    CELL_H
                );
            }
        }
        // Text in runs of one style and narrow characters, each run stretched to its cells
        // (textLength), so columns line up whatever the viewer's font.
        let mut x = 0;
        while x < w {
            let style = |x: u16| {
                let c = &buf[(x, y)];
                let reversed = c.modifier.contains(Modifier::REVERSED);
                let fg = if reversed {
                    hex(c.bg, BG)
                } else {
                    hex(c.fg, FG)
                };
                (fg, c.modifier.contains(Modifier::BOLD))
            };
            let first = buf[(x, y)].symbol();
            let wide = unicode_width::UnicodeWidthStr::width(first) > 1;
            let (fg, bold) = style(x);
            let start = x;
            let mut text = String::new();
            if wide {
                text.push_str(first);
                x += 2;
            } else {
                while x < w {
                    let sym = buf[(x, y)].symbol();
                    if unicode_width::UnicodeWidthStr::width(sym) > 1
                        || style(x) != (fg.clone(), bold)
                    {
                        break;
                    }
                    text.push_str(if sym.is_empty() { " " } else { sym });
                    x += 1;
                }
            }
            let cells = x - start;
            if text.trim().is_empty() {
                continue;
            }
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" fill="{fg}" textLength="{:.1}" lengthAdjust="spacingAndGlyphs" xml:space="preserve"{}>"#,
                f32::from(start) * CELL_W,
                f32::from(y) * CELL_H + 13.0,
                f32::from(cells) * CELL_W,
                if bold { r#" font-weight="bold""# } else { "" }
            );
            escape(&text, &mut out);
            out.push_str("</text>");
        }
    }
    out.push_str("</svg>\n");
    out
}
