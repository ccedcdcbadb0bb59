//! MQTT X's exported connections (its "Export" as JSON: a list of connection objects, or an
//! object holding them) as mqscope profiles. Every field that maps is taken; each one that does
//! not gets a line saying why, so nothing is dropped silently. Passwords are never imported:
//! profiles keep secrets by reference (`password_env`, `password_command`).

use serde_json::Value;

use super::profile::Profile;
use crate::mqtt::{BrokerUrl, Protocol, QoS, Subscription, Will};

/// One imported connection: the profile, and a line for each field left behind.
#[derive(Debug)]
pub struct Imported {
    pub profile: Profile,
    pub notes: Vec<String>,
}

/// The connection objects of an export: a list, or `{ "connections": [...] }`.
fn connections(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => o
            .get("connections")
            .or_else(|| o.get("data"))
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_else(|| vec![v]),
        _ => Vec::new(),
    }
}

/// Fields handled below; any other field of a connection gets a line.
const KNOWN: &[&str] = &[
    "name",
    "clientId",
    "host",
    "port",
    "protocol",
    "path",
    "username",
    "password",
    "keepalive",
    "clean",
    "mqttVersion",
    "ssl",
    "rejectUnauthorized",
    "ca",
    "cert",
    "key",
    "certType",
    "will",
    "subscriptions",
    "connectTimeout",
    "properties",
    "id",
    "orderId",
    "createAt",
    "updateAt",
    "messages",
    "pushProps",
    "unreadMessageCount",
    "clientIdWithTime",
    "reconnect",
    "reconnectPeriod",
    "isCollection",
    "parentId",
    "collectionId",
];

fn str_of<'a>(c: &'a Value, k: &str) -> Option<&'a str> {
    c.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Every connection of an MQTT X export, or why the file is not one.
pub fn import(text: &str) -> Result<Vec<Imported>, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("not JSON: {e} (line {}, column {})", e.line(), e.column()))?;
    let list = connections(&v);
    if list.is_empty() || list.iter().all(|c| c.get("host").is_none()) {
        return Err("no MQTT X connections in it (objects with a host)".into());
    }
    list.into_iter().map(one).collect()
}

