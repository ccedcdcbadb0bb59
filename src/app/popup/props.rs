//! `Ctrl+O` in compose: the MQTT 5 properties of the next publishes. Payload format, message
//! expiry, content type, response topic, correlation data (text, or `hex:0a1b` for bytes) and
//! user properties as `key=value` lines; each field checked as it is typed, the first problem
//! shown, nothing applied until the form is valid (Ctrl+S). They stay for the publishes after
//! it, and the compose pane shows them in one line under the topic.

use crate::app::keymap::Action;
use crate::mqtt::Properties;
use crate::publish::props_input as input;

use super::{Intent, Outcome, edit_line};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropField {
    PayloadFormat,
    Expiry,
    ContentType,
    ResponseTopic,
    Correlation,
    UserProperties,
}

pub const FIELDS: [PropField; 6] = [
    PropField::PayloadFormat,
    PropField::Expiry,
    PropField::ContentType,
    PropField::ResponseTopic,
    PropField::Correlation,
    PropField::UserProperties,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropsPopup {
    /// None (not sent), Some(1) UTF-8, Some(0) bytes.
    pub payload_format: Option<u8>,
    pub expiry: String,
    pub content_type: String,
    pub response_topic: String,
    pub correlation: String,
    /// `key=value`, one a line.
    pub user_properties: String,
    pub field: PropField,
}

impl PropsPopup {
    /// The form filled with what compose has now.
    pub fn of(p: Option<&Properties>) -> PropsPopup {
        let p = p.cloned().unwrap_or_default();
        PropsPopup {
            payload_format: p.payload_format_indicator,
            expiry: p
                .message_expiry_interval
                .map(|e| e.to_string())
                .unwrap_or_default(),
            content_type: p.content_type.unwrap_or_default(),
            response_topic: p.response_topic.unwrap_or_default(),
            correlation: p
                .correlation_data
                .map(|c| input::correlation_text(&c))
                .unwrap_or_default(),
            user_properties: p
                .user_properties
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("\n"),
            field: PropField::PayloadFormat,
        }
    }

    /// The properties the form describes (None when it is empty), or the first problem.
    pub fn properties(&self) -> Result<Option<Box<Properties>>, String> {
        let mut p = Properties {
            payload_format_indicator: self.payload_format,
            ..Properties::default()
        };
        if !self.expiry.is_empty() {
            p.message_expiry_interval = Some(
                self.expiry
                    .parse::<u32>()
                    .map_err(|_| "message expiry: whole seconds, 0 to 4294967295".to_string())?,
            );
        }
        if !self.content_type.is_empty() {
            p.content_type = Some(self.content_type.clone());
        }
        if !self.response_topic.is_empty() {
            crate::mqtt::topic::validate_topic(&self.response_topic)
                .map_err(|e| format!("response topic: {e}"))?;
            p.response_topic = Some(self.response_topic.clone());
        }
        if !self.correlation.is_empty() {
            p.correlation_data = Some(
                input::correlation(&self.correlation)
                    .map_err(|e| format!("correlation data: {e}"))?,
            );
        }
        for line in self
            .user_properties
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            p.user_properties
                .push(input::user_property(line).map_err(|e| format!("user properties: {e}"))?);
        }
        Ok((!p.is_empty()).then(|| Box::new(p)))
    }

    fn text(&mut self) -> Option<&mut String> {
        match self.field {
            PropField::PayloadFormat => None,
            PropField::Expiry => Some(&mut self.expiry),
            PropField::ContentType => Some(&mut self.content_type),
            PropField::ResponseTopic => Some(&mut self.response_topic),
            PropField::Correlation => Some(&mut self.correlation),
            PropField::UserProperties => Some(&mut self.user_properties),
        }
    }

    fn step(&mut self, forward: bool) {
        let at = FIELDS.iter().position(|f| *f == self.field).unwrap_or(0);
        let n = FIELDS.len();
        self.field = FIELDS[if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        }];
    }

    fn cycle_format(&mut self, forward: bool) {
        let order = [None, Some(1), Some(0)];
        let at = order
            .iter()
            .position(|f| *f == self.payload_format)
            .unwrap_or(0);
        self.payload_format = order[if forward { (at + 1) % 3 } else { (at + 2) % 3 }];
    }

    pub fn on_key(&mut self, action: Option<Action>, typed: Option<char>) -> Outcome {
        match (action, typed) {
            (Some(Action::Close), _) => return Outcome::Close,
            // An invalid form stays: its problem is shown under it, nothing is applied.
            (Some(Action::Publish), _) => {
                if let Ok(p) = self.properties() {
                    return Outcome::CloseAnd(Intent::SetProperties(p));
                }
            }
            (Some(Action::FocusNext), _) => self.step(true),
            (Some(Action::FocusPrev), _) => self.step(false),
            (Some(Action::Confirm), _) => {
                if self.field == PropField::UserProperties {
                    self.user_properties.push('\n');
                } else {
                    self.step(true);
                }
            }
            (Some(Action::QosLeft), _) if self.field == PropField::PayloadFormat => {
                self.cycle_format(false)
            }
            (Some(Action::QosRight), _) if self.field == PropField::PayloadFormat => {
                self.cycle_format(true)
            }
            (Some(Action::ClearInput), _) if self.field == PropField::PayloadFormat => {
                self.payload_format = None
            }
            (Some(Action::ClearPayload), _) => *self = PropsPopup::of(None),
            (None, Some(' ')) if self.field == PropField::PayloadFormat => self.cycle_format(true),
            _ => {
                let digits_only = self.field == PropField::Expiry;
                if let Some(t) = self.text() {
                    edit_line(t, action, typed, |c| !digits_only || c.is_ascii_digit());
                }
            }
        }
        Outcome::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_back_what_it_was_given_and_names_problems() {
        let p = Properties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(60),
            content_type: Some("application/json".into()),
            response_topic: Some("r/1".into()),
            correlation_data: Some(bytes::Bytes::from_static(&[0, 1])),
            user_properties: vec![("a".into(), "1".into()), ("b".into(), "x=y".into())],
            ..Properties::default()
        };
        let form = PropsPopup::of(Some(&p));
        assert_eq!(form.correlation, "hex:0001");
        assert_eq!(form.properties().unwrap().as_deref(), Some(&p));
        let mut bad = form.clone();
        bad.response_topic = "r/#".into();
        assert!(bad.properties().unwrap_err().starts_with("response topic:"));
        let mut bad = form;
        bad.user_properties = "novalue".into();
        assert!(bad.properties().unwrap_err().contains("key=value"));
        assert_eq!(PropsPopup::of(None).properties(), Ok(None));
    }
}
