//! `[[alerts]]`: rules that watch a topic filter's values or silence and act when they fire,
//! checked here with their line so a mistake names itself. One condition a rule:
//! `above`, `below`, `equals`, `changed = true`, `matches` or `silent_s`.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Locator};
use crate::alert::{Condition, PublishAction, Rule, Threshold, ValueOf};

/// An alert's command may run this long by default, and print this much.
const COMMAND_TIME: Duration = Duration::from_secs(5);
const COMMAND_OUTPUT: usize = 64 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlert {
    pub name: Spanned<String>,
    pub filter: Spanned<String>,
    /// A dotted path into a JSON payload; without it, the whole payload is the value.
    pub json: Option<Spanned<String>>,
    pub above: Option<Spanned<toml::Value>>,
    pub below: Option<Spanned<toml::Value>>,
    pub equals: Option<Spanned<toml::Value>>,
    pub changed: Option<Spanned<bool>>,
    pub matches: Option<Spanned<String>>,
    pub silent_s: Option<Spanned<toml::Value>>,
    pub hysteresis: Option<Spanned<toml::Value>>,
    pub cooldown_s: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub bell: bool,
    pub publish: Option<Spanned<RawAlertPublish>>,
    pub command: Option<Spanned<Vec<String>>>,
    pub timeout_s: Option<Spanned<toml::Value>>,
    pub max_output_kib: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlertPublish {
    pub topic: Spanned<String>,
    #[serde(default)]
    pub payload: String,
    pub qos: Option<Spanned<i64>>,
    #[serde(default)]
    pub retain: bool,
}

/// A number as written (an integer or a float, or a string holding one), or None.
fn number_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) if f.is_finite() => Some(f.to_string()),
        toml::Value::String(s) => Threshold::parse(s).map(|_| s.trim().to_string()),
        _ => None,
    }
}

/// Seconds as a duration, within `range`, or the words for what is wrong.
fn seconds(
    loc: &Locator,
    key: &str,
    v: &Spanned<toml::Value>,
    range: std::ops::RangeInclusive<f64>,
) -> Result<Duration, ConfigError> {
    let secs = number_text(v.get_ref()).and_then(|t| t.parse::<f64>().ok());
    match secs {
        Some(s) if range.contains(&s) => Ok(Duration::from_secs_f64(s)),
        _ => Err(loc.at(
            v.span().start,
            format!(
                "alerts.{key}: {} is not allowed; a number of seconds from {} to {}",
                crate::text::clean(&v.get_ref().to_string()),
                range.start(),
                range.end()
            ),
        )),
    }
}