fn one(c: &Value) -> Result<Imported, String> {
    let mut notes = Vec::new();
    let name = str_of(c, "name").unwrap_or("mqttx").to_string();
    let host = str_of(c, "host").ok_or_else(|| format!("connection '{name}': no host"))?;
    let host = host
        .trim_start_matches("mqtt://")
        .trim_start_matches("mqtts://")
        .trim_start_matches("ws://")
        .trim_start_matches("wss://");
    let scheme = match (
        str_of(c, "protocol").unwrap_or("mqtt"),
        c.get("ssl").and_then(Value::as_bool).unwrap_or(false),
    ) {
        ("ws", false) => "ws",
        ("ws" | "wss", _) => "wss",
        ("mqtts", _) | (_, true) => "mqtts",
        _ => "mqtt",
    };
    let port = c
        .get("port")
        .and_then(Value::as_u64)
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let path = if scheme.starts_with("ws") {
        str_of(c, "path").unwrap_or("/mqtt")
    } else {
        ""
    };
    let url = format!("{scheme}://{host}{port}{path}");
    let broker = BrokerUrl::parse(&url).map_err(|e| format!("connection '{name}': {url}: {e}"))?;
    let mut p = Profile::adhoc(broker);
    p.name = name.clone();
    p.client_id = str_of(c, "clientId").map(str::to_string);
    if c.get("clientIdWithTime").and_then(Value::as_bool) == Some(true) {
        notes.push(
            "clientIdWithTime: not imported (mqscope does not add the time to client ids)".into(),
        );
    }
    p.username = str_of(c, "username").map(str::to_string);
    if str_of(c, "password").is_some() {
        notes.push(
            "password: not imported; keep it by reference: password_env = \"VAR\" or password_command = [...]".into(),
        );
    }
    if let Some(k) = c.get("keepalive").and_then(Value::as_u64) {
        p.keep_alive_s = k.min(u64::from(u16::MAX)) as u16;
    }
    if let Some(clean) = c.get("clean").and_then(Value::as_bool) {
        p.clean_session = clean;
    }
    if let Some(t) = c.get("connectTimeout").and_then(Value::as_u64) {
        // MQTT X keeps it in seconds (older exports in milliseconds).
        p.connect_timeout_s = if t > 1000 { t / 1000 } else { t }.clamp(1, 3600);
    }
    p.protocol = match str_of(c, "mqttVersion") {
        Some("5.0") => Protocol::V5,
        Some("3.1.1") => Protocol::V311,
        Some(other) => {
            notes.push(format!(
                "mqttVersion {other}: not supported; auto (5, else 3.1.1) is used"
            ));
            Protocol::Auto
        }
        None => Protocol::Auto,
    };
    if c.get("rejectUnauthorized").and_then(Value::as_bool) == Some(false) && scheme.ends_with('s')
    {
        p.tls.insecure = true;
        notes.push(
            "rejectUnauthorized false: imported as tls.insecure = true (nothing is verified)"
                .into(),
        );
    }
    for k in ["ca", "cert", "key"] {
        if str_of(c, k).is_some() {
            notes.push(format!("{k}: not imported (MQTT X keeps it inside its own store); set tls.{k}_file to a PEM file"));
        }
    }
    if let Some(w) = c
        .get("will")
        .filter(|w| str_of(w, "lastWillTopic").is_some())
    {
        p.will = Some(Will {
            topic: str_of(w, "lastWillTopic").unwrap_or_default().to_string(),
            payload: str_of(w, "lastWillPayload")
                .unwrap_or_default()
                .as_bytes()
                .to_vec()
                .into(),
            qos: QoS::from_u8(w.get("lastWillQos").and_then(Value::as_u64).unwrap_or(0) as u8)
                .unwrap_or_default(),
            retain: w
                .get("lastWillRetain")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        });
        if w.get("properties")
            .is_some_and(|p| p.as_object().is_some_and(|o| !o.is_empty()))
        {
            notes.push("will.properties: not imported (a will's MQTT 5 properties are not kept in profiles)".into());
        }
    }
    for s in c
        .get("subscriptions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(topic) = str_of(s, "topic") else {
            continue;
        };
        if crate::mqtt::topic::validate_filter(topic).is_err() {
            notes.push(format!(
                "subscription '{topic}': not a valid filter, skipped"
            ));
            continue;
        }
        let mut sub = Subscription::new(
            topic,
            QoS::from_u8(s.get("qos").and_then(Value::as_u64).unwrap_or(0) as u8)
                .unwrap_or_default(),
        );
        sub.no_local = s.get("nl").and_then(Value::as_bool).unwrap_or(false);
        sub.retain_as_published = s.get("rap").and_then(Value::as_bool).unwrap_or(false);
        sub.retain_handling = s.get("rh").and_then(Value::as_u64).unwrap_or(0).min(2) as u8;
        sub.id = s
            .get("subscriptionIdentifier")
            .and_then(Value::as_u64)
            .map(|i| i as u32)
            .filter(|i| *i >= 1);
        p.subscriptions.push(sub);
    }
    if let Some(props) = c.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            match (k.as_str(), v) {
                ("sessionExpiryInterval", Value::Number(n)) => {
                    p.connect.session_expiry = n.as_u64().map(|n| n as u32)
                }
                ("receiveMaximum", Value::Number(n)) => {
                    p.connect.receive_maximum = n.as_u64().map(|n| n.clamp(1, 65_535) as u16)
                }
                ("topicAliasMaximum", Value::Number(n)) => {
                    p.connect.topic_alias_maximum = n.as_u64().map(|n| n.min(65_535) as u16)
                }
                ("requestResponseInfo", Value::Bool(b)) => {
                    p.connect.request_response_information = Some(*b)
                }
                ("requestProblemInfo", Value::Bool(b)) => {
                    p.connect.request_problem_information = Some(*b)
                }
                ("userProperties", Value::Object(u)) => {
                    for (uk, uv) in u {
                        if let Some(s) = uv.as_str() {
                            p.connect.user_properties.push((uk.clone(), s.to_string()));
                        }
                    }
                }
                ("maximumPacketSize", Value::Number(n)) => {
                    if let Some(n) = n.as_u64().filter(|n| (1024..=268_435_455).contains(n)) {
                        p.max_packet_size = n as u32;
                    }
                }
                (_, Value::Null) => {}
                (other, _) => notes.push(format!(
                    "properties.{other}: not imported (no profile key for it)"
                )),
            }
        }
    }
    if let Some(o) = c.as_object() {
        for k in o.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
            notes.push(format!("{k}: not imported (no profile key for it)"));
        }
    }
    Ok(Imported { profile: p, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_what_maps_and_names_the_rest() {
        let text = r##"[{"name":"home","host":"broker.local","port":8883,"protocol":"mqtts","ssl":true,
          "clientId":"mqttx_1","username":"alice","password":"s3cret","keepalive":30,"clean":false,
          "mqttVersion":"5.0","rejectUnauthorized":false,"will":{"lastWillTopic":"dead","lastWillPayload":"bye","lastWillQos":1,"lastWillRetain":true},
          "subscriptions":[{"topic":"a/#","qos":1,"nl":true},{"topic":"bad/#/x","qos":0}],
          "properties":{"sessionExpiryInterval":60,"userProperties":{"app":"x"},"authenticationMethod":"scram"},
          "color":"#fff"}]"##;
        let got = import(text).unwrap();
        let p = &got[0].profile;
        assert_eq!(p.broker.to_string(), "mqtts://broker.local:8883");
        assert_eq!(
            (p.keep_alive_s, p.clean_session, p.protocol),
            (30, false, Protocol::V5)
        );
        assert!(p.tls.insecure && p.will.as_ref().is_some_and(|w| w.retain));
        assert_eq!(p.subscriptions.len(), 1);
        assert!(p.subscriptions[0].no_local);
        assert_eq!(p.connect.session_expiry, Some(60));
        let notes = got[0].notes.join("\n");
        for w in [
            "password: not imported",
            "bad/#/x",
            "properties.authenticationMethod",
            "color: not imported",
        ] {
            assert!(notes.contains(w), "{w} in {notes}");
        }
        assert!(import("{}").is_err() && import("not json").unwrap_err().contains("line 1"));
    }
}
