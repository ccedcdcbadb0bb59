//! The `mosquitto_pub` command that sends the same message: for a received message (`m` in the
//! tree or log) or for what compose holds (`Ctrl+Y` there). The command is meant to be pasted
//! into a shell, and a topic, a property or a payload is the attacker's: so the command holds
//! printable ASCII only. A plain word is single-quoted; a field with any other byte (a control
//! character, an escape sequence, a line break, a non-ASCII character) is written by `printf` from
//! octal escapes, so that bash, zsh and dash, with or without bracketed paste, run exactly one
//! `mosquitto_pub` (a pasted `\x15` or `ESC[201~` cannot end the line early: it is not there).
//! The payload goes through `printf` into `-s`; properties as `-D publish …`; the password by
//! reference (`"$VAR"`), never written out.

use crate::app::App;
use crate::app::Level;
use crate::app::effect::Effect;
use crate::config::{PasswordSource, Profile};
use crate::publish::Publish;

/// A word for a POSIX shell: single-quoted, a `'` inside as `'\''`. For printable ASCII only;
/// [`word`] decides.
pub fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn printable_ascii(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| (b' '..=b'~').contains(b))
}

/// A `printf` format that writes exactly `bytes`, single-quoted: octal escapes for all but
/// printable ASCII, and for the characters a shell could still act on where the format sits
/// inside double quotes (`!`: bash's and zsh's history expansion) or that printf could take for
/// an option (a leading `-`).
fn printf_format(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'%' => out.push_str("%%"),
            b'\\' => out.push_str("\\\\"),
            b'-' if i == 0 => out.push_str("\\055"),
            b' '..=b'~' if !b"'!".contains(b) => out.push(*b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    format!("'{out}'")
}

/// The words of a command line, and the assignments that must run before it: a field ending in
/// a line break cannot be an inline `"$(printf …)"` (command substitution strips trailing line
/// breaks), so it is built in a variable with a sentinel that is then cut off.
#[derive(Default)]
struct Line {
    setup: Vec<String>,
    words: Vec<String>,
}

impl Line {
    /// One argument holding exactly `bytes` (which must not hold NUL: no argument can).
    fn arg(&mut self, bytes: &[u8]) {
        if printable_ascii(bytes) {
            // Printable ASCII is valid UTF-8.
            self.words.push(quote(&String::from_utf8_lossy(bytes)));
        } else if bytes.ends_with(b"\n") {
            let var = format!("MQSCOPE_{}", self.setup.len() / 2 + 1);
            let mut with_sentinel = bytes.to_vec();
            with_sentinel.push(b'.');
            self.setup.push(format!(
                "{var}=\"$(printf {})\"",
                printf_format(&with_sentinel)
            ));
            self.setup.push(format!("{var}=\"${{{var}%.}}\""));
            self.words.push(format!("\"${var}\""));
        } else {
            self.words
                .push(format!("\"$(printf {})\"", printf_format(bytes)));
        }
    }

    fn plain(&mut self, word: &str) {
        self.words.push(word.to_string());
    }

    fn text(&mut self, s: &str) {
        self.arg(s.as_bytes());
    }
}

/// Whether `name` can follow a `$` in a shell word as one variable name.
fn shell_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The command, and a note when something cannot be said to mosquitto_pub.
pub fn command(m: &Publish, url: &str, profile: Option<&Profile>) -> (String, Option<String>) {
    let mut line = Line::default();
    line.plain("mosquitto_pub");
    let mut notes = Vec::new();
    match crate::mqtt::BrokerUrl::parse(url) {
        Ok(u) => {
            if u.scheme.is_websocket() {
                notes.push(
                    "mosquitto_pub has no WebSocket transport: the command connects over TCP"
                        .to_string(),
                );
            }
            line.plain("-h");
            line.text(&u.host);
            line.plain("-p");
            line.plain(&u.port.to_string());
            if u.scheme.is_tls() {
                match profile.and_then(|p| p.tls.ca_file.as_ref()) {
                    Some(ca) => {
                        line.plain("--cafile");
                        line.arg(ca.as_os_str().as_encoded_bytes());
                    }
                    None => {
                        line.plain("--capath");
                        line.plain("/etc/ssl/certs");
                    }
                }
                if profile.is_some_and(|p| p.tls.insecure) {
                    line.plain("--insecure");
                }
            }
        }
        Err(_) => notes.push("the broker URL could not be read".to_string()),
    }
    if let Some(p) = profile
        && let Some(u) = &p.username
    {
        line.plain("-u");
        line.text(u);
        match &p.password {
            PasswordSource::None => {}
            PasswordSource::Env(var) if shell_name(var) => {
                line.plain("-P");
                line.plain(&format!("\"${var}\""));
            }
            _ => {
                line.plain("-P");
                line.plain("\"$MQTT_PASSWORD\"");
            }
        }
    }
    // mosquitto_pub checks text as MQTT advises (no control characters), so a topic or a text
    // property carrying one cannot be sent by it: said, not hidden.
    let control = |t: &str| t.chars().any(|c| c.is_control() && c != '\0');
    let props_control = m.properties.as_deref().is_some_and(|p| {
        p.content_type
            .iter()
            .chain(&p.response_topic)
            .any(|t| control(t))
            || p.user_properties
                .iter()
                .any(|(k, v)| control(k) || control(v))
    });
    if control(&m.topic) || props_control {
        notes.push(
            "mosquitto_pub refuses control characters in a topic or a text property, so it \
             will not send this one"
                .into(),
        );
    }
    if m.topic.contains('\0') {
        notes.push("the topic holds a NUL character, which no shell argument can carry".into());
    }
    line.plain("-t");
    line.text(&m.topic.replace('\0', ""));
    line.plain("-q");
    line.plain(&m.qos.as_u8().to_string());
    if m.retain {
        line.plain("-r");
    }
    if let Some(p) = m.properties.as_deref().filter(|p| !p.is_empty()) {
        line.plain("-V");
        line.plain("5");
        let d = |line: &mut Line, name: &str| {
            line.plain("-D");
            line.plain("publish");
            line.plain(name);
        };
        if let Some(f) = p.payload_format_indicator {
            d(&mut line, "payload-format-indicator");
            line.plain(&f.to_string());
        }
        if let Some(e) = p.message_expiry_interval {
            d(&mut line, "message-expiry-interval");
            line.plain(&e.to_string());
        }
        if let Some(c) = &p.content_type {
            d(&mut line, "content-type");
            line.text(&c.replace('\0', ""));
        }
        if let Some(r) = &p.response_topic {
            d(&mut line, "response-topic");
            line.text(&r.replace('\0', ""));
        }
        if let Some(c) = &p.correlation_data {
            if c.contains(&0) {
                notes.push(
                    "the correlation data holds a NUL byte, which no shell argument can carry, \
                     so it is left out"
                        .into(),
                );
            } else {
                d(&mut line, "correlation-data");
                line.arg(c);
            }
        }
        let nul = p
            .content_type
            .iter()
            .chain(&p.response_topic)
            .any(|s| s.contains('\0'))
            || p.user_properties
                .iter()
                .any(|(k, v)| k.contains('\0') || v.contains('\0'));
        if nul {
            notes.push(
                "a property holds a NUL character, which no shell argument can carry: it is \
                 left out of that property"
                    .into(),
            );
        }
        for (k, v) in &p.user_properties {
            d(&mut line, "user-property");
            line.text(&k.replace('\0', ""));
            line.text(&v.replace('\0', ""));
        }
    }
    // Printable ASCII goes in -m; anything else through printf into -s (a payload can hold NUL
    // and end in line breaks, which no argument can carry).
    let pipe = if m.payload.is_empty() {
        line.plain("-n");
        None
    } else if printable_ascii(&m.payload) {
        line.plain("-m");
        line.text(&String::from_utf8_lossy(&m.payload));
        None
    } else {
        line.plain("-s");
        Some(format!("printf {} | ", printf_format(&m.payload)))
    };
    let mut cmd = String::new();
    for s in &line.setup {
        cmd.push_str(s);
        cmd.push_str("; ");
    }
    if let Some(p) = pipe {
        cmd.push_str(&p);
    }
    cmd.push_str(&line.words.join(" "));
    (cmd, (!notes.is_empty()).then(|| notes.join("; ")))
}

impl App {
    fn command_for(&mut self, m: &Publish) -> Vec<Effect> {
        let url = self
            .link
            .conn
            .as_ref()
            .map_or("mqtt://localhost:1883".to_string(), |c| c.url.clone());
        let profile = self
            .link
            .conn
            .as_ref()
            .and_then(|c| self.profiles.iter().find(|p| p.name == c.name));
        let (cmd, note) = command(m, &url, profile);
        let mut what = "mosquitto_pub command".to_string();
        if let Some(n) = note {
            what.push_str(&format!(" ({n})"));
        }
        self.popups
            .push(crate::app::Popup::Text(crate::app::popup::TextPopup {
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
        let shown = Publish {
            topic: self.link.store.tree.path(e.node),
            payload: self.link.store.payload_bytes(e),
            qos: e.qos(),
            retain: e.retain(),
            properties: self.link.store.properties(e).cloned().map(Box::new),
        };
        self.command_for(&shown)
    }

    /// `Ctrl+Y` in compose: the command that sends what compose holds.
    pub fn copy_compose_command(&mut self) -> Vec<Effect> {
        // The publish Ctrl+S would send: a hex or base64 field decoded, not its text.
        let encoding = self.compose.encoding;
        let publish = match self.compose.to_publish() {
            Ok(p) => p,
            Err(why) => {
                self.tell(Level::Error, format!("nothing copied: {why}"));
                return Vec::new();
            }
        };
        let topic = publish.topic.clone();
        let mut effects = self.command_for(&publish);
        // Templates are expanded when compose sends, each time anew: the command has them as
        // typed, and says so.
        let templated = encoding == crate::app::compose::Encoding::Text
            && (topic.contains("{{") || self.compose.payload_text().contains("{{"));
        if templated {
            const NOTE: &str =
                "templates are expanded when compose sends; this command has them as typed";
            if let Some(crate::app::Popup::Text(t)) = self.popups.last_mut() {
                t.note = Some(match t.note.take() {
                    Some(n) => format!("{n}; {NOTE}"),
                    None => NOTE.to_string(),
                });
            }
            if let Some(Effect::Copy { what, .. }) = effects.first_mut() {
                what.push_str(&format!(" ({NOTE})"));
            }
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{Properties, QoS};

    #[test]
    fn quotes_for_a_posix_shell() {
        assert_eq!(quote("a/b"), "a/b");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$HOME `x`"), "'$HOME `x`'");
        assert_eq!(printf_format(&[0, b'%', b'\'', 200]), r"'\000%%\047\310'");
        assert_eq!(printf_format(b"-a!b-"), r"'\055a\041b-'");
    }

    /// Whatever the fields hold, the command is printable ASCII: nothing a terminal or a
    /// shell's line editor acts on (Ctrl+U, CR, ESC[201~) survives into the clipboard.
    #[test]
    fn the_command_is_printable_ascii_whatever_the_fields_hold() {
        let hostile = "a\x15touch /tmp/pwned\r\x1b[201~b\n\u{202e}\u{85}!x\n";
        let props = Properties {
            content_type: Some(hostile.into()),
            response_topic: Some(hostile.into()),
            correlation_data: Some(bytes::Bytes::from(hostile.as_bytes().to_vec())),
            user_properties: vec![(hostile.into(), hostile.into())],
            ..Properties::default()
        };
        let mut rng = fastrand::Rng::with_seed(7);
        for round in 0..200 {
            let random: Vec<u8> = (0..rng.usize(0..40)).map(|_| rng.u8(..)).collect();
            let topic = if round == 0 {
                hostile.to_string()
            } else {
                String::from_utf8_lossy(&random).into_owned()
            };
            let (cmd, _) = command(
                &Publish {
                    topic,
                    payload: random.into(),
                    qos: QoS::AtLeastOnce,
                    retain: true,
                    properties: Some(Box::new(props.clone())),
                },
                "mqtt://127.0.0.1:1883",
                None,
            );
            assert!(printable_ascii(cmd.as_bytes()), "{cmd:?}");
            assert_eq!(cmd.matches("mosquitto_pub").count(), 1, "{cmd}");
        }
    }

    /// Ctrl+Y copies the bytes Ctrl+S sends: a hex field decoded (it once copied the hex digits
    /// as text), and a field that does not decode copies nothing and says why.
    #[test]
    fn compose_copies_the_bytes_it_would_send() {
        use crate::app::compose::{Encoding, Field};
        let mut app = App::new(Vec::new(), Default::default(), std::time::Instant::now());
        app.compose.set_topic("t/x");
        app.compose.paste(Field::Payload, "00 ff 0a 27 41");
        app.compose.encoding = Encoding::Hex;
        let effects = app.copy_compose_command();
        let Some(Effect::Copy { bytes, .. }) = effects.first() else {
            panic!("{effects:?}");
        };
        let cmd = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            cmd.starts_with(r"printf '\000\377\012\047A' | mosquitto_pub"),
            "{cmd}"
        );
        app.compose.clear_payload();
        app.compose.paste(Field::Payload, "zz");
        assert!(app.copy_compose_command().is_empty());
        assert!(app.notice_text().unwrap_or("").contains("not hex"));
    }
}
