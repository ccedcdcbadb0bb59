//! A mock rules file (`mqscope mock RULES.toml`): `[[rules]]` tables read with spans, every
//! mistake named by line and key, unknown keys refused.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::rule::{Answer, Rule};
use crate::config::error::{ConfigError, Locator};
use crate::mqtt::QoS;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Spanned<String>,
    filter: Spanned<String>,
    json: Option<Spanned<String>>,
    topic: Option<Spanned<String>>,
    #[serde(default)]
    reply: bool,
    #[serde(default)]
    payload: String,
    qos: Option<Spanned<i64>>,
    #[serde(default)]
    retain: bool,
    delay_ms: Option<Spanned<i64>>,
    max_per_s: Option<Spanned<f64>>,
}

/// A scenario's `[[rules]]` (the rest of the file is the scenario's): none is fine.
#[derive(Debug, Deserialize)]
struct RulesIn {
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

fn syntax(loc: &Locator, e: toml::de::Error) -> ConfigError {
    let at = e.span().map_or(0, |s| s.start);
    let words = e.message().replace("unknown field", "unknown key");
    loc.at(at, words.trim().to_string())
}

/// A rules file: at least one rule.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Rule>, ConfigError> {
    let loc = Locator { path, text };
    let raw: RawFile = toml::from_str(text).map_err(|e| syntax(&loc, e))?;
    if raw.rules.is_empty() {
        return Err(loc.at(0, "no [[rules]]: a mock needs at least one rule"));
    }
    rules_of(&loc, raw.rules)
}

/// The `[[rules]]` of a scenario file (`mqscope simulate`, the demo's).
pub fn parse_in(path: &Path, text: &str) -> Result<Vec<Rule>, ConfigError> {
    let loc = Locator { path, text };
    let raw: RulesIn = toml::from_str(text).map_err(|e| syntax(&loc, e))?;
    rules_of(&loc, raw.rules)
}

fn rules_of(loc: &Locator, raws: Vec<Spanned<RawRule>>) -> Result<Vec<Rule>, ConfigError> {
    let mut rules: Vec<Rule> = Vec::new();
    for raw in raws {
        let at = raw.span().start;
        let r = raw.into_inner();
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() || rules.iter().any(|o| o.name == name) {
            return Err(loc.at(
                r.name.span().start,
                "rules.name: a name of its own is needed",
            ));
        }
        crate::mqtt::topic::validate_filter(r.filter.get_ref())
            .map_err(|e| loc.at(r.filter.span().start, format!("rules.filter: {e}")))?;
        let when = match &r.json {
            Some(j) => Some(crate::alert::cond::json_cond(j.get_ref()).ok_or_else(|| {
                loc.at(
                    j.span().start,
                    "rules.json: a condition as path op value (on = true; = != < <= > >=)",
                )
            })?),
            None => None,
        };
        let topic = match (&r.topic, r.reply) {
            (Some(t), false) => {
                if !t.get_ref().contains("{{") {
                    crate::mqtt::topic::validate_topic(t.get_ref())
                        .map_err(|e| loc.at(t.span().start, format!("rules.topic: {e}")))?;
                }
                Some(t.get_ref().clone())
            }
            (None, true) => None,
            _ => {
                return Err(loc.at(
                    at,
                    "rules: the answer goes to topic = \"…\" or reply = true (the request's \
                     response topic), one of them",
                ));
            }
        };
        let qos = loc.qos("rules.qos", r.qos.as_ref(), QoS::AtLeastOnce)?;
        let delay = match &r.delay_ms {
            Some(d) if (0..=3_600_000).contains(d.get_ref()) => {
                Duration::from_millis(*d.get_ref() as u64)
            }
            Some(d) => {
                return Err(loc.at(d.span().start, "rules.delay_ms: 0 to 3600000"));
            }
            None => Duration::ZERO,
        };
        let max_per_s = match &r.max_per_s {
            Some(m) if m.get_ref().is_finite() && *m.get_ref() >= 1.0 => Some(*m.get_ref()),
            Some(m) => {
                return Err(loc.at(
                    m.span().start,
                    "rules.max_per_s: 1 or more answers a second",
                ));
            }
            None => None,
        };
        rules.push(Rule {
            name,
            filter: r.filter.into_inner(),
            when,
            answer: Answer {
                topic,
                payload: r.payload,
                qos,
                retain: r.retain,
            },
            delay,
            max_per_s,
        });
    }
    Ok(rules)
}
