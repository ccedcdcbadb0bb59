//! Which decoder shows a message: the user's rules first (topic filter or MQTT 5 content type,
//! in the order written), then the content type the publisher declared, then the best guess.
//! A guess that fails to decode falls through to the next guess; a rule that fails shows its
//! error, since the user asked for that format.

use std::fmt;
use std::sync::Arc;

use super::{
    Base64, Cbor, Decoder, Hex, Image, Json, MsgPack, Number, RawProtobuf, Sparkplug, Text,
};
use crate::mqtt::Properties;
use crate::mqtt::topic::filter_matches;

/// What a rule matches on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// An MQTT topic filter (`factory/+/telemetry`).
    Topic(String),
    /// An MQTT 5 content type, exactly or as a `type/*` prefix.
    ContentType(String),
}

#[derive(Clone)]
pub struct Rule {
    pub matches: Match,
    /// A decoder id (`json`, `hex`, `protobuf factory.Telemetry`).
    pub decoder: String,
    /// A decoder the rule brings (a compiled protobuf message, a command); None: a built-in.
    pub custom: Option<Arc<dyn Decoder>>,
}

impl Rule {
    /// A rule for a built-in view.
    pub fn builtin(matches: Match, decoder: impl Into<String>) -> Rule {
        Rule {
            matches,
            decoder: decoder.into(),
            custom: None,
        }
    }

    /// A rule with its own decoder.
    pub fn custom(matches: Match, decoder: Arc<dyn Decoder>) -> Rule {
        Rule {
            matches,
            decoder: decoder.id().to_string(),
            custom: Some(decoder),
        }
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rule({:?} → {})", self.matches, self.decoder)
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.matches == other.matches && self.decoder == other.decoder
    }
}

impl Eq for Rule {}

/// Why a decoder was chosen: shown in the detail header ("json: rule sensors/#").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    Rule(Match),
    /// A Sparkplug B topic (`spBv1.0/…`): read with the schema without a rule.
    Sparkplug,
    ContentType(String),
    Guess,
    /// Picked for the topic with `v`.
    Picked,
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::Rule(Match::Topic(t)) => write!(f, "rule {t}"),
            Why::Rule(Match::ContentType(c)) => write!(f, "rule content type {c}"),
            Why::Sparkplug => f.write_str("topic spBv1.0/#"),
            Why::ContentType(c) => write!(f, "content type {c}"),
            Why::Guess => f.write_str("guessed"),
            Why::Picked => f.write_str("picked with v"),
        }
    }
}

/// A decoder shared with a job: its id is its name in logs and tests.
#[derive(Clone)]
pub struct SharedDecoder(pub Arc<dyn Decoder>);

impl fmt::Debug for SharedDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedDecoder({})", self.0.id())
    }
}

/// The decoders to try for one message, best first.
pub struct Choice<'a> {
    pub candidates: Vec<&'a dyn Decoder>,
    pub why: Why,
}

pub struct Registry {
    decoders: Vec<Arc<dyn Decoder>>,
    rules: Vec<Rule>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new(Vec::new())
    }
}

/// Content types that name a built-in decoder without a rule.
fn decoder_for_content_type(ct: &str) -> Option<&'static str> {
    let ct = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if ct == "application/json" || ct.ends_with("+json") {
        Some("json")
    } else if ct.starts_with("text/") {
        Some("text")
    } else if ct == "application/octet-stream" {
        Some("hex")
    } else if [
        "application/msgpack",
        "application/x-msgpack",
        "application/vnd.msgpack",
    ]
    .contains(&ct.as_str())
    {
        Some("msgpack")
    } else if ct == "application/cbor" {
        Some("cbor")
    } else if ["image/png", "image/jpeg", "image/gif"].contains(&ct.as_str()) {
        Some("image")
    } else {
        None
    }
}

fn content_type_matches(pattern: &str, ct: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(prefix) => ct
            .split('/')
            .next()
            .is_some_and(|t| t.eq_ignore_ascii_case(prefix)),
        None => pattern.eq_ignore_ascii_case(ct.split(';').next().unwrap_or("").trim()),
    }
}

impl Registry {
    /// The built-in decoders, with the user's rules.
    pub fn new(rules: Vec<Rule>) -> Registry {
        // Registration order breaks ties between guesses, and is the order `v` lists.
        let mut decoders: Vec<Arc<dyn Decoder>> = vec![
            Arc::new(Json),
            Arc::new(Number),
            Arc::new(Image),
            Arc::new(MsgPack),
            Arc::new(Cbor),
            Arc::new(RawProtobuf),
            Arc::new(Sparkplug),
            Arc::new(Base64),
            Arc::new(Text),
            Arc::new(Hex),
        ];
        // The rules' own decoders (never guessed: their sniff is 0), once each, so `v` lists
        // them as views too.
        for custom in rules.iter().filter_map(|r| r.custom.clone()) {
            if !decoders.iter().any(|d| d.id() == custom.id()) {
                decoders.push(custom);
            }
        }
        Registry { decoders, rules }
    }

