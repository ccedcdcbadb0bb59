//! A decoded tree (JSON, MessagePack, CBOR, Protobuf, Sparkplug) laid out as rows, with the
//! folded maps and lists closed. Made once per message and fold state, so a frame draws only
//! the rows on screen: a 1 MiB document is ~150k rows, and laying all of them out every frame
//! took far longer than a frame.
//!
//! A fold is named by its path (`metrics.3.value`), so a topic's folds stay as they are while
//! new messages arrive with the same shape. The same names open bytes: a value's bytes show
//! their first `BYTES_SHOWN` on their row, and all of them, as hex rows sized to the pane,
//! once opened.

use std::collections::HashSet;

use super::{Decoded, Scalar};

/// Bytes inside a tree show their first this many as hex on their row (a value's bytes were
/// once only counted, `<2 bytes>`); the detail's hex view shows a whole payload.
pub const BYTES_SHOWN: usize = 16;

/// One row of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub depth: u16,
    /// The map key this row is under, if any.
    pub key: Option<String>,
    pub item: Item,
    /// A comma after it (not the last of its parent).
    pub comma: bool,
    /// Its key was given before in the same map (JSON allows it; most readers keep only the
    /// last): shown, and marked.
    pub duplicate: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// The start of a map (`{`) or list (`[`) with `len` children; folded ones have no rows
    /// below them and no closing row. `path` names the fold.
    Open {
        map: bool,
        len: usize,
        folded: bool,
        path: String,
    },
    /// The end of a map or list.
    Close {
        map: bool,
    },
    Scalar(Scalar),
    /// Text inside a tree (one line).
    Text(String),
    /// Bytes inside a tree: how many, and the first of them (`BYTES_SHOWN`), shown as hex;
    /// opened (`open`), every byte follows as `HexRow`s. `path` names it, as a fold's does.
    Bytes {
        len: usize,
        head: Vec<u8>,
        open: bool,
        path: String,
    },
    /// A row of an opened value's bytes: where in the value they start, the bytes, and how
    /// many a full row holds (the last may hold fewer).
    HexRow {
        offset: usize,
        bytes: Vec<u8>,
        per_row: usize,
    },
    Empty,
}

#[derive(Debug, Default, PartialEq)]
pub struct Outline {
    pub rows: Vec<Row>,
    /// How many maps and lists are folded in it.
    pub folded: usize,
}

impl Outline {
    /// The row where the map or list holding row `at` opens (itself when it opens one).
    pub fn opener_of(&self, at: usize) -> Option<usize> {
        let row = self.rows.get(at)?;
        if matches!(row.item, Item::Open { .. }) {
            return Some(at);
        }
        let depth = match row.item {
            // A closing row belongs to the opener at its own depth.
            Item::Close { .. } => row.depth + 1,
            _ => row.depth,
        };
        (0..at).rev().find(|&i| {
            self.rows[i].depth + 1 == depth && matches!(self.rows[i].item, Item::Open { .. })
        })
    }

