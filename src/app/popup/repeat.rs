//! `Ctrl+R` in compose: how many times and how often to send the message.

use std::time::Duration;

use crate::app::App;
use crate::app::keymap::Action;

use super::Outcome;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatPopup {
    pub times: String,
    pub every: String,
    /// Editing the interval (else the count).
    pub on_every: bool,
}

impl Default for RepeatPopup {
    fn default() -> Self {
        RepeatPopup {
            times: "10".into(),
            every: "1".into(),
            on_every: false,
        }
    }
}

impl RepeatPopup {
    /// The count and the interval, or what is wrong.
    pub fn parsed(&self) -> Result<(u64, Duration), String> {
        let times: u64 = self
            .times
            .parse()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or("times: 1 to 1000000")?;
        let every: f64 = self
            .every
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && (0.01..=86_400.0).contains(s))
            .ok_or("every: 0.01 to 86400 seconds")?;
        Ok((times, Duration::from_secs_f64(every)))
    }

    pub fn on_key(
        &mut self,
        app: &mut App,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        let field = if self.on_every {
            &mut self.every
        } else {
            &mut self.times
        };
        match (action, typed) {
            (Some(Action::Close), _) => return Outcome::Close,
            (Some(Action::FocusNext | Action::FocusPrev), _) => self.on_every = !self.on_every,
            (Some(Action::DeleteBack), _) => {
                field.pop();
            }
            (Some(Action::Confirm), _) => {
                if let Ok((times, every)) = self.parsed() {
                    return Outcome::CloseWith(app.start_repeat(times, every));
                }
            }
            (None, Some(c)) if c.is_ascii_digit() || (c == '.' && self.on_every) => field.push(c),
            _ => {}
        }
        Outcome::Keep
    }
}
