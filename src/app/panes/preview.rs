//! One-line previews for tree and log rows. Text is shown as text (as before, looking only at
//! what fits). A payload that is not text is decoded with the topic's view (its rule, its
//! content type, a sure guess, or the `v` choice), and a structured result is summarised on one
//! line (`{kwh: 12.5, meter: "m-1", …}`): the demo's MessagePack meter, its Protobuf press line
//! and its Sparkplug node read like their detail, not as `⟨28 B⟩ 83a3…`. Binary that decodes to
//! nothing structured keeps its hex start.
//!
//! Summaries are cached by message (a small map cleared as it fills), so a frame decodes only
//! rows it has not drawn before: during a flood, what arrived since the last frame and shows.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::app::App;
use crate::decode::{Decoded, Scalar};
use crate::store::Entry;
use crate::text::{clean, fit, payload_preview, text_preview};

/// Summaries kept; past it the map starts again (a screen holds under a hundred rows).
const KEPT: usize = 4096;
/// The longest summary made: a row never shows more.
const LONGEST: usize = 400;
/// Payloads bigger than this are not decoded for a row (the detail does that, paged).
const DECODE_MAX: usize = 64 * 1024;

/// A message's summary is named by its seq, the view it was read with and the Sparkplug births'
/// generation (a new birth renames aliases).
type Key = (u64, Option<&'static str>, u64);

/// Row summaries (None: nothing structured, the hex start is shown).
#[derive(Debug, Default)]
pub struct Previews {
    made: RefCell<HashMap<Key, Option<String>>>,
}

impl Previews {
    pub fn clear(&self) {
        self.made.borrow_mut().clear();
    }
}

impl App {
    /// The preview of entry `e` in at most `max_cols` columns.
    pub fn row_preview(&self, e: &Entry, max_cols: usize) -> String {
        let payload = self.link.store.payload(e);
        if let Some(text) = text_preview(payload, max_cols) {
            return text;
        }
        if payload.len() > DECODE_MAX {
            return payload_preview(payload, max_cols);
        }
        let view = self.views.get(&e.node).copied();
        let key = (e.seq(), view, self.sparkplug.generation());
        let cached = self.previews.made.borrow().get(&key).cloned();
        let summary = match cached {
            Some(s) => s,
            None => {
                let made = self.summarise(e, view);
                let mut map = self.previews.made.borrow_mut();
                if map.len() >= KEPT {
                    map.clear();
                }
                map.insert(key, made.clone());
                made
            }
        };
        match summary {
            Some(s) => fit(&s, max_cols).into_owned(),
            None => payload_preview(payload, max_cols),
        }
    }

    /// The entry decoded as the detail would show it, as one line, when it is a tree.
    fn summarise(&self, e: &Entry, view: Option<&'static str>) -> Option<String> {
        let store = &self.link.store;
        let topic = store.tree.path(e.node);
        let msg = crate::decode::Payload {
            seq: e.seq(),
            topic: &topic,
            bytes: store.payload(e),
            properties: store.properties(e),
            births: Some(&self.sparkplug),
        };
        let decoded = crate::decode::decode_first_page(&self.decoders, &msg, view).ok()?;
        if !matches!(decoded, Decoded::Map(_) | Decoded::List(_)) {
            return None;
        }
        let mut out = String::new();
        summary(&decoded, &mut out, 0);
        Some(out)
    }
}

/// `d` on one line, JSON-like with bare keys, nested maps and lists shortened past the second
/// level, stopped at `LONGEST` characters.
fn summary(d: &Decoded, out: &mut String, depth: usize) {
    if out.len() > LONGEST {
        return;
    }
    match d {
        Decoded::Map(m) if depth >= 2 => out.push_str(&format!("{{{} keys}}", m.len())),
        Decoded::List(l) if depth >= 2 => out.push_str(&format!("[{} items]", l.len())),
        Decoded::Map(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if out.len() > LONGEST {
                    out.push('…');
                    break;
                }
                out.push_str(&clean(k));
                out.push_str(": ");
                summary(v, out, depth + 1);
            }
            out.push('}');
        }
        Decoded::List(l) => {
            out.push('[');
            for (i, v) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if out.len() > LONGEST {
                    out.push('…');
                    break;
                }
                summary(v, out, depth + 1);
            }
            out.push(']');
        }
        Decoded::Scalar(Scalar::Str(s)) => out.push_str(&format!("\"{}\"", clean(s))),
        Decoded::Scalar(Scalar::Number(n)) => out.push_str(&clean(n)),
        Decoded::Scalar(Scalar::Bool(b)) => out.push_str(&b.to_string()),
        Decoded::Scalar(Scalar::Null) => out.push_str("null"),
        Decoded::Scalar(Scalar::Named { text, .. }) => out.push_str(&clean(text)),
        Decoded::Text(t) => out.push_str(&format!("\"{}\"", clean(t))),
        Decoded::Bytes(b) | Decoded::Described { bytes: b, .. } => {
            out.push_str(&format!("<{} bytes>", b.len()))
        }
        Decoded::Empty => out.push_str("(empty)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_on_one_line_shortened_below_the_second_level() {
        let d = Decoded::Map(vec![
            ("kwh".into(), Decoded::Scalar(Scalar::Number("12.5".into()))),
            ("meter".into(), Decoded::Scalar(Scalar::Str("m-1".into()))),
            (
                "deep".into(),
                Decoded::Map(vec![(
                    "x".into(),
                    Decoded::List(vec![Decoded::Scalar(Scalar::Null)]),
                )]),
            ),
        ]);
        let mut out = String::new();
        summary(&d, &mut out, 0);
        assert_eq!(out, "{kwh: 12.5, meter: \"m-1\", deep: {x: [1 items]}}");
    }
}
