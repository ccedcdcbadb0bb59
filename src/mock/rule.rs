//! A mock rule: when a message matches its filter (and its JSON condition, if any), an answer
//! is published after an optional delay: to a fixed topic, or (`reply = true`) to the
//! request's MQTT 5 response topic with its correlation data copied. The answer's topic and
//! payload are templates that read the request: `{{topic}}`, `{{payload}}`, `{{json PATH}}`,
//! `{{level N}}` (the topic's Nth level, from 0), and compose's (`{{now}}`, `{{uuid}}`, …).

use std::time::{Duration, SystemTime};

use bytes::Bytes;

use crate::mqtt::{Message, Properties, Publish, QoS};
use crate::publish::template;

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub filter: String,
    /// A JSON condition the request must hold ("path op value"), as `check` reads it.
    pub when: Option<crate::alert::cond::Cond>,
    pub answer: Answer,
    pub delay: Duration,
    /// Answers a second at most (None: no limit).
    pub max_per_s: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Answer {
    /// None: the request's response topic (`reply = true`).
    pub topic: Option<String>,
    pub payload: String,
    pub qos: QoS,
    pub retain: bool,
}

/// The `{{…}}` expressions of `text`, as written (trimmed).
fn expressions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    out
}

/// What an expression that reads the request stands for, or None (compose's, or unknown).
fn request_value(expr: &str, m: &Message) -> Option<String> {
    let words: Vec<&str> = expr.split_whitespace().collect();
    match words.as_slice() {
        ["topic"] => Some(m.topic.to_string()),
        ["payload"] => Some(String::from_utf8_lossy(&m.payload).into_owned()),
        ["json", path] => Some(
            crate::alert::value::read(&crate::alert::ValueOf::Json(path.to_string()), &m.payload)
                .map(|r| r.text)
                .unwrap_or_default(),
        ),
        ["level", n] => {
            let n: usize = n.parse().ok()?;
            Some(m.topic.split('/').nth(n).unwrap_or("").to_string())
        }
        _ => None,
    }
}

impl Rule {
    /// Whether `m` asks this rule for an answer.
    pub fn matches(&self, m: &Message) -> bool {
        crate::mqtt::topic::filter_matches(&self.filter, &m.topic)
            && self.when.as_ref().is_none_or(|c| c.holds(&m.payload))
    }

    /// The answer to `m`, its templates filled in; or why there is none (a request without a
    /// response topic for a reply, a template or a topic that does not work out).
    pub fn answer(&self, m: &Message, seq: u64, now: SystemTime) -> Result<Publish, String> {
        let a = &self.answer;
        let (topic, correlation) = match &a.topic {
            Some(t) => (t.clone(), None),
            None => {
                let p = m.properties.as_ref();
                let Some(to) = p.and_then(|p| p.response_topic.clone()) else {
                    return Err("the request has no response topic (MQTT 5) to reply to".into());
                };
                (to, p.and_then(|p| p.correlation_data.clone()))
            }
        };
        let values: Vec<(String, String)> = expressions(&topic)
            .into_iter()
            .chain(expressions(&a.payload))
            .filter_map(|e| request_value(e, m).map(|v| (e.to_string(), v)))
            .collect();
        let vars: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let ctx = template::Ctx {
            seq,
            now,
            env: &|v: &str| std::env::var(v).ok(),
            vars: &vars,
        };
        let topic = template::expand(&topic, &ctx).map_err(|e| format!("topic: {e}"))?;
        crate::mqtt::topic::validate_topic(&topic).map_err(|e| format!("topic '{topic}': {e}"))?;
        let payload = template::expand(&a.payload, &ctx).map_err(|e| format!("payload: {e}"))?;
        let properties = correlation.map(|c| {
            Box::new(Properties {
                correlation_data: Some(c),
                ..Properties::default()
            })
        });
        Ok(Publish {
            topic,
            payload: Bytes::from(payload.into_bytes()),
            qos: a.qos,
            retain: a.retain,
            properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(topic: &str, payload: &str, reply: Option<(&str, &[u8])>) -> Message {
        Message {
            topic: topic.into(),
            payload: Bytes::copy_from_slice(payload.as_bytes()),
            qos: QoS::AtLeastOnce,
            retain: false,
            dup: false,
            received: SystemTime::UNIX_EPOCH,
            properties: reply.map(|(t, c)| {
                Box::new(Properties {
                    response_topic: Some(t.into()),
                    correlation_data: Some(Bytes::copy_from_slice(c)),
                    ..Properties::default()
                })
            }),
        }
    }

    fn rule(topic: Option<&str>, payload: &str) -> Rule {
        Rule {
            name: "r".into(),
            filter: "lamp/+/set".into(),
            when: None,
            answer: Answer {
                topic: topic.map(str::to_string),
                payload: payload.into(),
                qos: QoS::AtLeastOnce,
                retain: true,
            },
            delay: Duration::ZERO,
            max_per_s: None,
        }
    }

    #[test]
    fn an_answer_reads_the_request_and_a_reply_carries_its_correlation() {
        let r = rule(
            Some("lamp/{{level 1}}/state"),
            r#"{"on": {{json on}}, "was": "{{payload}}", "n": {{seq}}}"#,
        );
        let m = request("lamp/kitchen/set", r#"{"on":true}"#, None);
        let p = r.answer(&m, 3, SystemTime::UNIX_EPOCH).unwrap();
        assert_eq!(p.topic, "lamp/kitchen/state");
        assert_eq!(
            &p.payload[..],
            br#"{"on": true, "was": "{"on":true}", "n": 3}"#
        );
        let reply = rule(None, "pong");
        let m = request("lamp/kitchen/set", "ping", Some(("svc/resp", b"c-1")));
        let p = reply.answer(&m, 0, SystemTime::UNIX_EPOCH).unwrap();
        assert_eq!(p.topic, "svc/resp");
        assert_eq!(
            p.properties.unwrap().correlation_data.as_deref(),
            Some(&b"c-1"[..])
        );
        let no_reply = request("lamp/kitchen/set", "ping", None);
        assert!(
            reply
                .answer(&no_reply, 0, SystemTime::UNIX_EPOCH)
                .unwrap_err()
                .contains("no response topic")
        );
        // A level that makes the topic a wildcard is refused, not sent.
        let bad = rule(Some("x/{{payload}}"), "");
        let m = request("lamp/a/set", "#", None);
        assert!(
            bad.answer(&m, 0, SystemTime::UNIX_EPOCH)
                .unwrap_err()
                .contains("topic 'x/#'")
        );
    }
}
