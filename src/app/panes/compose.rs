//! The compose pane: a form of labelled fields (topic, payload, QoS, retain) with an inner focus,
//! and the publish it turns into.

use bytes::Bytes;
use crossterm::event::{KeyCode, KeyEvent};

use crate::app::form::TextField;
use crate::mqtt::{Properties, QoS};
use crate::publish::Publish;

/// The compose form's fields, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Topic,
    Payload,
    Qos,
    Retain,
}

impl Field {
    pub const ORDER: [Field; 4] = [Field::Topic, Field::Payload, Field::Qos, Field::Retain];

    pub fn is_text(self) -> bool {
        matches!(self, Field::Topic | Field::Payload)
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Topic => "Topic",
            Field::Payload => "Payload",
            Field::Qos => "QoS",
            Field::Retain => "Retain",
        }
    }
}

pub use crate::publish::Draft;

#[derive(Debug)]
pub struct Compose {
    pub topic: TextField,
    pub payload: TextField,
    pub qos: QoS,
    pub retain: bool,
    /// MQTT 5 properties for the next publish (set by the properties form).
    pub properties: Option<Box<Properties>>,
    /// The last outcome or validation problem, and whether it is an error.
    pub status: Option<(String, bool)>,
    /// What is wrong with a payload that looks like JSON but is not: a hint shown under the
    /// payload, never a block (some payloads only look like JSON).
    pub payload_hint: Option<String>,
    /// `status` is the outcome of the last publish: cleared once the fields change, so it
    /// never describes a message that is no longer the one in the form.
    outcome_shown: bool,
    /// How the payload field's text becomes bytes (`Ctrl+T` cycles).
    pub encoding: Encoding,
}

/// What the payload field holds: the text itself, hex digits, or base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Text,
    Hex,
    Base64,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Text => "text",
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
        }
    }

    pub fn next(self) -> Encoding {
        match self {
            Encoding::Text => Encoding::Hex,
            Encoding::Hex => Encoding::Base64,
            Encoding::Base64 => Encoding::Text,
        }
    }

    /// The bytes `text` stands for, or what is wrong with it.
    pub fn bytes(self, text: &str) -> Result<Vec<u8>, String> {
        use base64::Engine;
        match self {
            Encoding::Text => Ok(text.as_bytes().to_vec()),
            Encoding::Hex => crate::publish::props_input::hex(text),
            Encoding::Base64 => {
                let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map_err(|e| format!("base64: {e}"))
            }
        }
    }
}

impl Default for Compose {
    fn default() -> Self {
        Compose::new()
    }
}

impl Compose {
    pub fn new() -> Compose {
        Compose {
            topic: TextField::new("topic, e.g. sensors/b1/cmd", false),
            payload: TextField::new("payload (multi-line); Ctrl+S publishes", true),
            qos: QoS::AtMostOnce,
            retain: false,
            properties: None,
            status: None,
            payload_hint: None,
            outcome_shown: false,
            encoding: Encoding::Text,
        }
    }

    /// Empties the payload (Ctrl+L).
    pub fn clear_payload(&mut self) {
        self.payload.clear();
        self.payload_changed();
    }

    /// Checked as typed: cheap for what people type by hand, and a payload of megabytes is
    /// not checked at all.
    fn payload_changed(&mut self) {
        self.changed();
        let text = self.payload_text();
        let t = text.trim_start();
        self.payload_hint =
            if (t.starts_with('{') || t.starts_with('[')) && text.len() <= 256 * 1024 {
                serde_json::from_str::<serde::de::IgnoredAny>(&text)
                    .err()
                    .map(|e| format!("not valid JSON yet: {e}"))
            } else {
                None
            };
    }

    /// The outcome of the last publish, with the time it happened.
    pub fn set_outcome(&mut self, text: String, failed: bool, at: std::time::SystemTime) {
        self.status = Some((format!("{} {text}", crate::text::clock(at)), failed));
        self.outcome_shown = true;
    }

    /// The form changed: an outcome shown for the previous message goes.
    fn changed(&mut self) {
        if self.outcome_shown {
            self.status = None;
            self.outcome_shown = false;
        }
    }

    pub fn topic_text(&self) -> String {
        self.topic.text()
    }

