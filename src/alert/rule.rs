//! What an alert rule is: the topics it watches (an MQTT filter), the value it reads from each
//! message (the whole payload, or a JSON path), the condition that makes it fire, how it calms
//! down (hysteresis, cooldown), and what it does when it fires. Built by the profile file's
//! loader (`config/alerts.rs`), which is the only place that checks one.

use std::time::Duration;

use crate::decode::decimal::Decimal;

/// A threshold as written (`30`, `-0.5`, `1e3`), compared exactly as a decimal.
#[derive(Debug, Clone)]
pub struct Threshold {
    pub text: String,
    pub value: Decimal,
}

impl Threshold {
    pub fn parse(text: &str) -> Option<Threshold> {
        Some(Threshold {
            text: text.trim().to_string(),
            value: Decimal::parse(text)?,
        })
    }
}

#[derive(Debug, Clone)]
pub enum Condition {
    /// The value goes above the threshold; it is armed again once at or below
    /// `threshold - hysteresis`.
    Above(Threshold),
    /// The value goes below the threshold; armed again at or above `threshold + hysteresis`.
    Below(Threshold),
    /// The value (as text) becomes equal to this.
    Equals(String),
    /// The value differs from the topic's previous value.
    Changed,
    /// The value (as text) comes to match this regex.
    Matches(regex::Regex),
    /// A topic the rule matched has had no message for this long.
    Silent(Duration),
}

impl Condition {
    /// How the condition reads in lists: "> 30", "changed", "silent 60 s".
    pub fn words(&self) -> String {
        match self {
            Condition::Above(t) => format!("> {}", t.text),
            Condition::Below(t) => format!("< {}", t.text),
            Condition::Equals(s) => format!("= {s}"),
            Condition::Changed => "changed".into(),
            Condition::Matches(re) => format!("~ {}", re.as_str()),
            Condition::Silent(d) => {
                format!("silent {}", crate::text::span_ms(d.as_secs_f64() * 1000.0))
            }
        }
    }
}

/// Where a message's value is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueOf {
    /// The whole payload as text (a number when it reads as one).
    Payload,
    /// A dotted path of keys into a JSON payload (`env.temp`, `list.0`).
    Json(String),
}

/// A publish made when the rule fires; `{{rule}}`, `{{topic}}` and `{{value}}` are filled in,
/// then compose's templates (`{{now}}`, `{{uuid}}`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishAction {
    pub topic: String,
    pub payload: String,
    pub qos: u8,
    pub retain: bool,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub filter: String,
    pub value: ValueOf,
    pub when: Condition,
    /// How far back past the threshold a value must go before the rule can fire again (only
    /// `above` and `below`); as written.
    pub hysteresis: Option<String>,
    /// After firing for a topic, further firings for it within this time are counted, not
    /// shown or acted on; the next one shown says how many were held back.
    pub cooldown: Duration,
    /// Ring the terminal's bell.
    pub bell: bool,
    pub publish: Option<PublishAction>,
    /// Run without a shell, within its time limit and output cap; the message's payload on
    /// stdin, the rule, topic and value in `MQSCOPE_RULE`, `MQSCOPE_TOPIC`, `MQSCOPE_VALUE`.
    pub command: Option<crate::decode::Command>,
}

impl Rule {
    /// One line that says what the rule watches: "hot: sensors/+/temp env.temp > 30".
    pub fn summary(&self) -> String {
        let value = match &self.value {
            ValueOf::Payload => String::new(),
            ValueOf::Json(p) => format!(" {p}"),
        };
        let value = if matches!(self.when, Condition::Silent(_)) {
            String::new()
        } else {
            value
        };
        format!(
            "{}: {}{} {}",
            self.name,
            self.filter,
            value,
            self.when.words()
        )
    }

    /// The level a value must come back to before an `above`/`below` rule fires again.
    pub(super) fn rearm(&self) -> Option<Decimal> {
        let h: f64 = self.hysteresis.as_deref()?.trim().parse().ok()?;
        let (t, sign) = match &self.when {
            Condition::Above(t) => (t, -1.0),
            Condition::Below(t) => (t, 1.0),
            _ => return None,
        };
        let base: f64 = t.text.parse().ok()?;
        Decimal::parse(&format!("{}", base + sign * h))
    }
}
