//! A filter for the tree or the log, one syntax for both (DESIGN.md "Filters"): space-separated
//! terms that must all hold. `sensors/+/temp` or `a/#` (an MQTT wildcard), `room-3` (a topic
//! substring, any case), `re:^dev[0-9]+$` (a regex on the topic), `payload:online` (text in the
//! payload, any case), `json:temp>30` (a JSON field condition, `= != < <= > >=`, dotted paths),
//! and `-TERM` to exclude. The text is parsed once per change, not once per message.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

use crate::decode::decimal::Decimal;

#[derive(Debug, Clone)]
enum Term {
    Wildcard(String),
    Substring(String),
    Regex(regex::Regex),
    Payload(String),
    /// `payload:re:…`: a regex on the payload (as text).
    PayloadRegex(regex::Regex),
    Json {
        path: String,
        op: Op,
        value: String,
    },
    Not(Box<Term>),
    /// A term that does not parse (a bad regex): matches nothing, and says why.
    Invalid(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Default)]
struct Parsed {
    text: String,
    terms: Rc<Vec<Term>>,
}

/// See `Filter::narrowing`.
#[derive(Debug, Clone, PartialEq)]
pub enum Narrow {
    /// Every match has a level whose name holds this (ASCII, any case).
    Name(String),
    /// Every match is reached by this MQTT pattern.
    Pattern(String),
}

#[derive(Debug, Default)]
pub struct Filter {
    pub text: String,
    parsed: RefCell<Parsed>,
}

impl Clone for Filter {
    fn clone(&self) -> Self {
        Filter {
            text: self.text.clone(),
            parsed: RefCell::default(),
        }
    }
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Filter {}

/// A regex error on one line that says where: the regex crate's own is several lines (the
/// pattern, a caret under the place, then the words), which once filled a pane's title.
fn regex_error_line(e: &regex::Error) -> String {
    let text = e.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let words = lines
        .iter()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .unwrap_or_else(|| lines.last().map_or("", |l| l.trim()));
    // The caret's column, under the pattern's line (both indented alike).
    let at = lines
        .iter()
        .position(|l| l.trim() == "^" || l.trim_start().starts_with('^'));
    match at.and_then(|i| Some((lines.get(i)?, lines.get(i.checked_sub(1)?)?))) {
        Some((caret, pattern)) => {
            let indent = pattern.len() - pattern.trim_start().len();
            let col = caret.find('^').unwrap_or(indent).saturating_sub(indent);
            format!("{words} (at character {})", col + 1)
        }
        None => words.to_string(),
    }
}

fn parse_term(t: &str) -> Term {
    if let Some(rest) = t.strip_prefix('-').filter(|r| !r.is_empty()) {
        return Term::Not(Box::new(parse_term(rest)));
    }
    if let Some(re) = t.strip_prefix("re:") {
        return match regex::Regex::new(re) {
            Ok(r) => Term::Regex(r),
            Err(e) => Term::Invalid(format!("re:{re}: {}", regex_error_line(&e))),
        };
    }
    if let Some(re) = t.strip_prefix("payload:re:") {
        return match regex::Regex::new(unquote(re)) {
            Ok(r) => Term::PayloadRegex(r),
            Err(e) => Term::Invalid(format!("payload:re:{re}: {}", regex_error_line(&e))),
        };
    }
    if let Some(p) = t.strip_prefix("payload:") {
        return Term::Payload(unquote(p).to_lowercase());
    }
    if let Some(cond) = t.strip_prefix("json:") {
        for (s, op) in [
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ] {
            if let Some((path, value)) = cond.split_once(s) {
                return Term::Json {
                    path: path.to_string(),
                    op,
                    // `fw="2.1.0"`: a quoted value is text, and matched as written.
                    value: unquote(value).to_string(),
                };
            }
        }
        return Term::Invalid(format!("json:{cond}: a condition needs = != < <= > or >="));
    }
    if crate::mqtt::topic::is_wildcard_filter(t) {
        Term::Wildcard(t.to_string())
    } else {
        Term::Substring(unquote(t).to_lowercase())
    }
}

/// `"two words"` as `two words`; anything else as it is.
fn unquote(t: &str) -> &str {
    t.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(t)
}

/// The filter's terms: split at spaces, but not inside double quotes (`"two words"` is one
/// term, and so is `json:name="a b"`).
fn split_terms(text: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let mut start: Option<usize> = None;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => {
                quoted = !quoted;
                start.get_or_insert(i);
            }
            c if c.is_whitespace() && !quoted => {
                if let Some(s) = start.take() {
                    terms.push(&text[s..i]);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        terms.push(&text[s..]);
    }
    terms
}

/// The field at a dotted path (`a.b`, `list.0`) of a JSON value.
fn field<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |cur, key| match cur {
        Value::Object(m) => m.get(key),
        Value::Array(a) => a.get(key.parse::<usize>().ok()?),
        _ => None,
    })
}

