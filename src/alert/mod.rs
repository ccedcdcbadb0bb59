//! Alerts: rules per topic filter that watch a value (or a topic's silence) and fire on the
//! edge, with hysteresis and a cooldown. Pure: the explorer (`app/features/alerts.rs`) and
//! `sub --alerts` feed it messages and the clock, and act on what it says; the profile file's
//! loader (`config/alerts.rs`) builds its rules.

pub mod action;
pub mod cond;
pub mod engine;
pub mod rule;
pub mod value;

pub use engine::{Engine, Event, Fired};
pub use rule::{Condition, PublishAction, Rule, Threshold, ValueOf};

/// A firing as one line of text for a terminal or a log: its wall time (RFC 3339, UTC), the
/// rule, the topic, why, and how many were held back. Every part from the wire is escaped.
pub fn line(rule: &str, fired: &Fired) -> String {
    let at: chrono::DateTime<chrono::Utc> = fired.wall.into();
    let held = if fired.held > 0 {
        format!(" (+{} held back by the cooldown)", fired.held)
    } else {
        String::new()
    };
    format!(
        "{} ALERT {} {} {}{held}",
        at.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
        crate::text::clean(rule),
        crate::text::clean(&fired.topic),
        crate::text::clean(&fired.what),
    )
}
