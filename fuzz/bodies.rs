//! What each fuzz target does with its input, shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/*.rs`, nightly) and by `tests/fuzz_corpus.rs`, which runs every target
//! over its corpus in `cargo test` (stable, CI). Each body checks what must hold, not only that
//! nothing panics.

#![allow(dead_code)]

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use mqscope::decode::{Births, Decoder, Payload, Registry};

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Topic and filter rules and matching: the input is a topic, a line break, a filter.
pub fn topic(data: &[u8]) {
    use mqscope::mqtt::topic::{
        filter_matches, is_wildcard_filter, validate_filter, validate_topic,
    };
    let Some(s) = text(data) else { return };
    let (topic, filter) = s.split_once('\n').unwrap_or((s, s));
    let topic_ok = validate_topic(topic).is_ok();
    let filter_ok = validate_filter(filter).is_ok();
    let matched = filter_matches(filter, topic);
    if topic_ok && filter_ok && !is_wildcard_filter(filter) {
        assert_eq!(matched, topic == filter, "{filter:?} / {topic:?}");
    }
    if topic_ok && filter_ok && filter == "#" && !topic.starts_with('$') {
        assert!(matched, "# matches {topic:?}");
    }
}

/// The broker URL parser: what it takes prints back as a URL it takes again, the same.
pub fn url(data: &[u8]) {
    use mqscope::mqtt::BrokerUrl;
    let Some(s) = text(data) else { return };
    if let Ok(u) = BrokerUrl::parse(s) {
        assert!(!u.host.is_empty());
        assert!(
            !u.host.contains(['[', ']', '/', '@']),
            "{s:?} → host {:?}",
            u.host
        );
        assert!(u.port > 0);
        let again = BrokerUrl::parse(&u.to_string())
            .unwrap_or_else(|e| panic!("{s:?} → {u} does not parse again: {e}"));
        assert_eq!(again, u, "{s:?}");
        let _ = u.websocket_url();
    }
}

/// The profile file loader: whatever it accepts is a usable connection.
pub fn profile(data: &[u8]) {
    let Some(s) = text(data) else { return };
    if let Ok(file) = mqscope::config::ConfigFile::parse(Path::new("fuzz.toml"), s) {
        for p in &file.profiles {
            p.settings()
                .validate()
                .unwrap_or_else(|e| panic!("profile {} loaded but unusable: {e}", p.name));
        }
    }
}

/// The explorer's filter syntax: the input is a filter, a line break, a topic, a line break, a
/// payload.
pub fn filter_syntax(data: &[u8]) {
    let Some(s) = text(data) else { return };
    let mut parts = s.splitn(3, '\n');
    let f = mqscope::app::filter::Filter::new(parts.next().unwrap_or(""));
    let topic = parts.next().unwrap_or("a/b");
    let payload = parts.next().unwrap_or("").as_bytes();
    let _ = f.problem();
    let _ = f.reads_payload();
    let _ = f.matches_message(topic, Some(payload));
    let _ = f.matches_message(topic, None);
}

/// A decoder's value laid out as the detail draws it (every fold open, then the top folded and
/// its first values' bytes opened, at a wide and a sliver of a pane).
fn outline(d: &mqscope::decode::Decoded) {
    let mut folded = HashSet::new();
    let _ = mqscope::decode::outline::build(d, &folded, 120);
    folded.extend(["", "0", "1", "a"].map(String::from));
    let _ = mqscope::decode::outline::build(d, &folded, 120);
    let _ = mqscope::decode::outline::build(d, &folded, 3);
}

fn decode_with(d: &dyn Decoder, data: &[u8]) {
    if let Ok(v) = d.decode(data) {
        outline(&v);
    }
}

pub fn json(data: &[u8]) {
    decode_with(&mqscope::decode::Json, data);
}

pub fn msgpack(data: &[u8]) {
    decode_with(&mqscope::decode::MsgPack, data);
}

pub fn cbor(data: &[u8]) {
    decode_with(&mqscope::decode::Cbor, data);
}

pub fn protobuf_raw(data: &[u8]) {
    decode_with(&mqscope::decode::RawProtobuf, data);
}

