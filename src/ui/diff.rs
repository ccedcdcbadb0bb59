//! `d` in the detail: the shown message against the topic's previous one. Structured payloads
//! by key path, text by line, bytes by the ranges that differ.

use ratatui::text::{Line, Span};

use super::log::time_of;
use crate::decode::diff::{self, Change};
use crate::decode::{Decoded, Shown};
use crate::store::Entry;
use crate::text::{clean, human_bytes};
use crate::ui::theme::theme;

/// Byte ranges listed before "… N more".
const MAX_RANGES: usize = 50;

fn text_of(d: &Decoded) -> Option<&str> {
    match d {
        Decoded::Text(t) => Some(t),
        Decoded::Scalar(crate::decode::Scalar::Number(n)) => Some(n),
        Decoded::Scalar(crate::decode::Scalar::Str(s)) => Some(s),
        Decoded::Empty => Some(""),
        _ => None,
    }
}

fn structured(d: &Decoded) -> bool {
    matches!(d, Decoded::Map(_) | Decoded::List(_))
}

pub fn lines(
    prev: &Entry,
    old: &Shown,
    new: &Shown,
    old_bytes: &[u8],
    new_bytes: &[u8],
) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!(
            "diff against the previous message ({}, {}): + added  - removed  ~ changed",
            time_of(prev.received()),
            human_bytes(prev.payload_len() as u64)
        ),
        theme().dim,
    )];
    let add = |s: String| Line::styled(format!("+ {}", clean(&s)), theme().ok);
    let del = |s: String| Line::styled(format!("- {}", clean(&s)), theme().error);
    match (&old.result, &new.result) {
        (Ok(a), Ok(b)) if structured(a) && structured(b) => {
            let changes = diff::tree(a, b);
            if changes.is_empty() {
                out.push(Line::styled("no change", theme().dim));
            }
            for c in changes {
                out.push(match c {
                    Change::Added { path, value } => add(format!("{path}: {value}")),
                    Change::Removed { path, value } => del(format!("{path}: {value}")),
                    Change::Changed { path, old, new } => Line::from(vec![
                        Span::styled(format!("~ {}: ", clean(&path)), theme().warn),
                        Span::raw(clean(&old).into_owned()),
                        Span::styled(" → ", theme().dim),
                        Span::raw(clean(&new).into_owned()),
                    ]),
                });
            }
        }
        (Ok(a), Ok(b)) if text_of(a).is_some() && text_of(b).is_some() => {
            let (a, b) = (text_of(a).unwrap_or(""), text_of(b).unwrap_or(""));
            if a == b {
                out.push(Line::styled("no change", theme().dim));
            }
            for l in diff::lines(a, b) {
                out.push(match l {
                    diff::Line::Same(s) => Line::raw(format!("  {}", clean(&s))),
                    diff::Line::Added(s) => add(s),
                    diff::Line::Removed(s) => del(s),
                });
            }
        }
        _ => {
            let ranges = diff::bytes(old_bytes, new_bytes);
            if ranges.is_empty() {
                out.push(Line::styled("no change", theme().dim));
            }
            for r in ranges.iter().take(MAX_RANGES) {
                let hex = |b: &[u8]| {
                    let shown: Vec<String> =
                        b.iter().take(16).map(|x| format!("{x:02x}")).collect();
                    let more = if b.len() > 16 { " …" } else { "" };
                    format!("{}{more}", shown.join(" "))
                };
                let get = |b: &[u8]| {
                    b.get(r.start.min(b.len())..r.end.min(b.len()))
                        .map(hex)
                        .unwrap_or_default()
                };
                out.push(Line::from(vec![
                    Span::styled(format!("~ bytes {}–{}: ", r.start, r.end - 1), theme().warn),
                    Span::raw(get(old_bytes)),
                    Span::styled(" → ", theme().dim),
                    Span::raw(get(new_bytes)),
                ]));
            }
            if ranges.len() > MAX_RANGES {
                out.push(Line::styled(
                    format!("… {} more ranges", ranges.len() - MAX_RANGES),
                    theme().dim,
                ));
            }
        }
    }
    out
}
