//! Untrusted text made safe for the terminal: control and escape characters become visible,
//! invisible formatting characters are named, and widths are measured per grapheme cluster
//! with unicode-width, as ratatui draws them (wide CJK counts 2, combining marks 0, an emoji
//! ZWJ sequence such as 👩‍💻 one glyph of 2). A cluster is never cut in two.

pub mod colour;

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Characters that change how text is displayed without being visible: zero-width spaces and
/// joiners, bidi controls, the BOM, soft hyphen, and the line and paragraph separators (U+2028,
/// U+2029: some terminals and many JavaScript readers of JSON take them for line breaks).
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2028}' | '\u{2029}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// Whether `c` must never reach a terminal (or a JSON line) as itself: controls (C0, DEL, C1)
/// and the invisible format characters above.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

fn push_escaped(out: &mut String, c: char, keep_newlines: bool) {
    match c {
        '\n' if keep_newlines => out.push('\n'),
        '\t' if keep_newlines => out.push_str("    "),
        // C0 controls as Unicode control pictures: ESC shows as ␛, NUL as ␀, LF as ␊.
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        '\u{7f}' => out.push('␡'),
        // C1 controls (CSI is 0x9b) and invisible format characters, named.
        '\u{80}'..='\u{9f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
        _ => out.push_str(&format!("<U+{:04X}>", c as u32)),
    }
}

/// Whether `chars[i]` (one grapheme cluster) is a zero-width joiner that joins two visible
/// characters into one glyph: something before it in the cluster, and a visible character
/// right after it. Within a cluster that only happens in an emoji ZWJ sequence (UAX #29 GB11);
/// a joiner trailing a letter, or followed by another joiner or a combining mark, is not one.
pub fn joins_a_glyph(chars: &[char], i: usize) -> bool {
    chars[i] == '\u{200D}'
        && i > 0
        && chars[i - 1] != '\u{200D}'
        && chars.get(i + 1).is_some_and(|n| {
            !needs_escape(*n) && unicode_width::UnicodeWidthChar::width(*n).unwrap_or(0) > 0
        })
}

/// Untrusted text with every control character made visible; `multiline` keeps newlines and
/// expands tabs. A zero-width joiner inside a grapheme cluster (between the emoji of 👩‍💻) is
/// part of one glyph, not a control, and is kept; anywhere else it is named.
fn escape(s: &str, multiline: bool) -> Cow<'_, str> {
    let keep = |c: char| multiline && c == '\n';
    if !s.chars().any(|c| needs_escape(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for g in s.graphemes(true) {
        let chars: Vec<char> = g.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if needs_escape(c) && !joins_a_glyph(&chars, i) {
                push_escaped(&mut out, c, multiline);
            } else {
                out.push(c);
            }
        }
    }
    Cow::Owned(out)
}

/// Bytes for the clipboard, which the user may paste into a shell: text as it is when it holds
/// no control character but line breaks and tabs; other text with its controls made visible
/// (as the screen shows them); anything not UTF-8 as hex. The second part says which, when not
/// as it is.
pub fn for_clipboard(bytes: &[u8]) -> (Vec<u8>, Option<&'static str>) {
    match std::str::from_utf8(bytes) {
        Ok(t) if !t.chars().any(|c| needs_escape(c) && c != '\n' && c != '\t') => {
            (bytes.to_vec(), None)
        }
        Ok(t) => {
            let mut out = String::with_capacity(t.len() + 8);
            for c in t.chars() {
                match c {
                    '\n' | '\t' => out.push(c),
                    c if needs_escape(c) => push_escaped(&mut out, c, false),
                    c => out.push(c),
                }
            }
            (
                out.into_bytes(),
                Some("as shown: its control characters made visible"),
            )
        }
        Err(_) => {
            let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
            (hex.join(" ").into_bytes(), Some("as hex: not text"))
        }
    }
}

/// "1 topic", "1,204 topics": a count with its noun, singular when one.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A wall-clock time of day, local, to the second ("12:01:03").
pub fn clock(t: std::time::SystemTime) -> String {
    let local: chrono::DateTime<chrono::Local> = t.into();
    local.format("%H:%M:%S").to_string()
}