/// Protobuf with a schema: the demo's press line (nested messages, enums, repeated fields).
pub fn protobuf_schema(data: &[u8]) {
    static DECODER: OnceLock<Option<mqscope::decode::Protobuf>> = OnceLock::new();
    let d = DECODER.get_or_init(|| {
        let pool = mqscope::decode::protobuf::pool_from_source(
            "machine.proto",
            include_str!("../assets/demo/machine.proto"),
        )
        .ok()?;
        let message = pool.all_messages().next()?;
        Some(mqscope::decode::Protobuf::new(message))
    });
    if let Some(d) = d {
        decode_with(d, data);
    }
}

/// Sparkplug B with its births state: the input is several payloads (split at 0xff 0xfe), each
/// sent as the next of NBIRTH, NDATA, DBIRTH, DDATA, NDEATH in turn; every one is decoded with
/// what the births know.
pub fn sparkplug(data: &[u8]) {
    const TOPICS: [&str; 5] = [
        "spBv1.0/g/NBIRTH/e",
        "spBv1.0/g/NDATA/e",
        "spBv1.0/g/DBIRTH/e/d",
        "spBv1.0/g/DDATA/e/d",
        "spBv1.0/g/NDEATH/e",
    ];
    let registry = Registry::new(Vec::new());
    let mut births = Births::default();
    for (i, chunk) in data.split_inner(&[0xff, 0xfe]).enumerate().take(32) {
        let topic = TOPICS[i % TOPICS.len()];
        births.observe(i as u64, topic, chunk);
        let shown = mqscope::decode::decode_shown(
            &registry,
            &Payload {
                seq: i as u64,
                topic,
                bytes: chunk,
                properties: None,
                births: Some(&births),
            },
        );
        if let Ok(v) = &shown.result {
            outline(v);
        }
    }
}

trait SplitInner {
    fn split_inner<'a>(&'a self, sep: &'a [u8]) -> Box<dyn Iterator<Item = &'a [u8]> + 'a>;
}

impl SplitInner for [u8] {
    fn split_inner<'a>(&'a self, sep: &'a [u8]) -> Box<dyn Iterator<Item = &'a [u8]> + 'a> {
        let mut rest = self;
        let mut done = false;
        Box::new(std::iter::from_fn(move || {
            if done {
                return None;
            }
            match rest.windows(sep.len()).position(|w| w == sep) {
                Some(i) => {
                    let head = &rest[..i];
                    rest = &rest[i + sep.len()..];
                    Some(head)
                }
                None => {
                    done = true;
                    Some(rest)
                }
            }
        }))
    }
}

/// Escaping and display width: nothing that needs escaping survives `clean` (but a joiner
/// inside an emoji sequence, which is part of one glyph), and `fit` keeps within its width.
pub fn text_width(data: &[u8]) {
    use mqscope::text::{clean, clean_multiline, fit, joins_a_glyph, needs_escape, width};
    use unicode_segmentation::UnicodeSegmentation;
    let s = String::from_utf8_lossy(data);
    let c = clean(&s);
    for g in c.graphemes(true) {
        let chars: Vec<char> = g.chars().collect();
        for (i, ch) in chars.iter().enumerate() {
            assert!(
                !needs_escape(*ch) || joins_a_glyph(&chars, i),
                "{s:?} → {c:?}"
            );
        }
    }
    let m = clean_multiline(&s);
    for g in m.graphemes(true) {
        let chars: Vec<char> = g.chars().collect();
        for (i, ch) in chars.iter().enumerate() {
            assert!(
                *ch == '\n' || !needs_escape(*ch) || joins_a_glyph(&chars, i),
                "{s:?} → {m:?}"
            );
        }
    }
    for max in [0usize, 1, 2, 5, 40] {
        let f = fit(&c, max);
        assert!(width(&f) <= max, "{c:?} fit to {max}: {f:?}");
    }
}

/// The compose history file's reader.
pub fn history(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let items = mqscope::config::history_file::parse(&s);
    assert!(items.len() <= mqscope::app::history::MAX);
}

/// A target's body.
pub type Body = fn(&[u8]);

/// Every target by name, for the corpus test.
pub const TARGETS: &[(&str, Body)] = &[
    ("topic", topic),
    ("url", url),
    ("profile", profile),
    ("filter_syntax", filter_syntax),
    ("json", json),
    ("msgpack", msgpack),
    ("cbor", cbor),
    ("protobuf_raw", protobuf_raw),
    ("protobuf_schema", protobuf_schema),
    ("sparkplug", sparkplug),
    ("text_width", text_width),
    ("history", history),
];
