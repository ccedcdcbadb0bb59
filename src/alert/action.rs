//! What a firing asks for, built without I/O: the publish (its templates filled in, checked
//! as a topic) and the command's environment. The explorer and `sub --alerts` carry them out.

use std::time::SystemTime;

use super::{Fired, Rule};
use crate::mqtt::{Publish, QoS};
use crate::publish::template;

/// The rule's publish for this firing, or why it cannot be sent (None: the rule has none).
/// `{{rule}}`, `{{topic}}` and `{{value}}` are the firing's; compose's templates work too.
pub fn publish(rule: &Rule, fired: &Fired, now: SystemTime) -> Option<Result<Publish, String>> {
    let p = rule.publish.as_ref()?;
    let value = fired.value.as_deref().unwrap_or("");
    let vars = [
        ("rule", rule.name.as_str()),
        ("topic", fired.topic.as_str()),
        ("value", value),
    ];
    let ctx = template::Ctx {
        seq: 0,
        now,
        env: &|v: &str| std::env::var(v).ok(),
        vars: &vars,
    };
    let built = (|| {
        let topic = template::expand(&p.topic, &ctx).map_err(|e| format!("topic: {e}"))?;
        crate::mqtt::topic::validate_topic(&topic).map_err(|e| format!("topic '{topic}': {e}"))?;
        let payload = template::expand(&p.payload, &ctx).map_err(|e| format!("payload: {e}"))?;
        Ok(Publish {
            topic,
            payload: payload.into_bytes().into(),
            qos: QoS::from_u8(p.qos).unwrap_or_default(),
            retain: p.retain,
            properties: None,
        })
    })();
    Some(built.map_err(|e: String| format!("alert '{}': publish not sent: {e}", rule.name)))
}

/// The command's environment: the rule, the topic and the value, each without NUL (which no
/// environment can hold).
pub fn command_env(rule: &Rule, fired: &Fired) -> Vec<(&'static str, String)> {
    let plain = |s: &str| s.replace('\0', "\\0");
    vec![
        ("MQSCOPE_RULE", plain(&rule.name)),
        ("MQSCOPE_TOPIC", plain(&fired.topic)),
        ("MQSCOPE_VALUE", plain(fired.value.as_deref().unwrap_or(""))),
        ("MQSCOPE_WHAT", plain(&fired.what)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{Condition, PublishAction, ValueOf};
    use std::time::{Duration, Instant};

    fn fired(topic: &str, value: &str) -> Fired {
        Fired {
            rule: 0,
            scope: 0,
            tag: 0,
            topic: topic.into(),
            value: Some(value.into()),
            what: format!("{value} > 30"),
            at: Instant::now(),
            wall: SystemTime::UNIX_EPOCH,
            held: 0,
        }
    }

    #[test]
    fn the_publish_is_filled_in_and_a_bad_topic_is_not_sent() {
        let mut rule = Rule {
            name: "hot".into(),
            filter: "#".into(),
            value: ValueOf::Payload,
            when: Condition::Changed,
            hysteresis: None,
            cooldown: Duration::ZERO,
            bell: false,
            publish: Some(PublishAction {
                topic: "alerts/{{rule}}/{{topic}}".into(),
                payload: "{{value}} at {{now}} {{value}}".into(),
                qos: 1,
                retain: true,
            }),
            command: None,
        };
        // A value holding a template is not expanded again.
        let p = publish(&rule, &fired("s/1", "{{uuid}}"), SystemTime::UNIX_EPOCH)
            .unwrap()
            .unwrap();
        assert_eq!(p.topic, "alerts/hot/s/1");
        assert_eq!(
            &p.payload[..],
            b"{{uuid}} at 1970-01-01T00:00:00.000Z {{uuid}}"
        );
        assert_eq!((p.qos, p.retain), (QoS::AtLeastOnce, true));
        rule.publish.as_mut().unwrap().topic = "alerts/{{value}}".into();
        let bad = publish(&rule, &fired("s/1", "a/+"), SystemTime::UNIX_EPOCH).unwrap();
        assert!(
            bad.unwrap_err()
                .contains("publish not sent: topic 'alerts/a/+'")
        );
        let env = command_env(&rule, &fired("s/1", "a\0b"));
        assert_eq!(env[2], ("MQSCOPE_VALUE", "a\\0b".to_string()));
    }
}
