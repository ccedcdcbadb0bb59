//! `T`: the connection's control packets, newest last (CONNECT, CONNACK, SUBSCRIBE/SUBACK, our
//! PUBLISHes and their acks with round trips, PINGREQ/PINGRESP, DISCONNECT, losses). Typing
//! filters them by packet id, topic or kind; the arrows scroll back from the newest.

use std::collections::VecDeque;

use crate::app::keymap::Action;
use crate::mqtt::trace::Packet;

use super::{Outcome, edit_line};

/// Rows of packets the popup shows on a terminal `height` rows high (the app pages by it, the
/// UI draws it).
pub fn rows(height: u16) -> usize {
    height.saturating_sub(6).max(3) as usize
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TracePopup {
    pub filter: String,
    /// Rows scrolled back from the newest (0: the newest is on the last row).
    pub back: usize,
}

impl TracePopup {
    /// A key; `page`: rows the popup shows.
    pub fn on_key(
        &mut self,
        packets: &VecDeque<Packet>,
        page: usize,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        let shown = packets.iter().filter(|p| self.shows(p)).count();
        let most = shown.saturating_sub(page);
        match action {
            Some(Action::Close) => return Outcome::Close,
            Some(Action::Up) => self.back += 1,
            Some(Action::Down) => self.back = self.back.saturating_sub(1),
            Some(Action::PageUp) => self.back += page.max(1),
            Some(Action::PageDown) => self.back = self.back.saturating_sub(page.max(1)),
            Some(Action::Home) => self.back = most,
            Some(Action::End) => self.back = 0,
            _ if edit_line(&mut self.filter, action, typed, |c| !c.is_control()) => self.back = 0,
            _ => {}
        }
        self.back = self.back.min(most);
        Outcome::Keep
    }

    /// Whether the filter keeps `p`: a number is a packet id; other text is found in the
    /// topic or the packet's kind, ignoring case.
    pub fn shows(&self, p: &Packet) -> bool {
        let f = self.filter.trim();
        if f.is_empty() {
            return true;
        }
        if let Ok(id) = f.parse::<u16>() {
            return p.pkid == Some(id);
        }
        let f = f.to_lowercase();
        p.kind.to_lowercase().contains(&f)
            || p.topic
                .as_ref()
                .is_some_and(|t| t.to_lowercase().contains(&f))
    }
}