    pub fn get(&self, id: &str) -> Option<&dyn Decoder> {
        self.decoders
            .iter()
            .find(|d| d.id() == id)
            .map(|d| d.as_ref())
    }

    /// A decoder a job can take with it (a whole read off the loop).
    pub fn get_shared(&self, id: &str) -> Option<SharedDecoder> {
        self.decoders
            .iter()
            .find(|d| d.id() == id)
            .map(|d| SharedDecoder(d.clone()))
    }

    pub fn ids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.decoders.iter().map(|d| d.id())
    }

    /// Picks the decoders for a message.
    pub fn choose(&self, topic: &str, payload: &[u8], props: Option<&Properties>) -> Choice<'_> {
        let ct = props.and_then(|p| p.content_type.as_deref());
        for rule in &self.rules {
            let hit = match &rule.matches {
                Match::Topic(filter) => filter_matches(filter, topic),
                Match::ContentType(pattern) => {
                    ct.is_some_and(|ct| content_type_matches(pattern, ct))
                }
            };
            if let Some(d) = hit.then(|| self.get(&rule.decoder)).flatten() {
                return Choice {
                    candidates: vec![d],
                    why: Why::Rule(rule.matches.clone()),
                };
            }
        }
        if super::sparkplug::topic(topic).is_some()
            && let Some(d) = self.get("sparkplug")
        {
            return Choice {
                candidates: vec![d],
                why: Why::Sparkplug,
            };
        }
        if let Some(ct) = ct
            && let Some(d) = decoder_for_content_type(ct).and_then(|id| self.get(id))
        {
            return Choice {
                candidates: vec![d],
                why: Why::ContentType(ct.to_string()),
            };
        }
        let mut scored: Vec<(u8, usize, &dyn Decoder)> = self
            .decoders
            .iter()
            .enumerate()
            .map(|(i, d)| (d.sniff(payload, props, topic), i, d.as_ref()))
            .filter(|(c, _, _)| *c > 0)
            .collect();
        // Highest confidence first; ties keep registration order.
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        Choice {
            candidates: scored.into_iter().map(|(_, _, d)| d).collect(),
            why: Why::Guess,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(c: &Choice) -> Vec<&'static str> {
        c.candidates.iter().map(|d| d.id()).collect()
    }

    #[test]
    fn guesses_rank_by_confidence() {
        let r = Registry::default();
        assert_eq!(
            ids(&r.choose("t", br#"{"a":1}"#, None)),
            ["json", "text", "hex"]
        );
        assert_eq!(
            ids(&r.choose("t", b"21.5", None)),
            ["number", "text", "hex"]
        );
        assert_eq!(
            ids(&r.choose("t", b"\x89PNG\r\n\x1a\n", None)),
            ["image", "hex"]
        );
        let props = Properties {
            content_type: Some("application/msgpack".into()),
            ..Properties::default()
        };
        assert_eq!(ids(&r.choose("t", &[0x80], Some(&props))), ["msgpack"]);
        assert_eq!(ids(&r.choose("t", &[0xff, 0x00], None)), ["hex"]);
    }

    #[test]
    fn a_rule_beats_a_guess_and_a_content_type() {
        let r = Registry::new(vec![Rule::builtin(Match::Topic("sensors/#".into()), "hex")]);
        let props = Properties {
            content_type: Some("application/json".into()),
            ..Properties::default()
        };
        let c = r.choose("sensors/a", br#"{"a":1}"#, Some(&props));
        assert_eq!(ids(&c), ["hex"]);
        assert_eq!(c.why.to_string(), "rule sensors/#");
        let c = r.choose("other", b"plain", Some(&props));
        assert_eq!(ids(&c), ["json"]);
        assert_eq!(c.why, Why::ContentType("application/json".into()));
    }

    #[test]
    fn content_type_rules_match_prefixes() {
        let r = Registry::new(vec![Rule::builtin(
            Match::ContentType("text/*".into()),
            "hex",
        )]);
        let props = Properties {
            content_type: Some("text/plain; charset=utf-8".into()),
            ..Properties::default()
        };
        assert_eq!(ids(&r.choose("t", b"x", Some(&props))), ["hex"]);
    }
}
