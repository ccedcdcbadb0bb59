//! A check file (`mqscope check FILE`): TOML, a `[[steps]]` table a step, each one of
//! `publish = TOPIC`, `expect = FILTER`, `request = TOPIC` or `wait_s = S`, with what that kind
//! takes; read with spans, so every mistake names its line and key, and unknown keys are refused.

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;
use toml::Spanned;

pub use crate::alert::cond::{Cond, Op, json_cond};
use crate::config::error::{ConfigError, Locator};
use crate::mqtt::QoS;

/// How long an expect or a request waits when the file does not say, and a publish for its
/// acknowledgement.
pub const DEFAULT_WITHIN: Duration = Duration::from_secs(5);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    name: Option<String>,
    #[serde(default)]
    steps: Vec<Spanned<RawStep>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    name: Option<String>,
    publish: Option<Spanned<String>>,
    expect: Option<Spanned<String>>,
    request: Option<Spanned<String>>,
    wait_s: Option<Spanned<f64>>,
    payload: Option<String>,
    qos: Option<Spanned<i64>>,
    #[serde(default)]
    retain: bool,
    response_topic: Option<Spanned<String>>,
    within_s: Option<Spanned<f64>>,
    equals: Option<String>,
    matches: Option<Spanned<String>>,
    json: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Publish {
        topic: String,
        payload: Bytes,
        qos: QoS,
        retain: bool,
    },
    Expect {
        filter: String,
        within: Duration,
        cond: Option<Cond>,
    },
    Request {
        topic: String,
        response_topic: String,
        payload: Bytes,
        qos: QoS,
        within: Duration,
        cond: Option<Cond>,
    },
    Wait(Duration),
}

#[derive(Debug, Clone)]
pub struct Step {
    /// As the line and the JUnit test case name it.
    pub name: String,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub steps: Vec<Step>,
}

impl Plan {
    /// Every filter and response topic the steps listen on (subscribed before the first step).
    pub fn listens(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for s in &self.steps {
            let f = match &s.kind {
                Kind::Expect { filter, .. } => filter,
                Kind::Request { response_topic, .. } => response_topic,
                _ => continue,
            };
            if !all.contains(f) {
                all.push(f.clone());
            }
        }
        all
    }
}

fn seconds(loc: &Locator, key: &str, v: &Spanned<f64>) -> Result<Duration, ConfigError> {
    let s = *v.get_ref();
    if !(s.is_finite() && (0.0..=3600.0).contains(&s)) {
        return Err(loc.at(
            v.span().start,
            format!("steps.{key}: {s} is not allowed; 0 to 3600 seconds"),
        ));
    }
    Ok(Duration::from_secs_f64(s))
}

pub fn parse(path: &Path, text: &str) -> Result<Plan, ConfigError> {
    let loc = Locator { path, text };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        loc.at(
            at,
            e.message()
                .replace("unknown field", "unknown key")
                .trim()
                .to_string(),
        )
    })?;
    if raw.steps.is_empty() {
        return Err(loc.at(0, "no [[steps]]: a check needs at least one step"));
    }
    let mut steps = Vec::new();
    for raw in raw.steps {
        let at = raw.span().start;
        let r = raw.into_inner();
        let qos = loc.qos("steps.qos", r.qos.as_ref(), QoS::AtLeastOnce)?;
        let within = match &r.within_s {
            Some(w) => seconds(&loc, "within_s", w)?,
            None => DEFAULT_WITHIN,
        };
        let mut conds = Vec::new();
        if let Some(e) = &r.equals {
            conds.push(Cond::Equals(e.clone()));
        }
        if let Some(m) = &r.matches {
            let re = regex::Regex::new(m.get_ref()).map_err(|e| {
                let last = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                loc.at(
                    m.span().start,
                    format!("steps.matches: not a regex: {last}"),
                )
            })?;
            conds.push(Cond::Matches(re));
        }
        if let Some(j) = &r.json {
            conds.push(json_cond(j.get_ref()).ok_or_else(|| {
                loc.at(
                    j.span().start,
                    "steps.json: a condition as path op value (status.on = true, temp >= 20; \
                     = != < <= > >=)",
                )
            })?);
        }
        if conds.len() > 1 {
            return Err(loc.at(at, "steps: one of equals, matches or json a step"));
        }
        let cond = conds.pop();
        let topic_ok = |t: &Spanned<String>, key: &str| {
            crate::mqtt::topic::validate_topic(t.get_ref())
                .map_err(|e| loc.at(t.span().start, format!("steps.{key}: {e}")))
        };
        let payload = Bytes::from(r.payload.clone().unwrap_or_default().into_bytes());
        let kinds = [
            r.publish.is_some(),
            r.expect.is_some(),
            r.request.is_some(),
            r.wait_s.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return Err(loc.at(
                at,
                "steps: each step is one of publish = \"topic\", expect = \"filter\", \
                 request = \"topic\" or wait_s = S",
            ));
        }
        let not_here = |given: bool, key: &str, kind: &str| -> Result<(), ConfigError> {
            if given {
                return Err(loc.at(at, format!("steps.{key}: a {kind} step does not take it")));
            }
            Ok(())
        };
        let kind = if let Some(t) = &r.publish {
            topic_ok(t, "publish")?;
            not_here(cond.is_some(), "equals/matches/json", "publish")?;
            not_here(r.within_s.is_some(), "within_s", "publish")?;
            not_here(r.response_topic.is_some(), "response_topic", "publish")?;
            Kind::Publish {
                topic: t.get_ref().clone(),
                payload,
                qos,
                retain: r.retain,
            }
        } else if let Some(f) = &r.expect {
            crate::mqtt::topic::validate_filter(f.get_ref())
                .map_err(|e| loc.at(f.span().start, format!("steps.expect: {e}")))?;
            not_here(r.payload.is_some(), "payload", "expect")?;
            not_here(r.response_topic.is_some(), "response_topic", "expect")?;
            Kind::Expect {
                filter: f.get_ref().clone(),
                within,
                cond,
            }
        } else if let Some(t) = &r.request {
            topic_ok(t, "request")?;
            let Some(rt) = &r.response_topic else {
                return Err(loc.at(at, "steps.response_topic: a request step needs one"));
            };
            topic_ok(rt, "response_topic")?;
            Kind::Request {
                topic: t.get_ref().clone(),
                response_topic: rt.get_ref().clone(),
                payload,
                qos,
                within,
                cond,
            }
        } else {
            let w = r
                .wait_s
                .as_ref()
                .map(|w| seconds(&loc, "wait_s", w))
                .transpose()?;
            Kind::Wait(w.unwrap_or_default())
        };
        let words = match &kind {
            Kind::Publish { topic, .. } => format!("publish {topic}"),
            Kind::Expect { filter, cond, .. } => match cond {
                Some(c) => format!("expect {filter} {}", c.words()),
                None => format!("expect {filter}"),
            },
            Kind::Request { topic, cond, .. } => match cond {
                Some(c) => format!("request {topic} {}", c.words()),
                None => format!("request {topic}"),
            },
            Kind::Wait(d) => format!("wait {:.1} s", d.as_secs_f64()),
        };
        let name = r.name.clone().unwrap_or(words);
        steps.push(Step {
            name: crate::text::clean(&name).into_owned(),
            kind,
        });
    }
    Ok(Plan {
        name: raw.name.unwrap_or_else(|| {
            path.file_stem()
                .map_or("check".into(), |s| s.to_string_lossy().into_owned())
        }),
        steps,
    })
}
