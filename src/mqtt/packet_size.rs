//! How many bytes a PUBLISH takes on the wire, so that one larger than the broker's Maximum
//! Packet Size (MQTT 5 CONNACK) fails at once, in words, instead of being written: rumqttc
//! refuses it with an error that drops the whole connection (five times, then a time-out, with
//! the subscriptions down meanwhile), and a broker that gets one closes the connection.

use super::types::{Properties, PublishRequest, QoS};

/// Bytes of a Variable Byte Integer holding `n`.
fn varint_len(n: usize) -> usize {
    match n {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// The length of the properties of a PUBLISH we send (no subscription identifiers or topic
/// alias: we never send those).
fn properties_len(p: &Properties) -> usize {
    let string = |s: &str| 1 + 2 + s.len();
    let mut n = 0;
    if p.payload_format_indicator.is_some() {
        n += 2;
    }
    if p.message_expiry_interval.is_some() {
        n += 5;
    }
    if let Some(t) = &p.response_topic {
        n += string(t);
    }
    if let Some(c) = &p.correlation_data {
        n += 1 + 2 + c.len();
    }
    if let Some(c) = &p.content_type {
        n += string(c);
    }
    for (k, v) in &p.user_properties {
        n += 1 + 2 + k.len() + 2 + v.len();
    }
    n
}

/// The whole packet: fixed header, topic, packet id (QoS 1 and 2), properties (MQTT 5) and the
/// payload.
pub fn publish_size(req: &PublishRequest, v5: bool) -> usize {
    let mut remaining = 2 + req.topic.len() + req.payload.len();
    if req.qos != QoS::AtMostOnce {
        remaining += 2;
    }
    if v5 {
        let props = req.properties.as_deref().map_or(0, properties_len);
        remaining += varint_len(props) + props;
    }
    1 + varint_len(remaining) + remaining
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    /// Our count against rumqttc's encoder, for both protocols, at the varint boundaries.
    #[test]
    fn the_size_is_what_rumqttc_writes() {
        use rumqttc::v5::mqttbytes::v5::{Publish as P5, PublishProperties};
        for &len in &[0usize, 100, 127 - 8, 128, 16_383, 16_384, 2_097_152] {
            for qos in [QoS::AtMostOnce, QoS::AtLeastOnce] {
                let props = Properties {
                    content_type: Some("text/plain".into()),
                    correlation_data: Some(Bytes::from_static(b"abc")),
                    user_properties: vec![("k".into(), "vv".into())],
                    message_expiry_interval: Some(9),
                    payload_format_indicator: Some(1),
                    response_topic: Some("r/t".into()),
                    ..Properties::default()
                };
                let req = PublishRequest {
                    id: super::super::types::PublishId(1),
                    publish: super::super::types::Publish {
                        topic: "a/b".into(),
                        payload: Bytes::from(vec![7u8; len]),
                        qos,
                        retain: false,
                        properties: Some(Box::new(props.clone())),
                    },
                };
                let q = if qos == QoS::AtMostOnce {
                    rumqttc::v5::mqttbytes::QoS::AtMostOnce
                } else {
                    rumqttc::v5::mqttbytes::QoS::AtLeastOnce
                };
                let mut p = P5::new(
                    "a/b",
                    q,
                    req.payload.clone(),
                    Some(PublishProperties {
                        payload_format_indicator: Some(1),
                        message_expiry_interval: Some(9),
                        topic_alias: None,
                        response_topic: Some("r/t".into()),
                        correlation_data: Some(Bytes::from_static(b"abc")),
                        user_properties: vec![("k".into(), "vv".into())],
                        subscription_identifiers: Vec::new(),
                        content_type: Some("text/plain".into()),
                    }),
                );
                p.pkid = 1;
                let mut buf = bytes::BytesMut::new();
                p.write(&mut buf).unwrap();
                assert_eq!(publish_size(&req, true), buf.len(), "v5 {len} {qos:?}");
                let mut p4 =
                    rumqttc::Publish::new("a/b", rumqttc::QoS::AtLeastOnce, vec![7u8; len]);
                p4.qos = if qos == QoS::AtMostOnce {
                    rumqttc::QoS::AtMostOnce
                } else {
                    rumqttc::QoS::AtLeastOnce
                };
                p4.pkid = 1;
                let mut buf = bytes::BytesMut::new();
                p4.write(&mut buf).unwrap();
                assert_eq!(publish_size(&req, false), buf.len(), "v4 {len} {qos:?}");
            }
        }
    }
}
