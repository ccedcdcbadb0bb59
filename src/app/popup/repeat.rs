//! `Ctrl+R` in compose: how many times and how often to send the message.

use std::time::Duration;

use crate::app::keymap::Action;

use super::{Intent, Outcome, edit_line};

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

    pub fn on_key(&mut self, action: Option<Action>, typed: Option<char>) -> Outcome {
        let on_every = self.on_every;
        let field = if on_every {
            &mut self.every
        } else {
            &mut self.times
        };
        match action {
            Some(Action::Close) => return Outcome::Close,
            Some(Action::FocusNext | Action::FocusPrev) => self.on_every = !self.on_every,
            Some(Action::Confirm) => {
                // An invalid count or interval stays: its problem is shown under it.
                if let Ok((times, every)) = self.parsed() {
                    return Outcome::CloseAnd(Intent::Repeat { times, every });
                }
            }
            _ => {
                edit_line(field, action, typed, |c| {
                    c.is_ascii_digit() || (c == '.' && on_every)
                });
            }
        }
        Outcome::Keep
    }
}