/// One line of untrusted text: every control character (newlines included) made visible.
pub fn clean(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Multi-line untrusted text: newlines kept, tabs expanded, everything else made visible.
pub fn clean_multiline(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// Columns `s` (already clean) takes on a terminal, grapheme cluster by cluster.
pub fn width(s: &str) -> usize {
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// `text` (already clean) in lines of at most `max` columns: at spaces where it can, inside a
/// word that is longer than a line. What the user is told is wrapped, never cut.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w = width(word);
        let gap = usize::from(!line.is_empty());
        if used + gap + w <= max {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += gap + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        // A word longer than a line is cut across lines, cluster by cluster.
        for g in word.graphemes(true) {
            let cw = g.width();
            if used + cw > max && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(g);
            used += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Cuts `s` (already clean) to at most `max` columns, ending with '…' when cut.
pub fn fit(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = g.width();
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    Cow::Owned(out)
}

/// The last `max` columns of `s`, '…' first when cut.
fn fit_end(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut used = 0;
    for g in s.graphemes(true).rev() {
        let w = g.width();
        if used + w > max - 1 {
            break;
        }
        used += w;
        kept.push(g);
    }
    kept.push("…");
    kept.iter().rev().copied().collect()
}

/// A topic (already escaped) in at most `max` columns, shortened in the middle: the last level
/// is what tells rows apart, so it stays, then as many levels before it as fit after the first
/// one: `sensors/…/f2/temp`. A last level alone too long keeps its end.
pub fn fit_topic(topic: &str, max: usize) -> Cow<'_, str> {
    if width(topic) <= max {
        return Cow::Borrowed(topic);
    }
    let levels: Vec<&str> = topic.split('/').collect();
    let last = levels[levels.len() - 1];
    if levels.len() < 2 || width(last) + 2 > max {
        return Cow::Owned(fit_end(topic, max));
    }
    let first = levels[0];
    let middle = &levels[1..levels.len() - 1];
    // The tail of levels that fits in `room` columns, last level first.
    let tail_in = |room: usize| {
        let mut tail = last.to_string();
        let mut n = 1;
        for level in middle.iter().rev() {
            let candidate = format!("{level}/{tail}");
            if width(&candidate) > room {
                break;
            }
            tail = candidate;
            n += 1;
        }
        (tail, n)
    };
    // "first/…/tail" keeps the root; but when that leaves only the last level and "…/tail"
    // would show more of the levels next to it, those tell rows apart better.
    let (with_first, n_first) = tail_in(max.saturating_sub(width(first) + 3));
    let (without, n_without) = tail_in(max.saturating_sub(2));
    let keep_first =
        width(first) + 3 + width(&with_first) <= max && (n_first > 1 || n_without == 1);
    if keep_first {
        Cow::Owned(format!("{first}/…/{with_first}"))
    } else {
        Cow::Owned(fit_end(&format!("…/{without}"), max))
    }
}

/// `s` padded with spaces to exactly `cols` columns (cut with '…' if longer).
pub fn pad(s: &str, cols: usize) -> String {
    let cut = fit(s, cols);
    let w = width(&cut);
    let mut out = cut.into_owned();
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// A one-line preview of a payload that is UTF-8 text; None for anything else.
pub fn text_preview(payload: &[u8], max_cols: usize) -> Option<String> {
    let head = preview_head(payload, max_cols);
    match std::str::from_utf8(head) {
        Ok(text) => Some(fit(&clean(text), max_cols).into_owned()),
        Err(e) if e.valid_up_to() > 0 && e.error_len().is_none() => {
            // Cut in the middle of a character at the end of `head`: still text.
            let text = std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("");
            Some(fit(&clean(text), max_cols).into_owned())
        }
        Err(_) => None,
    }
}

/// Only what fits is looked at: a 5 MiB payload costs no more than a short one.
fn preview_head(payload: &[u8], max_cols: usize) -> &[u8] {
    &payload[..payload.len().min(max_cols.saturating_mul(4).max(16))]
}

/// A one-line preview of a payload: text if it is UTF-8, else a hex start.
pub fn payload_preview(payload: &[u8], max_cols: usize) -> String {
    if let Some(text) = text_preview(payload, max_cols) {
        return text;
    }
    let hex: String = preview_head(payload, max_cols)
        .iter()
        .take(max_cols / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    fit(
        &format!("⟨{}⟩ {hex}", human_bytes(payload.len() as u64)),
        max_cols,
    )
    .into_owned()
}

/// A length of time as people say it: "300 ms", "4.5 s", "12 s", "4 min", "2.5 h".
pub fn span_ms(ms: f64) -> String {
    let s = ms / 1000.0;
    match ms {
        ms if ms < 999.5 => format!("{ms:.0} ms"),
        _ if s < 9.95 => format!("{s:.1} s").replace(".0 s", " s"),
        _ if s < 60.0 => format!("{s:.0} s"),
        _ if s < 600.0 => format!("{:.1} min", s / 60.0).replace(".0 min", " min"),
        _ if s < 3600.0 => format!("{:.0} min", s / 60.0),
        _ => format!("{:.1} h", s / 3600.0).replace(".0 h", " h"),
    }
}

/// A wall-clock time as the panes show it: local, to the millisecond.
pub fn time_of(t: std::time::SystemTime) -> String {
    let local: chrono::DateTime<chrono::Local> = t.into();
    local.format("%H:%M:%S%.3f").to_string()
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if v < 10.0 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}

/// 1234567 -> "1,234,567"
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 12345 -> "12.3k"
pub fn short_count(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1000.0),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_in_their_unit() {
        assert_eq!(span_ms(300.0), "300 ms");
        assert_eq!(span_ms(999.9), "1 s");
        assert_eq!(span_ms(4_500.0), "4.5 s");
        assert_eq!(span_ms(12_000.0), "12 s");
        assert_eq!(span_ms(240_000.0), "4 min");
        assert_eq!(span_ms(90_000.0), "1.5 min");
        assert_eq!(span_ms(1_800_000.0), "30 min");
        assert_eq!(span_ms(9_000_000.0), "2.5 h");
    }

    /// An emoji ZWJ sequence is one glyph: its joiners kept (they are not controls), measured
    /// as the terminal draws it, never cut in two; a joiner anywhere else is named.
    #[test]
    fn grapheme_clusters_stay_whole() {
        let coder = "👩\u{200D}💻";
        assert_eq!(clean(coder), coder);
        assert_eq!(width(coder), 2);
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(clean(&format!("x {family} y")), format!("x {family} y"));
        assert_eq!(fit(&format!("{family}{family}"), 3), format!("{family}…"));
        assert_eq!(clean("a\u{200D}b"), "a<U+200D>b");
        assert_eq!(clean("\u{200D}👩"), "<U+200D>👩");
        assert_eq!(
            wrap(&format!("{coder}{coder}{coder}"), 4),
            [format!("{coder}{coder}"), coder.to_string()]
        );
    }

    #[test]
    fn the_clipboard_gets_text_as_it_is_and_never_raw_controls() {
        let json = "{\n\t\"a\": \"é 温度\"\n}";
        assert_eq!(
            for_clipboard(json.as_bytes()),
            (json.as_bytes().to_vec(), None)
        );
        let hostile = b"x\x15touch /tmp/p\r\x1b[201~";
        let (bytes, how) = for_clipboard(hostile);
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text
                .chars()
                .any(|c| needs_escape(c) && c != '\n' && c != '\t'),
            "{text:?}"
        );
        assert!(text.contains('␛') && text.contains('␕'), "{text}");
        assert!(how.is_some());
        let (hex, how) = for_clipboard(&[0x00, 0xff, 0x0a]);
        assert_eq!(hex, b"00 ff 0a");
        assert_eq!(how, Some("as hex: not text"));
    }

    #[test]
    fn topics_are_shortened_in_the_middle() {
        let t = "sensors/building-1/floor-2/room-5/humidity";
        assert_eq!(fit_topic(t, 60), t);
        assert_eq!(fit_topic(t, 30), "sensors/…/room-5/humidity");
        assert_eq!(fit_topic(t, 20), "…/room-5/humidity");
        assert_eq!(fit_topic(t, 12), "…/humidity");
        assert_eq!(fit_topic(t, 6), "…idity");
        assert_eq!(
            fit_topic("$SYS/broker/load/bytes/received/1min", 20),
            "$SYS/…/received/1min"
        );
        for max in 0..50 {
            assert!(width(&fit_topic(t, max)) <= max, "{max}");
        }
    }

    #[test]
    fn escapes_controls_and_invisibles() {
        assert_eq!(clean("a\x1b[31mb"), "a␛[31mb");
        assert_eq!(clean("x\u{9b}2J"), "x\\x9b2J");
        assert_eq!(clean("a\u{200B}b"), "a<U+200B>b");
        assert_eq!(clean("l1\nl2"), "l1␊l2");
        assert_eq!(clean_multiline("l1\nl2\x07"), "l1\nl2␇");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
        assert!(!clean("\x1b]0;title\x07").contains('\x1b'));
    }

    #[test]
    fn widths_and_fitting() {
        assert_eq!(width("日本"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(width(&pad("日本", 6)), 6);
        assert_eq!(fit("abc", 0), "");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(short_count(12345), "12.3k");
        assert_eq!(human_bytes(5 * 1024 * 1024 + 200_000), "5.2 MiB");
    }

    #[test]
    fn previews() {
        assert_eq!(payload_preview(b"21.5", 10), "21.5");
        assert!(payload_preview(&[0x89, b'P', 0, 0xff], 30).starts_with("⟨4 B⟩ 89500"));
        let long = "x".repeat(10_000);
        assert_eq!(width(&payload_preview(long.as_bytes(), 20)), 20);
    }
}

#[cfg(test)]
mod wrap_tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces_and_cuts_only_words_longer_than_a_line() {
        assert_eq!(
            wrap("profile 'lab' not saved: no", 12),
            ["profile", "'lab' not", "saved: no"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("温度温度", 5), ["温度", "温度"]);
    }
}
