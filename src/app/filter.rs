//! A filter for the tree or the log: an MQTT wildcard filter, or plain text (case-insensitive
//! topic substring).

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        !self.text.is_empty()
    }

    pub fn is_wildcard(&self) -> bool {
        crate::mqtt::topic::is_wildcard_filter(&self.text)
    }

    /// Does a full topic match?
    pub fn matches(&self, topic: &str) -> bool {
        if self.text.is_empty() {
            return true;
        }
        if self.is_wildcard() {
            crate::mqtt::topic::filter_matches(&self.text, topic)
        } else {
            contains_ignore_case(topic, &self.text)
        }
    }
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        hay.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        hay.to_lowercase().contains(&needle.to_lowercase())
    }
}