fn json_holds(payload: &[u8], path: &str, op: Op, want: &str) -> bool {
    let Ok(doc) = serde_json::from_slice::<Value>(payload) else {
        return false;
    };
    let Some(got) = field(&doc, path) else {
        return false;
    };
    // Numbers are compared as the decimals they are written as, exactly: through a float,
    // 12345678901234567890123 and …124 were equal, and 1e400 was no number at all.
    let got_num = match got {
        Value::Number(n) => Decimal::parse(&n.to_string()),
        _ => None,
    };
    if let (Some(g), Some(w)) = (got_num, Decimal::parse(want)) {
        return match op {
            Op::Eq => g == w,
            Op::Ne => g != w,
            Op::Lt => g < w,
            Op::Le => g <= w,
            Op::Gt => g > w,
            Op::Ge => g >= w,
        };
    }
    let text = match got {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match op {
        Op::Eq => text == want,
        Op::Ne => text != want,
        _ => false,
    }
}

impl Term {
    fn holds(&self, topic: &str, payload: Option<&[u8]>) -> bool {
        match self {
            Term::Wildcard(f) => crate::mqtt::topic::filter_matches(f, topic),
            Term::Substring(s) => contains_ignore_case(topic, s),
            Term::Regex(r) => r.is_match(topic),
            Term::Payload(s) => {
                payload.is_some_and(|p| contains_ignore_case(&String::from_utf8_lossy(p), s))
            }
            Term::PayloadRegex(r) => {
                payload.is_some_and(|p| r.is_match(&String::from_utf8_lossy(p)))
            }
            Term::Json { path, op, value } => {
                payload.is_some_and(|p| json_holds(p, path, *op, value))
            }
            Term::Not(t) => !t.holds(topic, payload),
            Term::Invalid(_) => false,
        }
    }

    fn reads_payload(&self) -> bool {
        match self {
            Term::Payload(_) | Term::PayloadRegex(_) | Term::Json { .. } => true,
            Term::Not(t) => t.reads_payload(),
            _ => false,
        }
    }
}

impl Filter {
    /// A filter of this text (its terms are read when first used).
    pub fn new(text: impl Into<String>) -> Filter {
        Filter {
            text: text.into(),
            parsed: RefCell::default(),
        }
    }

    pub fn is_active(&self) -> bool {
        !self.text.trim().is_empty()
    }

    fn terms(&self) -> Rc<Vec<Term>> {
        let mut p = self.parsed.borrow_mut();
        if p.text != self.text {
            p.text = self.text.clone();
            p.terms = Rc::new(
                split_terms(&self.text)
                    .into_iter()
                    .map(parse_term)
                    .collect(),
            );
        }
        p.terms.clone()
    }

    /// Whether any term looks at payloads: then a topic's verdict can change with each message.
    pub fn reads_payload(&self) -> bool {
        self.terms().iter().any(Term::reads_payload)
    }

    /// A term every match must hold that can find its candidates in the tree, without the
    /// filter's test run on every topic: a topic text (without `/`) or an MQTT pattern.
    pub fn narrowing(&self) -> Option<Narrow> {
        self.terms().iter().find_map(|t| match t {
            Term::Substring(s) if !s.is_empty() && !s.contains('/') && s.is_ascii() => {
                Some(Narrow::Name(s.clone()))
            }
            Term::Wildcard(f) => Some(Narrow::Pattern(f.clone())),
            _ => None,
        })
    }

    /// Why a term cannot be used (a bad regex, a condition without an operator), if one cannot.
    pub fn problem(&self) -> Option<String> {
        self.terms().iter().find_map(|t| match t {
            Term::Invalid(why) => Some(why.clone()),
            Term::Not(inner) => match inner.as_ref() {
                Term::Invalid(why) => Some(why.clone()),
                _ => None,
            },
            _ => None,
        })
    }

    /// Does a message (its full topic, and its payload where there is one) match?
    pub fn matches_message(&self, topic: &str, payload: Option<&[u8]>) -> bool {
        self.terms().iter().all(|t| t.holds(topic, payload))
    }

    /// Does a full topic match (payload terms see no payload)?
    #[cfg(test)]
    pub fn matches(&self, topic: &str) -> bool {
        self.matches_message(topic, None)
    }
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        hay.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        hay.to_lowercase().contains(&needle.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(text: &str) -> Filter {
        Filter {
            text: text.into(),
            ..Filter::default()
        }
    }

    #[test]
    fn every_kind_of_term() {
        assert!(f("sensors/+/temp").matches("sensors/a/temp"));
        assert!(!f("sensors/+/temp").matches("sensors/a/b/temp"));
        assert!(f("ROOM-3").matches("b/room-3/t"));
        assert!(f("re:^dev[0-9]+$").matches("dev42"));
        assert!(!f("re:^dev[0-9]+$").matches("dev42x"));
        assert!(f("payload:ONLINE").matches_message("s", Some(b"status online")));
        assert!(!f("payload:online").matches("s"), "no payload, no match");
        let hot = f("json:env.temp>30");
        assert!(hot.matches_message("t", Some(br#"{"env":{"temp":31.5}}"#)));
        assert!(!hot.matches_message("t", Some(br#"{"env":{"temp":30}}"#)));
        assert!(!hot.matches_message("t", Some(b"not json")));
        assert!(f("json:state=on").matches_message("t", Some(br#"{"state":"on"}"#)));
        assert!(f("json:list.1>=2").matches_message("t", Some(br#"{"list":[1,2]}"#)));
        // Numbers compare exactly as written: past a float's digits, and past its range.
        let id = br#"{"id":12345678901234567890123,"big":1e400,"x":1.50}"#;
        assert!(f("json:id=12345678901234567890123").matches_message("t", Some(id)));
        assert!(!f("json:id=12345678901234567890124").matches_message("t", Some(id)));
        assert!(f("json:id<12345678901234567890124").matches_message("t", Some(id)));
        assert!(f("json:big>1e399").matches_message("t", Some(id)));
        assert!(f("json:x=1.5").matches_message("t", Some(id)));
        // All terms hold; - excludes.
        let both = f("sensors/# -$SYS/# -temp");
        assert!(both.matches("sensors/a/hum"));
        assert!(!both.matches("sensors/a/temp"));
        assert!(f("a/# payload:x").reads_payload());
        assert!(!f("a/# -b").reads_payload());
        assert!(f("re:(").problem().is_some_and(|p| p.contains("re:(")));
        assert!(f("json:temp").problem().is_some());
        assert!(!f("re:(").matches("anything"));
    }
}

#[cfg(test)]
mod regex_error_tests {
    use super::*;

    #[test]
    fn a_bad_regex_is_one_line_that_says_where() {
        let f = Filter::new("re:ab([x");
        let why = f.problem().expect("a problem");
        assert!(!why.contains('\n'), "{why:?}");
        assert!(why.starts_with("re:ab([x: "), "{why}");
        assert!(why.contains("unclosed"), "{why}");
        assert!(why.contains("(at character "), "{why}");
    }

    /// Quoted values, phrases and payload regexes (issue 19, item 7).
    #[test]
    fn quotes_phrases_and_payload_regexes() {
        let doc = br#"{"fw":"2.1.0","name":"hall a","t":21.5}"#;
        let holds = |f: &str, topic: &str| Filter::new(f).matches_message(topic, Some(doc));
        assert!(holds(r#"json:fw="2.1.0""#, "d/1"));
        assert!(holds(r#"json:name="hall a""#, "d/1"));
        assert!(!holds(r#"json:fw="2.1.1""#, "d/1"));
        assert!(holds("json:t>21", "d/1"));
        assert!(holds(r#""room 3""#, "b/room 3/t"));
        assert!(!holds(r#""room 3""#, "b/room/3"));
        assert!(holds(r#"payload:re:"fw":"2\.[0-9]+"#, "d/1"));
        assert!(!holds("payload:re:^x", "d/1"));
        assert!(Filter::new(r#"payload:"hall a""#).matches_message("d", Some(doc)));
        assert!(
            Filter::new("payload:re:(")
                .problem()
                .is_some_and(|p| !p.contains('\n'))
        );
    }
}
