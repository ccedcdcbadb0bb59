//! What the user is told: one current notice with a level and an end, and the last ones kept
//! with their times (`N` lists them). Information goes after `INFO_FOR` or at the next notice;
//! warnings and errors stay until the next key, so nothing that went wrong passes unseen. The
//! UI draws the current one above the status bar, wrapped, never cut; the bar's own segments
//! never give way to it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How long information stays.
pub const INFO_FOR: Duration = Duration::from_secs(5);
/// Notices kept for the list.
pub const KEPT: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
    pub at: Instant,
}

#[derive(Debug, Default)]
pub struct Notices {
    current: Option<Notice>,
    recent: VecDeque<Notice>,
}

impl Notices {
    pub fn tell(&mut self, level: Level, text: String, now: Instant) {
        let n = Notice {
            level,
            text,
            at: now,
        };
        if self.recent.len() >= KEPT {
            self.recent.pop_front();
        }
        self.recent.push_back(n.clone());
        self.current = Some(n);
    }

    /// The notice shown now, if any.
    pub fn current(&self) -> Option<&Notice> {
        self.current.as_ref()
    }

    /// Time passes: information past `INFO_FOR` goes.
    pub fn tick(&mut self, now: Instant) {
        if self.current.as_ref().is_some_and(|n| {
            n.level == Level::Info && now.saturating_duration_since(n.at) >= INFO_FOR
        }) {
            self.current = None;
        }
    }

    /// When the notice shown goes by itself (information only; the others wait for a key).
    pub fn ends_at(&self) -> Option<Instant> {
        self.current
            .as_ref()
            .filter(|n| n.level == Level::Info)
            .map(|n| n.at + INFO_FOR)
    }

    /// A key was pressed: a warning or an error shown has been seen, and goes.
    pub fn key_pressed(&mut self) {
        if self.current.as_ref().is_some_and(|n| n.level > Level::Info) {
            self.current = None;
        }
    }

    pub fn clear(&mut self) {
        self.current = None;
    }

    /// The kept notices, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &Notice> {
        self.recent.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn information_goes_after_a_while_warnings_at_the_next_key() {
        let t = Instant::now();
        let mut n = Notices::default();
        n.tell(Level::Info, "saved".into(), t);
        n.key_pressed();
        assert!(n.current().is_some(), "a key does not end information");
        n.tick(t + INFO_FOR);
        assert!(n.current().is_none());
        n.tell(Level::Error, "not saved".into(), t);
        n.tick(t + Duration::from_secs(3600));
        assert_eq!(n.current().map(|c| c.text.as_str()), Some("not saved"));
        n.key_pressed();
        assert!(n.current().is_none());
        assert_eq!(n.recent().count(), 2);
        for i in 0..KEPT + 5 {
            n.tell(Level::Info, format!("{i}"), t);
        }
        assert_eq!(n.recent().count(), KEPT);
    }
}