/// The rules, in the order written.
pub fn validate_alerts(
    loc: &Locator,
    raws: Vec<Spanned<RawAlert>>,
) -> Result<Vec<Rule>, ConfigError> {
    let mut rules: Vec<Rule> = Vec::new();
    for raw in raws {
        let at = raw.span().start;
        let r = raw.into_inner();
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(loc.at(r.name.span().start, "alerts.name: a rule needs a name"));
        }
        if rules.iter().any(|o| o.name == name) {
            return Err(loc.at(
                r.name.span().start,
                format!(
                    "alerts.name: '{}' names another rule already",
                    crate::text::clean(&name)
                ),
            ));
        }
        if let Err(e) = crate::mqtt::topic::validate_filter(r.filter.get_ref()) {
            return Err(loc.at(r.filter.span().start, format!("alerts.filter: {e}")));
        }
        let value = match r.json {
            Some(p) if p.get_ref().split('.').any(str::is_empty) => {
                return Err(loc.at(
                    p.span().start,
                    "alerts.json: a dotted path of keys (env.temp, list.0), no empty key",
                ));
            }
            Some(p) => ValueOf::Json(p.into_inner()),
            None => ValueOf::Payload,
        };
        let mut whens = Vec::new();
        let threshold = |key: &str, v: &Spanned<toml::Value>| {
            number_text(v.get_ref())
                .and_then(|t| Threshold::parse(&t))
                .ok_or_else(|| {
                    loc.at(
                        v.span().start,
                        format!(
                            "alerts.{key}: {} is not a number",
                            crate::text::clean(&v.get_ref().to_string())
                        ),
                    )
                })
        };
        if let Some(v) = &r.above {
            whens.push((v.span().start, Condition::Above(threshold("above", v)?)));
        }
        if let Some(v) = &r.below {
            whens.push((v.span().start, Condition::Below(threshold("below", v)?)));
        }
        if let Some(v) = &r.equals {
            let text = match v.get_ref() {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                    v.get_ref().to_string()
                }
                _ => {
                    return Err(loc.at(
                        v.span().start,
                        "alerts.equals: a string, a number or true/false",
                    ));
                }
            };
            whens.push((v.span().start, Condition::Equals(text)));
        }
        if let Some(c) = &r.changed {
            if !*c.get_ref() {
                return Err(loc.at(
                    c.span().start,
                    "alerts.changed: true, or leave it out for another condition",
                ));
            }
            whens.push((c.span().start, Condition::Changed));
        }
        if let Some(m) = &r.matches {
            let re = regex::RegexBuilder::new(m.get_ref())
                .size_limit(1 << 20)
                .build()
                .map_err(|e| {
                    let first = e.to_string();
                    let first = first.lines().last().unwrap_or("").trim().to_string();
                    loc.at(
                        m.span().start,
                        format!(
                            "alerts.matches: not a regex: {}",
                            crate::text::clean(&first)
                        ),
                    )
                })?;
            whens.push((m.span().start, Condition::Matches(re)));
        }
        if let Some(s) = &r.silent_s {
            whens.push((
                s.span().start,
                Condition::Silent(seconds(loc, "silent_s", s, 0.1..=31_536_000.0)?),
            ));
        }
        let when = match whens.len() {
            1 => whens.remove(0).1,
            0 => {
                return Err(loc.at(
                    at,
                    "alerts: give one condition: above, below, equals, changed = true, matches \
                     or silent_s",
                ));
            }
            _ => {
                return Err(loc.at(
                    whens[1].0,
                    "alerts: one condition a rule (above, below, equals, changed, matches or \
                     silent_s); write two rules for two",
                ));
            }
        };
        if matches!(when, Condition::Silent(_))
            && let ValueOf::Json(_) = value
        {
            return Err(loc.at(at, "alerts.json: a silence rule reads no value"));
        }
        let hysteresis = match &r.hysteresis {
            None => None,
            Some(h) if !matches!(when, Condition::Above(_) | Condition::Below(_)) => {
                return Err(loc.at(
                    h.span().start,
                    "alerts.hysteresis: only with above or below",
                ));
            }
            Some(h) => match number_text(h.get_ref()) {
                Some(t) if t.parse::<f64>().is_ok_and(|x| x >= 0.0 && x.is_finite()) => Some(t),
                _ => {
                    return Err(loc.at(
                        h.span().start,
                        "alerts.hysteresis: a number, 0 or more, in the value's unit",
                    ));
                }
            },
        };
        let cooldown = match &r.cooldown_s {
            Some(c) => seconds(loc, "cooldown_s", c, 0.0..=86_400.0)?,
            None => Duration::ZERO,
        };
        let publish = match r.publish {
            None => None,
            Some(p) => {
                let p = p.into_inner();
                let topic = p.topic.get_ref();
                // Templates stand anywhere; what they expand to is checked as it is sent.
                if !topic.contains("{{")
                    && let Err(e) = crate::mqtt::topic::validate_topic(topic)
                {
                    return Err(loc.at(p.topic.span().start, format!("alerts.publish.topic: {e}")));
                }
                let qos = match &p.qos {
                    Some(q) if (0..=2).contains(q.get_ref()) => *q.get_ref() as u8,
                    Some(q) => {
                        return Err(loc.at(
                            q.span().start,
                            format!("alerts.publish.qos: {}; allowed: 0, 1 or 2", q.get_ref()),
                        ));
                    }
                    None => 0,
                };
                Some(PublishAction {
                    topic: p.topic.into_inner(),
                    payload: p.payload,
                    qos,
                    retain: p.retain,
                })
            }
        };
        let command = match r.command {
            None => {
                for (key, given) in [
                    ("timeout_s", r.timeout_s.as_ref().map(|s| s.span().start)),
                    (
                        "max_output_kib",
                        r.max_output_kib.as_ref().map(|s| s.span().start),
                    ),
                ] {
                    if let Some(at) = given {
                        return Err(loc.at(
                            at,
                            format!("alerts.{key}: only a rule with command takes it"),
                        ));
                    }
                }
                None
            }
            Some(c) => {
                let at_cmd = c.span().start;
                let argv = c.into_inner();
                if argv.first().is_none_or(|p| p.trim().is_empty()) {
                    return Err(loc.at(
                        at_cmd,
                        "alerts.command: give the program and its arguments, as [\"prog\", \
                         \"--flag\"] (no shell)",
                    ));
                }
                let time_limit = match &r.timeout_s {
                    Some(t) => seconds(loc, "timeout_s", t, 0.05..=600.0)?,
                    None => COMMAND_TIME,
                };
                let output_cap = match &r.max_output_kib {
                    Some(k) if (1..=65_536).contains(k.get_ref()) => *k.get_ref() as usize * 1024,
                    Some(k) => {
                        return Err(loc.at(
                            k.span().start,
                            format!(
                                "alerts.max_output_kib: {} is out of range; allowed: 1 to 65536",
                                k.get_ref()
                            ),
                        ));
                    }
                    None => COMMAND_OUTPUT,
                };
                Some(crate::decode::Command {
                    argv,
                    time_limit,
                    output_cap,
                })
            }
        };
        rules.push(Rule {
            name,
            filter: r.filter.into_inner(),
            value,
            when,
            hysteresis,
            cooldown,
            bell: r.bell,
            publish,
            command,
        });
    }
    Ok(rules)
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
