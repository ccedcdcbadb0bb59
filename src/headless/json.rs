//! `sub --json`: one object per message.

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::mqtt::{Message, Properties};

pub fn message_json(m: &Message) -> Value {
    let time: DateTime<Utc> = m.received.into();
    let mut obj = Map::new();
    obj.insert("topic".into(), json!(m.topic));
    match std::str::from_utf8(&m.payload) {
        Ok(text) => {
            obj.insert("payload".into(), json!(text));
            obj.insert("encoding".into(), json!("utf8"));
        }
        Err(_) => {
            obj.insert(
                "payload".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(&m.payload)),
            );
            obj.insert("encoding".into(), json!("base64"));
        }
    }
    obj.insert("qos".into(), json!(m.qos.as_u8()));
    obj.insert("retain".into(), json!(m.retain));
    obj.insert(
        "time".into(),
        json!(time.to_rfc3339_opts(SecondsFormat::Millis, true)),
    );
    if let Some(p) = &m.properties {
        obj.insert("properties".into(), properties_json(p));
    }
    Value::Object(obj)
}

fn properties_json(p: &Properties) -> Value {
    let mut obj = Map::new();
    if let Some(v) = p.payload_format_indicator {
        obj.insert("payload_format_indicator".into(), json!(v));
    }
    if let Some(v) = p.message_expiry_interval {
        obj.insert("message_expiry_interval".into(), json!(v));
    }
    if let Some(v) = &p.content_type {
        obj.insert("content_type".into(), json!(v));
    }
    if let Some(v) = &p.response_topic {
        obj.insert("response_topic".into(), json!(v));
    }
    if let Some(v) = &p.correlation_data {
        obj.insert(
            "correlation_data".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(v)),
        );
    }
    if !p.user_properties.is_empty() {
        let pairs: Vec<Value> = p
            .user_properties
            .iter()
            .map(|(k, v)| json!([k, v]))
            .collect();
        obj.insert("user_properties".into(), Value::Array(pairs));
    }
    if !p.subscription_identifiers.is_empty() {
        obj.insert(
            "subscription_identifiers".into(),
            json!(p.subscription_identifiers),
        );
    }
    Value::Object(obj)
}
