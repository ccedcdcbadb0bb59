//! Decoded payloads, kept for the few messages on screen: a frame redraws the detail 30 times a
//! second, and the same message must not be parsed each time (JSON was parsed three times a
//! frame before this cache).

use std::rc::Rc;

use super::page;
use super::{Births, DecodeError, Decoded, Decoder, Registry, WHOLE_MAX, Why};
use crate::mqtt::Properties;

/// One message's payload as the detail shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// The decoder that produced `result` (or failed to).
    pub decoder: &'static str,
    pub why: Why,
    pub result: Result<Decoded, DecodeError>,
    /// The page shown (clamped), how many there are, and where the page starts. A structured
    /// format read whole has one page.
    pub page: usize,
    pub pages: usize,
    pub offset: usize,
    /// An external decoder's command: the app runs it as a job, and shows its output instead.
    pub command: Option<Command>,
    /// A structured format's payload past `WHOLE_MAX`: a page of it cannot be read as that
    /// format (it is cut mid-value; forcing json once said "EOF at column 65536", an error not
    /// in the document), so its pages are shown as text and the header says why; the app can
    /// read it whole as a job.
    pub too_big: bool,
    /// Binary shown as hex that reads, whole and exactly, as a map or a list of a format not
    /// guessed for it (its keys are not all text, say): that format's name, for a hint.
    pub hint: Option<&'static str>,
}

impl Shown {
    /// A payload read whole, on one page, as `decoder` shows it.
    pub fn whole(decoder: &'static str, why: Why, result: Result<Decoded, DecodeError>) -> Shown {
        Shown {
            decoder,
            why,
            result,
            page: 0,
            pages: 1,
            offset: 0,
            command: None,
            too_big: false,
            hint: None,
        }
    }
}

/// One run of an external decoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub argv: Vec<String>,
    pub time_limit: std::time::Duration,
    pub output_cap: usize,
}

/// Key: the message's log sequence number, the page, the view forced by the user (None: the
/// registry's choice), and the Sparkplug births' generation (a new birth renames aliases). A
/// sequence number names one message for the store's lifetime.
type Key = (u64, usize, Option<&'static str>, u64);

/// A handful of entries, most recent first: the selected message, its neighbours while the user
/// steps through history, and the last few while following a stream.
pub struct DecodeCache {
    entries: Vec<(Key, Rc<Shown>)>,
    capacity: usize,
    /// Decodes done (tests check that a redraw decodes nothing).
    pub decodes: u64,
}

impl std::fmt::Debug for DecodeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DecodeCache({} entries, {} decodes)",
            self.entries.len(),
            self.decodes
        )
    }
}

impl Default for DecodeCache {
    fn default() -> Self {
        DecodeCache::new(8)
    }
}

/// What the cache needs to know of a message.
pub struct Payload<'a> {
    pub seq: u64,
    pub topic: &'a str,
    pub bytes: &'a [u8],
    pub properties: Option<&'a Properties>,
    /// Sparkplug B state, to resolve aliases and flag problems (None: the payload alone).
    pub births: Option<&'a Births>,
}

impl DecodeCache {
    pub fn new(capacity: usize) -> DecodeCache {
        DecodeCache {
            entries: Vec::with_capacity(capacity),
            capacity: capacity.max(1),
            decodes: 0,
        }
    }

    /// Forgets everything (the rules changed, or the store was replaced).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn get(
        &mut self,
        registry: &Registry,
        msg: Payload<'_>,
        page: usize,
        view: Option<&'static str>,
    ) -> Rc<Shown> {
        let page = page::clamp(msg.bytes.len(), page);
        let generation = msg.births.map_or(0, Births::generation);
        let key = (msg.seq, page, view, generation);
        if let Some(i) = self.entries.iter().position(|(k, _)| *k == key) {
            let hit = self.entries.remove(i);
            let shown = hit.1.clone();
            self.entries.insert(0, hit);
            return shown;
        }
        self.decodes += 1;
        let mut shown = decode(registry, &msg, page, view);
        // Only the detail says what binary would decode as: row previews and charts decode
        // through `decode` too, and two more parses per binary message are theirs to skip.
        if shown.why == Why::Guess && shown.decoder == "hex" && msg.bytes.len() <= page::PAGE_BYTES
        {
            shown.hint = would_decode(msg.bytes);
        }
        let shown = Rc::new(shown);
        self.entries.insert(0, (key, shown.clone()));
        self.entries.truncate(self.capacity);
        shown
    }
}

/// A whole payload decoded once, outside the cache (the first page of a big one), as the detail
/// would show it: `view` if one was picked, else the rules and the guess.
pub fn decode_first_page(
    registry: &Registry,
    msg: &Payload<'_>,
    view: Option<&'static str>,
) -> Result<Decoded, DecodeError> {
    decode(registry, msg, 0, view).result
}

/// A whole message decoded once, outside the cache, as the detail would show it (`sub --json`).
pub fn decode_shown(registry: &Registry, msg: &Payload<'_>) -> Shown {
    decode(registry, msg, 0, None)
}

