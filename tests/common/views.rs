//! A message shown in the detail, as the payload view tests want it: a message made by hand
//! (fixed time, an optional content type) fed to a connected app with the rules given.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::{App, Effect};
use mqscope::decode::Rule;
use mqscope::mqtt::{Message, MqttEvent, Properties, QoS};

use super::door::Door;

pub fn msg(topic: &str, payload: impl Into<Bytes>, ct: Option<&str>) -> Message {
    Message {
        topic: topic.into(),
        payload: payload.into(),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        received: SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000),
        properties: ct.map(|c| {
            Box::new(Properties {
                content_type: Some(c.into()),
                ..Properties::default()
            })
        }),
    }
}

pub fn feed(app: &mut App, m: Message) {
    let now = app.now;
    app.mqtt(MqttEvent::Message(m), now);
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let now = app.now;
    app.event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), now)
}

/// A JSON array of small objects of at least `bytes` bytes, each with a number past a float's
/// digits: a document past the size read at once.
pub fn big_json(bytes: usize) -> String {
    let mut doc = String::from("[");
    let mut i = 0;
    while doc.len() < bytes {
        doc.push_str(&format!(r#"{{"id":{i},"v":12345678901234567890123}},"#));
        i += 1;
    }
    doc.push_str("0]");
    doc
}

/// An app with one topic holding `m`, shown in the detail.
pub fn showing(m: Message, rules: Vec<Rule>) -> App {
    let mut app = super::screen::connected_app("test");
    app.global_rules = rules;
    app.use_decoders_of("test");
    feed(&mut app, m);
    app
}
