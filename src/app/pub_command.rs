//! The `mosquitto_pub` command that sends the same message: for a received message (`m` in the
//! tree or log) or for what compose holds (`Ctrl+Y` there). Quoted for a POSIX shell; a payload
//! that is not text goes through `printf` into `-s`; properties as `-D publish …`; the password
//! by reference (`"$VAR"`), never written out.

use super::App;
use super::effect::Effect;
use crate::config::{PasswordSource, Profile};
use crate::mqtt::{Properties, QoS};

/// A word for a POSIX shell: single-quoted, a `'` inside as `'\''`.
pub fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A `printf` format that writes exactly `bytes` (octal escapes for all but plain ASCII).
fn printf_format(bytes: &[u8]) -> String {
    let mut out = String::new();
    for b in bytes {
        match b {
            b'%' => out.push_str("%%"),
            b'\\' => out.push_str("\\\\"),
            b' '..=b'~' if *b != b'\'' => out.push(*b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    format!("'{out}'")
}

/// Everything a command needs of one message.
pub struct Message<'a> {
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub qos: QoS,
    pub retain: bool,
    pub properties: Option<&'a Properties>,
}

/// The command, and a note when something cannot be said to mosquitto_pub.
pub fn command(m: &Message<'_>, url: &str, profile: Option<&Profile>) -> (String, Option<String>) {
    let mut words: Vec<String> = vec!["mosquitto_pub".into()];
    let mut notes = Vec::new();
    match crate::mqtt::BrokerUrl::parse(url) {
        Ok(u) => {
            if u.scheme.is_websocket() {
                notes.push(
                    "mosquitto_pub has no WebSocket transport: the command connects over TCP"
                        .to_string(),
                );
            }
            words.extend(["-h".into(), quote(&u.host), "-p".into(), u.port.to_string()]);
            if u.scheme.is_tls() {
                match profile.and_then(|p| p.tls.ca_file.as_ref()) {
                    Some(ca) => words.extend(["--cafile".into(), quote(&ca.display().to_string())]),
                    None => words.extend(["--capath".into(), "/etc/ssl/certs".into()]),
                }
                if profile.is_some_and(|p| p.tls.insecure) {
                    words.push("--insecure".into());
                }
            }
        }
        Err(_) => notes.push(format!("the broker URL {url} could not be read")),
    }
    if let Some(p) = profile
        && let Some(u) = &p.username
    {
        words.extend(["-u".into(), quote(u)]);
        match &p.password {
            PasswordSource::None => {}
            PasswordSource::Env(var) => words.extend(["-P".into(), format!("\"${var}\"")]),
            _ => words.extend(["-P".into(), "\"$MQTT_PASSWORD\"".into()]),
        }
    }
    words.extend(["-t".into(), quote(m.topic)]);
    words.extend(["-q".into(), m.qos.as_u8().to_string()]);
    if m.retain {
        words.push("-r".into());
    }
    if let Some(p) = m.properties.filter(|p| !p.is_empty()) {
        words.extend(["-V".into(), "5".into()]);
        let mut d = |name: &str, values: Vec<String>| {
            words.extend(["-D".into(), "publish".into(), name.into()]);
            words.extend(values);
        };
        if let Some(f) = p.payload_format_indicator {
            d("payload-format-indicator", vec![f.to_string()]);
        }
        if let Some(e) = p.message_expiry_interval {
            d("message-expiry-interval", vec![e.to_string()]);
        }
        if let Some(c) = &p.content_type {
            d("content-type", vec![quote(c)]);
        }
        if let Some(r) = &p.response_topic {
            d("response-topic", vec![quote(r)]);
        }
        if let Some(c) = &p.correlation_data {
            match std::str::from_utf8(c) {
                Ok(t) if !t.contains('\0') => d("correlation-data", vec![quote(t)]),
                _ => notes.push("the correlation data is not text; mosquitto_pub takes text only, so it is left out".into()),
            }
        }
        for (k, v) in &p.user_properties {
            d("user-property", vec![quote(k), quote(v)]);
        }
    }
    // Text goes in -m; anything with control characters (but line breaks and tabs) through
    // printf, so a terminal escape never sits raw in a shell line.
    let text = std::str::from_utf8(m.payload)
        .ok()
        .filter(|t| !t.is_empty() && !t.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
    let cmd = match (text, m.payload.is_empty()) {
        (Some(t), _) => {
            words.extend(["-m".into(), quote(t)]);
            words.join(" ")
        }
        (None, true) => {
            words.push("-n".into());
            words.join(" ")
        }
        (None, false) => {
            words.push("-s".into());
            format!("printf {} | {}", printf_format(m.payload), words.join(" "))
        }
    };
    (cmd, (!notes.is_empty()).then(|| notes.join("; ")))
}

impl App {
    fn command_for(&mut self, m: &Message<'_>) -> Vec<Effect> {
        let url = self
            .conn
            .as_ref()
            .map_or("mqtt://localhost:1883".to_string(), |c| c.url.clone());
        let profile = self
            .conn
            .as_ref()
            .and_then(|c| self.profiles.iter().find(|p| p.name == c.name));
        let (cmd, note) = command(m, &url, profile);
        let mut what = "mosquitto_pub command".to_string();
        if let Some(n) = note {
            what.push_str(&format!(" ({n})"));
        }
        self.popups
            .push(super::Popup::Text(super::popup::TextPopup {
                title: "mosquitto_pub command · copied · any key closes".into(),
                text: cmd.clone(),
                note: what
                    .strip_prefix("mosquitto_pub command")
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty()),
            }));
        vec![Effect::Copy {
            what,
            bytes: cmd.into_bytes(),
        }]
    }

    /// `m`: the command that publishes the shown message again.
    pub fn copy_message_command(&mut self) -> Vec<Effect> {
        let Some(e) = self.detail_entry() else {
            return Vec::new();
        };
        let topic = self.store.tree.path(e.node);
        let payload = e.payload.clone();
        let (qos, retain) = (e.qos(), e.retain());
        let props = self.store.properties(e).cloned();
        self.command_for(&Message {
            topic: &topic,
            payload: &payload,
            qos,
            retain,
            properties: props.as_ref(),
        })
    }

    /// `Ctrl+Y` in compose: the command that sends what compose holds.
    pub fn copy_compose_command(&mut self) -> Vec<Effect> {
        let topic = self.compose.topic_text();
        let payload = self.compose.payload_text();
        let (qos, retain) = (self.compose.qos, self.compose.retain);
        let props = self.compose.properties.clone();
        self.command_for(&Message {
            topic: &topic,
            payload: payload.as_bytes(),
            qos,
            retain,
            properties: props.as_deref(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_for_a_posix_shell() {
        assert_eq!(quote("a/b"), "a/b");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$HOME `x`"), "'$HOME `x`'");
        assert_eq!(printf_format(&[0, b'%', b'\'', 200]), r"'\000%%\047\310'");
    }
}
