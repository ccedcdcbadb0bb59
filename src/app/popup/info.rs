//! `i`: the connection as the broker answered it: the URL and protocol, why another protocol
//! was spoken, and every field of the CONNACK. Any key closes it.

use super::Outcome;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InfoPopup;

impl InfoPopup {
    pub fn on_key(&mut self) -> Outcome {
        Outcome::Close
    }
}
