//! The detail pane: which message it shows (the tree's or the log's selection, stepped back
//! through the topic's kept history), which page of a big payload, and the payload decoded.

use std::cell::RefCell;
use std::rc::Rc;

use crate::app::App;
use crate::decode::{Births, DecodeCache, Payload, Registry, Shown, Why, page};
use crate::store::{Entry, Store};

#[derive(Debug, Default)]
pub struct DetailView {
    /// The first line of the payload on screen (a row, for a tree).
    pub scroll: usize,
    /// The tree's row the keys act on (`z`); clamped to the rows there are when used.
    pub cursor: usize,
    pub page: usize,
    /// Which pane the detail follows.
    pub from_log: bool,
    /// The older message of the topic the user stepped back to (`<`), held by its sequence
    /// number so new arrivals do not move it; None shows the newest.
    pub pinned: Option<u64>,
    /// Payloads decoded for the detail, so a redraw does not decode again.
    pub cache: RefCell<DecodeCache>,
    /// `d`: the shown message compared with the one before it on its topic.
    pub diff: bool,
    /// Folded maps and lists of a tree payload (`z`, `Z`).
    pub folds: crate::app::fold::Folds,
}

impl DetailView {
    /// Back to the top of the first page (a new message or a step through history).
    pub fn reset_position(&mut self) {
        self.scroll = 0;
        self.cursor = 0;
        self.page = 0;
    }

    /// The message shown for `base` (the selection's newest): the pinned older one while it
    /// is still kept, else `base`.
    pub fn entry<'s>(&self, store: &'s Store, base: &'s Entry) -> &'s Entry {
        self.pinned
            .and_then(|seq| store.entry(base.node, seq))
            .filter(|e| e.node == base.node && e.seq() <= base.seq())
            .unwrap_or(base)
    }

    /// Back to the newest message.
    pub fn unpin(&mut self) {
        self.pinned = None;
        self.reset_position();
    }

    /// Which of the topic's kept messages is shown: (1-based position, how many are kept).
    pub fn position(&self, store: &Store, base: &Entry) -> (usize, usize) {
        let shown = self.entry(store, base).seq();
        let kept = store.history(base.node).count();
        let at = store
            .history(base.node)
            .filter(|e| e.seq() <= shown)
            .count();
        (at.max(1), kept)
    }

    /// The payload of `e` decoded (once per message, page and view, then cached); `view`: one
    /// picked with `v` for its topic.
    pub fn shown(
        &self,
        store: &Store,
        registry: &Registry,
        births: &Births,
        e: &Entry,
        view: Option<&'static str>,
    ) -> Rc<Shown> {
        let topic = store.tree.path(e.node);
        let msg = Payload {
            seq: e.seq(),
            topic: &topic,
            bytes: &e.payload,
            properties: store.properties(e),
            births: Some(births),
        };
        self.cache.borrow_mut().get(registry, msg, self.page, view)
    }

    pub fn scroll_by(&mut self, up: bool, lines: usize) {
        self.scroll = if up {
            self.scroll.saturating_sub(lines)
        } else {
            self.scroll.saturating_add(lines).min(usize::MAX / 2)
        };
    }

    pub fn turn_page(&mut self, forward: bool, payload_len: usize) {
        self.page = if forward {
            (self.page + 1).min(page::pages(payload_len) - 1)
        } else {
            self.page.saturating_sub(1)
        };
        self.scroll = 0;
        self.cursor = 0;
    }

    /// `<` and `>`: the older or newer message of the topic than the one shown. Reaching the
    /// newest follows the topic again.
    pub fn step_history(&mut self, older: bool, store: &Store, base: &Entry) {
        let current = self.entry(store, base).seq();
        let next = if older {
            store
                .history(base.node)
                .rev()
                .map(|e| e.seq())
                .find(|s| *s < current)
        } else {
            store
                .history(base.node)
                .map(|e| e.seq())
                .find(|s| *s > current)
        };
        match next {
            Some(seq) if seq < base.seq() => self.pinned = Some(seq),
            Some(_) => self.pinned = None,
            None if older => return,
            None => self.pinned = None,
        }
        self.reset_position();
    }
}

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
        why => format!(
            "{}: {}",
            shown.decoder,
            crate::text::clean(&why.to_string())
        ),
    }
}

