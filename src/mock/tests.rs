//! The mock with an injected clock: matching, the JSON condition, delay, rate limit, and the
//! loop guard against a rule that answers on its own filter.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

use super::*;
use crate::mqtt::QoS;

fn msg(topic: &str, payload: &str) -> Message {
    Message {
        topic: topic.into(),
        payload: Bytes::copy_from_slice(payload.as_bytes()),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        received: SystemTime::UNIX_EPOCH,
        properties: None,
    }
}

fn rules(text: &str) -> Vec<Rule> {
    file::parse(std::path::Path::new("/tmp/r.toml"), text).expect("rules")
}

#[test]
fn a_rule_answers_after_its_delay_within_its_rate_and_never_itself() {
    let mut mock = Mock::new(rules(
        "[[rules]]\nname = \"echo\"\nfilter = \"e/#\"\ntopic = \"e/out\"\npayload = \"{{payload}}\"\n\
         delay_ms = 250\nmax_per_s = 2\n\
         [[rules]]\nname = \"on\"\nfilter = \"lamp/+/set\"\njson = \"on = true\"\n\
         topic = \"lamp/{{level 1}}/state\"\npayload = \"on\"\n",
    ));
    let t0 = Instant::now();
    let wall = SystemTime::UNIX_EPOCH;
    let got = mock.on_message(&msg("e/in", "hi"), t0, wall);
    let Some(Outcome::Answer(d)) = got.first() else {
        panic!("{got:?}")
    };
    assert_eq!(
        (d.publish.topic.as_str(), &d.publish.payload[..]),
        ("e/out", &b"hi"[..])
    );
    assert_eq!(d.due, t0 + Duration::from_millis(250));
    let d = d.clone();
    mock.sending(&d, d.due);
    // Its own answer comes back on its filter: not a request.
    let back = mock.on_message(&d.publish_message(), d.due, wall);
    assert!(back.is_empty());
    assert_eq!(mock.guarded, 1);
    // Two a second: the third within the second is limited.
    mock.on_message(&msg("e/in", "2"), t0, wall);
    let third = mock.on_message(&msg("e/in", "3"), t0 + Duration::from_millis(500), wall);
    assert!(
        matches!(third[..], [Outcome::Limited { rule: 0 }]),
        "{third:?}"
    );
    let later = mock.on_message(&msg("e/in", "4"), t0 + Duration::from_millis(1100), wall);
    assert!(matches!(later[..], [Outcome::Answer(_)]), "{later:?}");
    // The JSON condition.
    assert!(
        mock.on_message(&msg("lamp/k/set", r#"{"on":false}"#), t0, wall)
            .is_empty()
    );
    let on = mock.on_message(&msg("lamp/k/set", r#"{"on":true}"#), t0, wall);
    assert!(matches!(&on[..], [Outcome::Answer(d)] if d.publish.topic == "lamp/k/state"));
    assert_eq!(mock.counts[0].hits, 4);
    assert_eq!(mock.counts[0].limited, 1);
    assert_eq!(mock.counts[1].hits, 1);
}

impl Due {
    /// The answer as it comes back from the broker (its properties as sent).
    fn publish_message(&self) -> Message {
        Message {
            topic: self.publish.topic.clone().into(),
            payload: self.publish.payload.clone(),
            qos: self.publish.qos,
            retain: false,
            dup: false,
            received: SystemTime::UNIX_EPOCH,
            properties: None,
        }
    }
}

#[test]
fn mistakes_in_a_rules_file_name_their_line() {
    let cases = [
        (
            "[[rules]]\nname = \"a\"\nfilter = \"x\"\n",
            1,
            "topic = \"…\" or reply = true",
        ),
        (
            "[[rules]]\nname = \"a\"\nfilter = \"x/#/y\"\nreply = true\n",
            3,
            "rules.filter",
        ),
        (
            "[[rules]]\nname = \"a\"\nfilter = \"x\"\nreply = true\nqos = 3\n",
            5,
            "0, 1 or 2",
        ),
        (
            "[[rules]]\nname = \"a\"\nfilter = \"x\"\nreply = true\njson = \"nope\"\n",
            5,
            "path op value",
        ),
        (
            "[[rules]]\nname = \"a\"\nfilter = \"x\"\nreply = true\nmax_per_s = 0\n",
            5,
            "max_per_s",
        ),
        (
            "[[rules]]\nname = \"a\"\nfilter = \"x\"\nreply = true\nsoon = 1\n",
            5,
            "unknown key",
        ),
        ("", 1, "no [[rules]]"),
    ];
    for (text, line, says) in cases {
        let err = file::parse(std::path::Path::new("/tmp/r.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("r.toml:{line}:")) && err.contains(says),
            "{text}: {err}"
        );
    }
}