    /// The fold name of row `at`, when it opens a map or list.
    pub fn path(&self, at: usize) -> Option<&str> {
        match &self.rows.get(at)?.item {
            Item::Open { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The bytes value row `at` is (or is a hex row of): its row and its name.
    pub fn bytes_at(&self, at: usize) -> Option<(usize, &str)> {
        let row = (0..=at.min(self.rows.len().checked_sub(1)?))
            .rev()
            .find(|&i| !matches!(self.rows[i].item, Item::HexRow { .. }))?;
        match &self.rows[row].item {
            Item::Bytes { path, .. } => Some((row, path)),
            _ => None,
        }
    }

    /// Every fold name below the top level (`Z` folds them all).
    pub fn inner_paths(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().filter_map(|r| match &r.item {
            Item::Open { path, .. } if r.depth == 1 => Some(path.as_str()),
            _ => None,
        })
    }
}

/// True for a value drawn as a tree (a map or a list at the top).
pub fn is_tree(d: &Decoded) -> bool {
    matches!(d, Decoded::Map(_) | Decoded::List(_))
}

/// The rows of `d` with the maps and lists named in `toggled` closed and the bytes it names
/// opened, their hex rows fitted to `width` columns.
pub fn build(d: &Decoded, toggled: &HashSet<String>, width: usize) -> Outline {
    let mut out = Outline::default();
    let mut path = String::new();
    let root = At {
        depth: 0,
        key: None,
        comma: false,
        duplicate: false,
    };
    let how = How { toggled, width };
    walk(d, root, &mut path, &how, &mut out);
    out
}

/// How many of a value's bytes its row shows, so the row fits the pane: up to `BYTES_SHOWN`,
/// fewer in a narrow pane (a row that wraps would throw off the row count the cursor and the
/// scroll go by).
fn inline_bytes(len: usize, depth: u16, key: Option<&str>, width: usize) -> usize {
    let key = key.map_or(0, |k| crate::text::width(&crate::text::clean(k)) + 4);
    // `<40 bytes: ` … ` … z opens>,`
    let words = len.to_string().len() + 9 + 12;
    let room = width.saturating_sub(2 * usize::from(depth) + key + words);
    (room / 3).min(BYTES_SHOWN)
}

/// What the user toggled, and the pane's width.
struct How<'a> {
    toggled: &'a HashSet<String>,
    width: usize,
}

/// Where a value stands: its depth, the key it is under, whether a comma follows it and
/// whether its key was given before in the same map.
#[derive(Clone, Copy)]
struct At<'a> {
    depth: u16,
    key: Option<&'a str>,
    comma: bool,
    duplicate: bool,
}

fn walk(d: &Decoded, at: At<'_>, path: &mut String, how: &How<'_>, out: &mut Outline) {
    let folded = how.toggled;
    let At {
        depth,
        key,
        comma,
        duplicate,
    } = at;
    let row = |item| Row {
        depth,
        key: key.map(str::to_string),
        item,
        comma,
        duplicate,
    };
    let (map, len) = match d {
        Decoded::Map(m) => (true, m.len()),
        Decoded::List(l) => (false, l.len()),
        Decoded::Scalar(s) => return out.rows.push(row(Item::Scalar(s.clone()))),
        Decoded::Text(t) => return out.rows.push(row(Item::Text(t.clone()))),
        Decoded::Bytes(b) | Decoded::Described { bytes: b, .. } => {
            let head = b[..b.len().min(inline_bytes(b.len(), depth, key, how.width))].to_vec();
            let open = b.len() > BYTES_SHOWN && folded.contains(path.as_str());
            out.rows.push(row(Item::Bytes {
                len: b.len(),
                head,
                open,
                path: path.clone(),
            }));
            if open {
                let indent = 2 * (usize::from(depth) + 1);
                let per_row = super::hex_row_bytes(how.width.saturating_sub(indent));
                for (i, chunk) in b.chunks(per_row).enumerate() {
                    out.rows.push(Row {
                        depth: depth + 1,
                        key: None,
                        item: Item::HexRow {
                            offset: i * per_row,
                            bytes: chunk.to_vec(),
                            per_row,
                        },
                        comma: false,
                        duplicate: false,
                    });
                }
            }
            return;
        }
        Decoded::Empty => return out.rows.push(row(Item::Empty)),
    };
    // The root is never folded: there would be nothing to see.
    let is_folded = depth > 0 && len > 0 && folded.contains(path.as_str());
    out.folded += usize::from(is_folded);
    out.rows.push(row(Item::Open {
        map,
        len,
        folded: is_folded,
        path: path.clone(),
    }));
    if is_folded || len == 0 {
        return;
    }
    let base = path.len();
    let mut child = |i: usize, k: Option<&str>, duplicate: bool, v: &Decoded, path: &mut String| {
        if base > 0 {
            path.push('.');
        }
        match k {
            Some(k) => path.push_str(k),
            None => path.push_str(&i.to_string()),
        }
        let at = At {
            depth: depth + 1,
            key: k,
            comma: i + 1 < len,
            duplicate,
        };
        walk(v, at, path, how, out);
        path.truncate(base);
    };
    match d {
        Decoded::Map(m) => {
            let mut seen: HashSet<&str> = HashSet::new();
            for (i, (k, v)) in m.iter().enumerate() {
                let duplicate = !seen.insert(k.as_str());
                child(i, Some(k), duplicate, v, path);
            }
        }
        Decoded::List(l) => {
            for (i, v) in l.iter().enumerate() {
                child(i, None, false, v, path);
            }
        }
        _ => {}
    }
    out.rows.push(Row {
        depth,
        key: None,
        item: Item::Close { map },
        comma,
        duplicate: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes in a tree carry their first bytes for the row (they were only counted).
    #[test]
    fn bytes_keep_their_first_bytes() {
        let d = Decoded::Map(vec![("b".into(), Decoded::Bytes((0u8..40).collect()))]);
        let o = build(&d, &HashSet::new(), 80);
        let Item::Bytes {
            len, head, open, ..
        } = &o.rows[1].item
        else {
            panic!("{:?}", o.rows)
        };
        assert_eq!((*len, *open), (40, false));
        assert_eq!(head, &(0u8..16).collect::<Vec<u8>>());
        assert_eq!(o.rows.len(), 3);
    }

    /// Opened bytes are every byte, in hex rows that fit the width less the indent.
    #[test]
    fn opened_bytes_show_every_byte_in_rows_that_fit() {
        let d = Decoded::Map(vec![("b".into(), Decoded::Bytes((0u8..40).collect()))]);
        let open: HashSet<String> = ["b".to_string()].into();
        for (width, per_row, rows) in [(120, 16, 3), (50, 8, 5)] {
            let o = build(&d, &open, width);
            let hex: Vec<(usize, Vec<u8>)> = o
                .rows
                .iter()
                .filter_map(|r| match &r.item {
                    Item::HexRow { offset, bytes, .. } => Some((*offset, bytes.clone())),
                    _ => None,
                })
                .collect();
            assert_eq!(hex.len(), rows, "{width}");
            assert_eq!(hex[1].0, per_row);
            let all: Vec<u8> = hex.into_iter().flat_map(|(_, b)| b).collect();
            assert_eq!(all, (0u8..40).collect::<Vec<u8>>());
            assert_eq!(
                o.bytes_at(3),
                Some((1, "b")),
                "a hex row belongs to its value"
            );
        }
    }

    fn doc() -> Decoded {
        crate::decode::Json
            .decode(br#"{"a":{"b":[1,2],"c":true},"d":"x"}"#)
            .unwrap()
    }

    use crate::decode::Decoder;

    #[test]
    fn rows_fold_by_path_and_find_their_opener() {
        let open = build(&doc(), &HashSet::new(), 80);
        // { a:{ b:[ 1 2 ] c } d }
        assert_eq!(open.rows.len(), 10);
        assert_eq!(open.path(1), Some("a"));
        assert_eq!(open.path(2), Some("a.b"));
        assert_eq!(open.opener_of(3), Some(2), "1 is in a.b");
        assert_eq!(open.opener_of(5), Some(2), "] closes a.b");
        assert_eq!(open.opener_of(6), Some(1), "c is in a");
        assert_eq!(open.inner_paths().collect::<Vec<_>>(), ["a"]);
        let folded: HashSet<String> = ["a.b".to_string()].into();
        let f = build(&doc(), &folded, 80);
        assert_eq!((f.rows.len(), f.folded), (7, 1));
        assert!(matches!(
            f.rows[2].item,
            Item::Open {
                folded: true,
                len: 2,
                ..
            }
        ));
        let all: HashSet<String> = ["a".to_string(), String::new()].into();
        assert_eq!(build(&doc(), &all, 80).rows.len(), 4, "the root stays open");
    }
}