/// A line the detail's header gives a message, beyond its meta line.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderNote<'a> {
    /// What it answers among our requests.
    Answer(&'a crate::app::requests::Answer),
    /// Cut to its head over the budget: `kept` of `full` bytes.
    Dropped { kept: usize, full: usize },
    /// An empty retained message that cleared the topic.
    Cleared,
    /// An MQTT 5 property, as (name, value in words; escaped for the screen).
    Property(String, String),
    /// A structured payload past the size read at once: shown as text pages (`W` reads it
    /// whole), or being read whole now.
    TooBig {
        view: &'static str,
        len: usize,
        reading: bool,
    },
    /// Binary shown as hex that reads whole as this format.
    LooksLike(&'static str),
}

/// How a header note is drawn: its colour's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// The meta line: QoS, flags, time, size, view.
    Meta,
    Ok,
    Warn,
    Plain,
}

impl HeaderNote<'_> {
    /// The note in words (untrusted parts escaped), and its tone. The app decides them, so
    /// the header's height (`detail_header_len`, the notes wrapped to the pane) and what is
    /// drawn cannot disagree; a note once ran off the pane's edge.
    pub fn words(&self) -> (String, Tone) {
        use crate::app::requests::Answer;
        use crate::text::{clean, human_bytes};
        match self {
            HeaderNote::Answer(Answer::Matched { request_topic, rtt }) => (
                format!(
                    "response to our request on {} (correlation matched) · round trip {:.1} ms",
                    clean(request_topic),
                    rtt.as_secs_f64() * 1000.0
                ),
                Tone::Ok,
            ),
            HeaderNote::Answer(Answer::Unmatched) => (
                "on a response topic of ours, but its correlation data matches none of our requests".into(),
                Tone::Warn,
            ),
            HeaderNote::Dropped { kept, full } => (
                format!(
                    "payload dropped, over the history budget: the first {} of {} kept",
                    human_bytes(*kept as u64),
                    human_bytes(*full as u64)
                ),
                Tone::Warn,
            ),
            HeaderNote::Cleared => (
                "retained message cleared: the broker holds nothing for this topic now".into(),
                Tone::Warn,
            ),
            HeaderNote::Property(name, value) => (format!("{name}: {value}"), Tone::Plain),
            HeaderNote::TooBig { view, len, reading: false } => (
                format!(
                    "{}: {} is past the {} read at once, so its pages are shown as text; \
                     W reads it whole as {view}",
                    view,
                    human_bytes(*len as u64),
                    human_bytes(crate::decode::WHOLE_MAX as u64)
                ),
                Tone::Warn,
            ),
            HeaderNote::TooBig { view, len, reading: true } => (
                format!("reading {} whole as {view}…", human_bytes(*len as u64)),
                Tone::Warn,
            ),
            HeaderNote::LooksLike(format) => (
                format!("looks like {format}: v shows it decoded"),
                Tone::Plain,
            ),
        }
    }
}

/// A message's MQTT 5 properties, one header line each.
fn property_rows(p: &crate::mqtt::Properties, out: &mut Vec<HeaderNote<'_>>) {
    use crate::text::clean;
    use base64::Engine;
    let mut row = |k: &str, v: String| out.push(HeaderNote::Property(k.to_string(), v));
    if let Some(ct) = &p.content_type {
        row("content type", clean(ct).into_owned());
    }
    if let Some(pf) = p.payload_format_indicator {
        row(
            "payload format",
            if pf == 1 {
                "UTF-8".into()
            } else {
                "bytes".into()
            },
        );
    }
    if let Some(e) = p.message_expiry_interval {
        row("message expiry", format!("{e} s"));
    }
    if let Some(rt) = &p.response_topic {
        row("response topic", clean(rt).into_owned());
    }
    if let Some(cd) = &p.correlation_data {
        row(
            "correlation data",
            match std::str::from_utf8(cd) {
                Ok(t) => clean(t).into_owned(),
                Err(_) => format!(
                    "base64:{}",
                    base64::engine::general_purpose::STANDARD.encode(cd)
                ),
            },
        );
    }
    for (k, v) in &p.user_properties {
        row(&format!("user {}", clean(k)), clean(v).into_owned());
    }
    if !p.subscription_identifiers.is_empty() {
        row(
            "subscription ids",
            format!("{:?}", p.subscription_identifiers),
        );
    }
}

