//! What changed between two messages of a topic: structured payloads by key path (added,
//! removed, changed old → new), text by line, bytes by the ranges that differ.

use std::ops::Range;

use super::{Decoded, Scalar};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added {
        path: String,
        value: String,
    },
    Removed {
        path: String,
        value: String,
    },
    Changed {
        path: String,
        old: String,
        new: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Same(String),
    Added(String),
    Removed(String),
}

/// A value in one line: scalars as JSON writes them, containers by their size.
pub fn brief(d: &Decoded) -> String {
    match d {
        Decoded::Empty => "(empty)".into(),
        Decoded::Scalar(Scalar::Null) => "null".into(),
        Decoded::Scalar(Scalar::Bool(b)) => b.to_string(),
        Decoded::Scalar(Scalar::Number(n)) => n.clone(),
        Decoded::Scalar(Scalar::Named { text, .. }) => text.clone(),
        Decoded::Scalar(Scalar::Str(s)) => format!("\"{s}\""),
        Decoded::Text(t) => format!("\"{t}\""),
        Decoded::Map(m) => format!("{{{} keys}}", m.len()),
        Decoded::List(l) => format!("[{} items]", l.len()),
        Decoded::Bytes(b) | Decoded::Described { bytes: b, .. } => format!("<{} bytes>", b.len()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Changes from `old` to `new`, by key path (`a.b`, `list[2]`), in the new value's order, then
/// what was removed.
pub fn tree(old: &Decoded, new: &Decoded) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", old, new, &mut out);
    out
}

fn walk(path: &str, old: &Decoded, new: &Decoded, out: &mut Vec<Change>) {
    match (old, new) {
        (Decoded::Map(a), Decoded::Map(b)) => {
            for (k, v) in b {
                let p = join(path, k);
                match a.iter().find(|(ka, _)| ka == k) {
                    Some((_, va)) => walk(&p, va, v, out),
                    None => out.push(Change::Added {
                        path: p,
                        value: brief(v),
                    }),
                }
            }
            for (k, v) in a {
                if !b.iter().any(|(kb, _)| kb == k) {
                    out.push(Change::Removed {
                        path: join(path, k),
                        value: brief(v),
                    });
                }
            }
        }
        (Decoded::List(a), Decoded::List(b)) => {
            for i in 0..a.len().max(b.len()) {
                let p = format!("{path}[{i}]");
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => walk(&p, x, y, out),
                    (None, Some(y)) => out.push(Change::Added {
                        path: p,
                        value: brief(y),
                    }),
                    (Some(x), None) => out.push(Change::Removed {
                        path: p,
                        value: brief(x),
                    }),
                    (None, None) => {}
                }
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Change::Changed {
            path: if path.is_empty() {
                "(value)".into()
            } else {
                path.into()
            },
            old: brief(a),
            new: brief(b),
        }),
    }
}

/// Lines longer than this many in either text are compared as wholes: the table below grows
/// with the product of the two.
pub const MAX_LINES: usize = 2000;

/// A line diff (longest common subsequence), unchanged lines included.
pub fn lines(old: &str, new: &str) -> Vec<Line> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        let mut out: Vec<Line> = a.iter().map(|l| Line::Removed(l.to_string())).collect();
        out.extend(b.iter().map(|l| Line::Added(l.to_string())));
        return out;
    }
    // lcs[i][j]: the common length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(Line::Same(a[i].to_string()));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(Line::Added(b[j].to_string()));
            j += 1;
        } else {
            out.push(Line::Removed(a[i].to_string()));
            i += 1;
        }
    }
    out
}

/// The byte ranges where `new` differs from `old` (past the shorter one's end, the rest).
pub fn bytes(old: &[u8], new: &[u8]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let n = old.len().max(new.len());
    let mut i = 0;
    while i < n {
        if old.get(i) != new.get(i) {
            let start = i;
            while i < n && old.get(i) != new.get(i) {
                i += 1;
            }
            out.push(start..i);
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Decoder, Json};

    #[test]
    fn json_by_key_path() {
        let a = Json
            .decode(br#"{"t":21.5,"ok":true,"tags":["a"],"gone":1}"#)
            .unwrap();
        let b = Json
            .decode(br#"{"t":22.0,"ok":true,"tags":["a","b"],"new":{"x":1}}"#)
            .unwrap();
        assert_eq!(
            tree(&a, &b),
            [
                Change::Changed {
                    path: "t".into(),
                    old: "21.5".into(),
                    new: "22.0".into()
                },
                Change::Added {
                    path: "tags[1]".into(),
                    value: "\"b\"".into()
                },
                Change::Added {
                    path: "new".into(),
                    value: "{1 keys}".into()
                },
                Change::Removed {
                    path: "gone".into(),
                    value: "1".into()
                },
            ]
        );
        assert!(tree(&a, &a).is_empty());
    }

    #[test]
    fn text_by_line_and_bytes_by_range() {
        assert_eq!(
            lines("a\nb\nc", "a\nB\nc\nd"),
            [
                Line::Same("a".into()),
                Line::Added("B".into()),
                Line::Removed("b".into()),
                Line::Same("c".into()),
                Line::Added("d".into()),
            ]
        );
        assert_eq!(bytes(&[1, 2, 3, 4], &[1, 9, 9, 4, 5]), [1..3, 4..5]);
        assert!(bytes(b"same", b"same").is_empty());
    }
}
