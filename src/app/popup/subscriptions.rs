//! `S`: the subscriptions manager. The list with each one's state; `a` adds and Enter edits in
//! a small form (the filter validated as it is typed, QoS, and MQTT 5's options), Delete or x
//! removes (UNSUBSCRIBE), Space turns one off and on, `s` saves the list to the profile.

use crate::app::SubState;
use crate::app::keymap::Action;
use crate::mqtt::{QoS, Subscription};

use super::{Intent, Outcome};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsPopup {
    pub selected: usize,
    /// The add / edit form, while open.
    pub form: Option<SubForm>,
}

/// The fields of the form, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubField {
    Filter,
    Qos,
    NoLocal,
    RetainAsPublished,
    RetainHandling,
    Id,
}

const FIELDS: [SubField; 6] = [
    SubField::Filter,
    SubField::Qos,
    SubField::NoLocal,
    SubField::RetainAsPublished,
    SubField::RetainHandling,
    SubField::Id,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubForm {
    /// The subscription edited (its index), or None for a new one.
    pub editing: Option<usize>,
    pub filter: String,
    pub qos: u8,
    pub no_local: bool,
    pub retain_as_published: bool,
    pub retain_handling: u8,
    /// Digits, or empty for none.
    pub id: String,
    pub field: SubField,
}

impl SubForm {
    fn new() -> SubForm {
        SubForm {
            editing: None,
            filter: String::new(),
            qos: 0,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
            id: String::new(),
            field: SubField::Filter,
        }
    }

    fn of(i: usize, s: &Subscription) -> SubForm {
        SubForm {
            editing: Some(i),
            filter: s.filter.clone(),
            qos: s.qos.as_u8(),
            no_local: s.no_local,
            retain_as_published: s.retain_as_published,
            retain_handling: s.retain_handling,
            id: s.id.map(|n| n.to_string()).unwrap_or_default(),
            field: SubField::Filter,
        }
    }

    /// What is wrong with the form as it stands, in words (shown as it is typed).
    pub fn problem(&self) -> Option<String> {
        if let Err(e) = crate::mqtt::topic::validate_filter(&self.filter) {
            return Some(format!("filter: {e}"));
        }
        if !self.id.is_empty() {
            match self.id.parse::<u32>() {
                Ok(n) if (1..=Subscription::MAX_ID).contains(&n) => {}
                _ => {
                    return Some(format!(
                        "subscription id: 1 to {}, or empty for none",
                        Subscription::MAX_ID
                    ));
                }
            }
        }
        None
    }

    /// The subscription the form describes, when it is valid.
    pub fn subscription(&self) -> Option<Subscription> {
        if self.problem().is_some() {
            return None;
        }
        Some(Subscription {
            no_local: self.no_local,
            retain_as_published: self.retain_as_published,
            retain_handling: self.retain_handling,
            id: self.id.parse().ok(),
            ..Subscription::new(
                self.filter.clone(),
                QoS::from_u8(self.qos).unwrap_or_default(),
            )
        })
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

    /// A typed character, for the field that has the focus.
    fn typed(&mut self, c: char) {
        match self.field {
            SubField::Filter => self.filter.push(c),
            SubField::Id if c.is_ascii_digit() && self.id.len() < 9 => self.id.push(c),
            SubField::Qos if ('0'..='2').contains(&c) => self.qos = c as u8 - b'0',
            SubField::RetainHandling if ('0'..='2').contains(&c) => {
                self.retain_handling = c as u8 - b'0'
            }
            SubField::NoLocal if c == ' ' => self.no_local = !self.no_local,
            SubField::RetainAsPublished if c == ' ' => {
                self.retain_as_published = !self.retain_as_published
            }
            _ => {}
        }
    }

    /// ← → on a choice.
    fn shift(&mut self, up: bool) {
        let turn = |v: &mut u8| {
            *v = if up {
                (*v + 1).min(2)
            } else {
                v.saturating_sub(1)
            }
        };
        match self.field {
            SubField::Qos => turn(&mut self.qos),
            SubField::RetainHandling => turn(&mut self.retain_handling),
            SubField::NoLocal => self.no_local = up,
            SubField::RetainAsPublished => self.retain_as_published = up,
            _ => {}
        }
    }

    fn delete_back(&mut self) {
        match self.field {
            SubField::Filter => {
                self.filter.pop();
            }
            SubField::Id => {
                self.id.pop();
            }
            _ => {}
        }
    }
}

impl SubsPopup {
    pub fn new() -> SubsPopup {
        SubsPopup {
            selected: 0,
            form: None,
        }
    }

    /// A key, with this connection's subscriptions lent to read.
    pub fn on_key(
        &mut self,
        subs: &[SubState],
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        if let Some(form) = self.form.as_mut() {
            let (outcome, done) = Self::form_key(form, action, typed);
            if done {
                self.form = None;
            }
            return outcome;
        }
        let last = subs.len().saturating_sub(1);
        let intent = match action {
            Some(Action::Up) => {
                self.selected = self.selected.saturating_sub(1);
                None
            }
            Some(Action::Down) => {
                self.selected = (self.selected + 1).min(last);
                None
            }
            Some(Action::Home) => {
                self.selected = 0;
                None
            }
            Some(Action::End) => {
                self.selected = last;
                None
            }
            Some(Action::SubAdd) => {
                self.form = Some(SubForm::new());
                None
            }
            Some(Action::Confirm) => {
                if let Some(s) = subs.get(self.selected) {
                    self.form = Some(SubForm::of(self.selected, &s.sub));
                }
                None
            }
            Some(Action::SubRemove) => Some(Intent::RemoveSubscription(self.selected)),
            Some(Action::SubToggle) => Some(Intent::ToggleSubscription(self.selected)),
            Some(Action::SubSave) => Some(Intent::SaveSubscriptions),
            Some(Action::Close) => return Outcome::Close,
            _ => None,
        };
        // (A removal shortens the list when the broker answers: the dispatcher keeps the
        // selection within it.)
        match intent {
            Some(i) => Outcome::KeepAnd(i),
            None => Outcome::Keep,
        }
    }

    /// A key in the form, and whether the form is done (sent, or left with Esc).
    fn form_key(
        form: &mut SubForm,
        action: Option<Action>,
        typed: Option<char>,
    ) -> (Outcome, bool) {
        match (action, typed) {
            (Some(Action::Close), _) => return (Outcome::Keep, true),
            (Some(Action::FocusNext), _) => form.step(true),
            (Some(Action::FocusPrev), _) => form.step(false),
            (Some(Action::QosLeft), _) => form.shift(false),
            (Some(Action::QosRight), _) => form.shift(true),
            (Some(Action::DeleteBack), _) => form.delete_back(),
            (Some(Action::Confirm), _) => {
                // An invalid form stays open; its problem is shown under it.
                let Some(sub) = form.subscription() else {
                    return (Outcome::Keep, false);
                };
                let intent = match form.editing {
                    Some(i) => Intent::EditSubscription(i, sub),
                    None => Intent::Subscribe(sub),
                };
                return (Outcome::KeepAnd(intent), true);
            }
            (None, Some(c)) => form.typed(c),
            _ => {}
        }
        (Outcome::Keep, false)
    }
}

impl Default for SubsPopup {
    fn default() -> Self {
        SubsPopup::new()
    }
}