impl App {
    /// The header lines of `e` after its meta line, in order: one list for the UI, which draws
    /// them, and for the payload's scroll, which must know how many there are.
    pub fn detail_notes(&self, e: &Entry) -> Vec<HeaderNote<'_>> {
        let mut notes = Vec::new();
        if let Some(a) = self.requests.answer(e.seq()) {
            notes.push(HeaderNote::Answer(a));
        }
        if let Some(full) = self.link.store.full_len(e) {
            notes.push(HeaderNote::Dropped {
                kept: e.payload.len(),
                full,
            });
        }
        let node = self.link.store.tree.node(e.node);
        if e.payload.is_empty()
            && e.retain()
            && node.retained == crate::store::tree::Retained::Cleared
        {
            notes.push(HeaderNote::Cleared);
        }
        if let Some(p) = self.link.store.properties(e) {
            property_rows(p, &mut notes);
        }
        if let Some((shown_e, shown)) = self.detail_shown()
            && shown_e.seq() == e.seq()
        {
            if shown.too_big {
                notes.push(HeaderNote::TooBig {
                    view: shown.decoder,
                    len: e.payload.len(),
                    reading: self.whole.is_running(e.seq(), shown.decoder),
                });
            }
            if let Some(format) = shown.hint {
                notes.push(HeaderNote::LooksLike(format));
            }
        }
        notes
    }

    /// The meta line of `e` shown as `shown`: QoS, flags, time, size, view, position.
    pub fn detail_meta(&self, e: &Entry, shown: &Shown) -> String {
        let mut meta = vec![format!("q{}", e.qos().as_u8())];
        if e.retain() {
            meta.push("retained".into());
        }
        if e.dup() {
            meta.push("dup".into());
        }
        meta.push(crate::text::time_of(e.received()));
        meta.push(crate::text::human_bytes(e.payload.len() as u64));
        meta.push(view_label(shown, e.payload.is_empty()));
        if e.outgoing() {
            meta.push("published by us".into());
        }
        if let Some(base) = self.detail_base() {
            let (at, kept) = self.detail.position(&self.link.store, base);
            if kept > 1 {
                meta.push(format!("{at} of {kept} kept (< >)"));
            }
        }
        meta.join(" · ")
    }

    /// The detail's header as drawn: the meta line, then the notes, each wrapped to the pane's
    /// inner width (a line once ran off the edge); true on each one's first line.
    pub fn detail_header_lines(&self, e: &Entry, shown: &Shown) -> Vec<(String, Tone, bool)> {
        let width = self.areas().detail.width.saturating_sub(2) as usize;
        let meta = (self.detail_meta(e, shown), Tone::Meta);
        std::iter::once(meta)
            .chain(self.detail_notes(e).iter().map(HeaderNote::words))
            .flat_map(|(words, tone)| {
                crate::text::wrap(&words, width)
                    .into_iter()
                    .enumerate()
                    .map(move |(i, l)| (l, tone, i == 0))
            })
            .collect()
    }

    /// The message the detail follows: the log's selection (or newest), or the tree's topic's
    /// newest.
    pub fn detail_base(&self) -> Option<&Entry> {
        if self.detail.from_log {
            let seq = self.log.selected.or_else(|| self.log_step(None, true, 0))?;
            self.link.store.log.get(seq)
        } else {
            self.link.store.last(self.tree.selected?)
        }
    }

    /// The tree node the detail summarises instead of a message: the tree's selection when it
    /// is a branch with no message of its own.
    pub fn detail_branch(&self) -> Option<crate::store::NodeId> {
        let id = self.tree.selected?;
        (!self.detail.from_log && self.link.store.last(id).is_none()).then_some(id)
    }

    /// The message before the shown one on its topic: what `d` compares it with.
    pub fn detail_previous(&self) -> Option<&Entry> {
        let e = self.detail_entry()?;
        self.link
            .store
            .history(e.node)
            .rev()
            .find(|p| p.seq() < e.seq())
    }

    /// The entry the detail pane shows.
    pub fn detail_entry(&self) -> Option<&Entry> {
        Some(self.detail.entry(&self.link.store, self.detail_base()?))
    }

    /// The detail's entry with its payload decoded.
    pub fn detail_shown(&self) -> Option<(&Entry, Rc<Shown>)> {
        let e = self.detail_entry()?;
        let view = self.views.get(&e.node).copied();
        let shown = self
            .detail
            .shown(&self.link.store, &self.decoders, &self.sparkplug, e, view);
        let shown = self.with_whole(e.seq(), self.with_run(e.seq(), shown));
        Some((e, shown))
    }

    /// `<` / `>` in the detail.
    pub fn detail_step(&mut self, older: bool) {
        let Some((node, seq)) = self.detail_base().map(|e| (e.node, e.seq())) else {
            return;
        };
        // Looked up again through the store field alone, so the view can change beside it.
        if let Some(base) = self.link.store.entry(node, seq) {
            self.detail.step_history(older, &self.link.store, base);
        }
    }
}
