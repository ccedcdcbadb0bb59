//! `L` under `--open FILE`: the recording's time. Space plays or pauses, → and ← step a
//! message, PgDn and PgUp 10 s, Home and End its start and end, + and - the speed. The popup
//! is a strip at the bottom: the panes above show the recording as it stood at that moment.

use crate::app::features::playback::TimeKey;
use crate::app::keymap::Action;

use super::{Intent, Outcome};

pub fn on_key(action: Option<Action>) -> Outcome {
    let key = match action {
        Some(Action::Close) => return Outcome::Close,
        Some(Action::TogglePause) => TimeKey::PlayPause,
        Some(Action::Newer) => TimeKey::Next,
        Some(Action::Older) => TimeKey::Previous,
        Some(Action::PageDown) => TimeKey::Forward,
        Some(Action::PageUp) => TimeKey::Back,
        Some(Action::Home) => TimeKey::Start,
        Some(Action::End) => TimeKey::End,
        Some(Action::QosRight) => TimeKey::Faster,
        Some(Action::QosLeft) => TimeKey::Slower,
        _ => return Outcome::Keep,
    };
    Outcome::KeepAnd(Intent::Time(key))
}
