//! The detail's header: the meta line (QoS, flags, time, size, view and why) and the notes
//! under it (an answer to our request, a payload cut by the budget, a cleared retained
//! message, MQTT 5 properties, a payload too big to read at once, a format it looks like),
//! worded here and wrapped to the pane, so what is drawn and the height the payload's scroll
//! counts on are one list.

use crate::app::App;
use crate::decode::{Shown, Why};
use crate::store::Entry;

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
    /// The topic is silent for several of its usual intervals.
    Stale { silent_ms: u32, usual_ms: f32 },
    /// The topic's timing: its intervals, the lag from send to arrival, clock skew (a
    /// warning).
    Timing(String, bool),
    /// `[[schemas]]`: the schema's file and what the check says.
    Schema(String, crate::decode::schema::Verdict),
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
            HeaderNote::Timing(words, warn) => (
                words.clone(),
                if *warn { Tone::Warn } else { Tone::Plain },
            ),
            HeaderNote::Schema(file, v) => (
                format!("schema {file}: {}", clean(&v.words())),
                if v.is_valid() { Tone::Ok } else { Tone::Warn },
            ),
            HeaderNote::Stale { silent_ms, usual_ms } => (
                format!(
                    "silent {}, usually every {}",
                    crate::text::span_ms(f64::from(*silent_ms)),
                    crate::text::span_ms(f64::from(*usual_ms))
                ),
                Tone::Warn,
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
    pub fn detail_notes<'a>(&'a self, e: &Entry, shown: &Shown) -> Vec<HeaderNote<'a>> {
        let mut notes = Vec::new();
        if let Some(a) = self.requests.answer(e.seq()) {
            notes.push(HeaderNote::Answer(a));
        }
        if let Some(full) = self.link.store.full_len(e) {
            notes.push(HeaderNote::Dropped {
                kept: e.payload_len(),
                full,
            });
        }
        let node = self.link.store.tree.node(e.node);
        if (e.payload_len() == 0)
            && e.retain()
            && node.retained == crate::store::tree::Retained::Cleared
        {
            notes.push(HeaderNote::Cleared);
        }
        if let Some(p) = self.link.store.properties(e) {
            property_rows(p, &mut notes);
        }
        if shown.too_big {
            notes.push(HeaderNote::TooBig {
                view: shown.decoder,
                len: e.payload_len(),
                reading: self.whole.is_running(e.seq(), shown.decoder),
            });
        }
        if let Some(format) = shown.hint {
            notes.push(HeaderNote::LooksLike(format));
        }
        if let Some((file, verdict)) = self.schema_verdict(e) {
            notes.push(HeaderNote::Schema(file, verdict));
        }
        if let Some(t) = self.timing(e.node) {
            notes.extend(
                t.words()
                    .into_iter()
                    .map(|(w, warn)| HeaderNote::Timing(w, warn)),
            );
        }
        let now_ms = self.link.store.rate.current_millis(self.now);
        if let Some(s) = node.rhythm.silence(now_ms).filter(|s| s.stale)
            && let Some(usual_ms) = s.usual_ms
        {
            notes.push(HeaderNote::Stale {
                silent_ms: s.silent_ms,
                usual_ms,
            });
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
        meta.push(crate::text::human_bytes(e.payload_len() as u64));
        meta.push(view_label(shown, e.payload_len() == 0));
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
            .chain(self.detail_notes(e, shown).iter().map(HeaderNote::words))
            .flat_map(|(words, tone)| {
                crate::text::wrap(&words, width)
                    .into_iter()
                    .enumerate()
                    .map(move |(i, l)| (l, tone, i == 0))
            })
            .collect()
    }
}