fn decode(
    registry: &Registry,
    msg: &Payload<'_>,
    page: usize,
    view: Option<&'static str>,
) -> Shown {
    let len = msg.bytes.len();
    let mut shown = Shown::whole("hex", Why::Guess, Ok(Decoded::Empty));
    let (candidates, why) = match view.and_then(|id| registry.get(id)) {
        Some(d) => (vec![d], Why::Picked),
        None => {
            // Chosen by the first page: a guess only needs a prefix.
            let first = &msg.bytes[page::range(len, 0)];
            let choice = registry.choose(msg.topic, first, msg.properties);
            (choice.candidates, choice.why)
        }
    };
    let guessed = why == Why::Guess;
    shown.why = why;
    for d in candidates {
        shown.decoder = d.id();
        if d.whole() && len <= WHOLE_MAX {
            (shown.page, shown.pages, shown.offset) = (0, 1, 0);
            shown.result = decode_whole(d, msg);
        } else if d.whole() {
            let range = page::range(len, page);
            (shown.page, shown.pages) = (page::clamp(len, page), page::pages(len));
            shown.offset = range.start;
            shown.too_big = true;
            let chunk = &msg.bytes[range];
            shown.result = match super::Text.decode(chunk) {
                Ok(text) => Ok(text),
                Err(_) => Ok(Decoded::Bytes(chunk.to_vec())),
            };
            break;
        } else {
            let range = page::range(len, page);
            (shown.page, shown.pages) = (page::clamp(len, page), page::pages(len));
            shown.offset = range.start;
            shown.result = d.decode(&msg.bytes[range]);
        }
        shown.command = d.command().map(|(argv, time_limit, output_cap)| Command {
            argv: argv.to_vec(),
            time_limit,
            output_cap,
        });
        // A failed guess gives way to the next one; a rule or a declared type stands.
        if shown.result.is_ok() || !guessed {
            break;
        }
    }
    shown
}

/// The structured format a binary payload reads as, whole and exactly, when it is a map or a
/// list (most byte strings are some MessagePack or CBOR scalar, so those say nothing).
fn would_decode(bytes: &[u8]) -> Option<&'static str> {
    let container =
        |d: Result<Decoded, DecodeError>| matches!(d, Ok(Decoded::Map(_) | Decoded::List(_)));
    if container(super::MsgPack.decode(bytes)) {
        Some("MessagePack")
    } else if container(super::Cbor.decode(bytes)) {
        Some("CBOR")
    } else {
        None
    }
}

/// A payload read whole; Sparkplug B with what the births know of its topic.
fn decode_whole(d: &dyn Decoder, msg: &Payload<'_>) -> Result<Decoded, DecodeError> {
    match (d.id(), msg.births) {
        ("sparkplug", Some(births)) => {
            let parsed = super::sparkplug::parse(msg.bytes)?;
            let topic = super::sparkplug::topic(msg.topic);
            Ok(parsed.to_decoded(
                topic.as_ref(),
                births.birth_for(msg.topic),
                births.problems(msg.seq),
            ))
        }
        _ => d.decode(msg.bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(seq: u64, bytes: &[u8]) -> Payload<'_> {
        Payload {
            seq,
            topic: "t",
            bytes,
            properties: None,
            births: None,
        }
    }

    #[test]
    fn decodes_once_per_message_and_page() {
        let r = Registry::default();
        let mut c = DecodeCache::new(2);
        let a = c.get(&r, payload(1, br#"{"a":1}"#), 0, None);
        assert_eq!(a.decoder, "json");
        c.get(&r, payload(1, br#"{"a":1}"#), 0, None);
        assert_eq!(c.decodes, 1);
        c.get(&r, payload(2, b"x"), 0, None);
        c.get(&r, payload(3, b"y"), 0, None);
        c.get(&r, payload(1, br#"{"a":1}"#), 0, None);
        assert_eq!(c.decodes, 4, "evicted past capacity");
    }

    #[test]
    fn a_failed_guess_falls_through_and_a_forced_view_shows_its_error() {
        let r = Registry::default();
        let mut c = DecodeCache::default();
        let s = c.get(&r, payload(1, b"{not json"), 0, None);
        assert_eq!(s.decoder, "text");
        let s = c.get(&r, payload(1, b"{not json"), 0, Some("json"));
        assert_eq!(s.decoder, "json");
        assert!(s.result.is_err());
    }

    #[test]
    fn big_payloads_are_decoded_a_page_at_a_time() {
        let r = Registry::default();
        let mut c = DecodeCache::default();
        let big = vec![b'a'; page::PAGE_BYTES * 2 + 5];
        let s = c.get(&r, payload(1, &big), 9, None);
        assert_eq!((s.page, s.pages, s.offset), (2, 3, page::PAGE_BYTES * 2));
        assert_eq!(s.result, Ok(Decoded::Text("aaaaa".into())));
    }

    /// A JSON document past the size read whole is shown as text pages, said so, and never
    /// with an error that is not in it, guessed or forced (hand-written document).
    #[test]
    fn a_big_document_is_text_pages_with_no_false_error() {
        let r = Registry::default();
        let mut c = DecodeCache::default();
        let mut doc = b"[".to_vec();
        while doc.len() < WHOLE_MAX + 10 {
            doc.extend_from_slice(br#"{"k":12345678901234567890123},"#);
        }
        doc.extend_from_slice(b"1]");
        for view in [None, Some("json")] {
            let s = c.get(&r, payload(1, &doc), 0, view);
            assert_eq!((s.decoder, s.too_big), ("json", true), "{view:?}");
            assert!(
                matches!(&s.result, Ok(Decoded::Text(t)) if t.starts_with("[{")),
                "{view:?}"
            );
        }
    }

    /// Binary that reads as a MessagePack map with a number key stays hex, with a hint
    /// (hand-written: {1: 2}).
    #[test]
    fn binary_that_would_decode_gets_a_hint() {
        let r = Registry::default();
        let mut c = DecodeCache::default();
        let s = c.get(&r, payload(1, &[0x81, 0x01, 0x02, 0xff]), 0, None);
        assert_eq!((s.decoder, s.hint), ("hex", None), "trailing byte: no hint");
        let s = c.get(&r, payload(2, &[0x81, 0x01, 0x02]), 0, None);
        assert_eq!((s.decoder, s.hint), ("hex", Some("MessagePack")));
    }
}