    pub fn payload_text(&self) -> String {
        self.payload.text()
    }

    pub fn set_topic(&mut self, topic: &str) {
        self.topic.set(topic);
        self.topic_changed();
    }

    /// The topic changed: checked as typed; the status now says what is wrong with it (or
    /// nothing), not the previous message's outcome.
    fn topic_changed(&mut self) {
        self.outcome_shown = false;
        self.status = self.topic_problem().map(|p| (p, true));
    }

    /// The reason the topic cannot be published to, if any.
    pub fn topic_problem(&self) -> Option<String> {
        crate::mqtt::topic::validate_topic(&self.topic_text())
            .err()
            .map(|e| e.to_string())
    }

    /// A key typed into a text field. Returns the field to move to, if the key moves on.
    pub fn type_key(&mut self, field: Field, key: KeyEvent) -> Option<Field> {
        match field {
            // One line: Enter moves on to the payload instead of breaking the line.
            Field::Topic if key.code == KeyCode::Enter => return Some(Field::Payload),
            Field::Topic => {
                self.topic.input(key);
                self.topic_changed();
            }
            Field::Payload => {
                self.payload.input(key);
                self.payload_changed();
            }
            Field::Qos | Field::Retain => {}
        }
        None
    }

    pub fn paste(&mut self, field: Field, text: &str) {
        match field {
            Field::Topic => {
                self.topic.paste(text);
                self.topic_changed();
            }
            Field::Payload => {
                self.payload.paste(text);
                self.payload_changed();
            }
            Field::Qos | Field::Retain => {}
        }
    }

    pub fn set_qos(&mut self, n: u8) {
        let qos = QoS::from_u8(n.min(2)).unwrap_or_default();
        if qos != self.qos {
            self.changed();
        }
        self.qos = qos;
    }

    pub fn toggle_retain(&mut self) {
        self.retain = !self.retain;
        self.changed();
    }

    pub fn qos_step(&mut self, up: bool) {
        let q = self.qos.as_u8();
        self.set_qos(if up { q + 1 } else { q.saturating_sub(1) });
    }

    /// The properties of the next publishes (from the Ctrl+O form).
    pub fn set_properties(&mut self, p: Option<Box<Properties>>) {
        self.properties = p;
        self.changed();
    }

    /// The publish the form describes, or why it cannot be sent (the status says so too).
    pub fn draft(&mut self, connected: bool) -> Option<Draft> {
        if let Some(problem) = self.topic_problem() {
            self.status = Some((format!("not sent: {problem}"), true));
            return None;
        }
        if !connected {
            self.status = Some(("not sent: not connected to a broker".into(), true));
            return None;
        }
        let publish = match self.to_publish() {
            Ok(p) => p,
            Err(why) => {
                self.status = Some((format!("not sent: {why}"), true));
                return None;
            }
        };
        self.status = Some(("sending…".into(), false));
        self.outcome_shown = false;
        Some(Draft {
            publish,
            // Templates are text: hex and base64 payloads go as they are.
            templated: self.encoding == Encoding::Text,
            compose: true,
        })
    }

    /// Sets the payload to `bytes`: text stays text; anything else becomes base64 in the field,
    /// sent as the bytes it stands for. Returns the encoding chosen.
    pub fn set_payload_bytes(&mut self, bytes: &[u8]) -> Encoding {
        use base64::Engine;
        let encoding = match std::str::from_utf8(bytes) {
            Ok(text) => {
                self.payload.set(text);
                Encoding::Text
            }
            Err(_) => {
                let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
                self.payload.set(&b64);
                Encoding::Base64
            }
        };
        self.encoding = encoding;
        encoding
    }

    /// The publish the form holds, as Ctrl+S sends it (a hex or base64 field decoded to the
    /// bytes it stands for); Ctrl+Y copies the command for exactly this.
    pub fn to_publish(&self) -> Result<Publish, String> {
        let payload = self
            .encoding
            .bytes(&self.payload_text())
            .map_err(|why| format!("the payload is not {}: {why}", self.encoding.name()))?;
        Ok(Publish {
            topic: self.topic_text(),
            payload: Bytes::from(payload),
            qos: self.qos,
            retain: self.retain,
            properties: self.properties.clone(),
        })
    }
}
