//! `L`: the replay popup. Its fields (file, speed, prefix, loop) are checked as they are
//! typed; `Ctrl+S` starts the replay, and again stops it; the progress of the one under way
//! (or how the last one ended) shows below. Esc closes it; a replay goes on without it.

use std::path::PathBuf;

use crate::app::keymap::Action;
use crate::publish::replay_plan::Plan;

use super::{Intent, Outcome, field_key};

/// (label, hint)
pub const FIELDS: &[(&str, &str)] = &[
    (
        "file",
        "a recording: E, sub --record, sub --json or e wrote it",
    ),
    ("speed", "1 as recorded, 2 twice as fast, 0.5, or max"),
    ("prefix", "published under P/… (empty: the recorded topics)"),
    ("loop", "true starts again at the end, until stopped"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayPopup {
    pub values: Vec<String>,
    pub at: usize,
}

impl ReplayPopup {
    pub fn new() -> ReplayPopup {
        ReplayPopup {
            values: vec![String::new(), "1".into(), "replay".into(), "false".into()],
            at: 0,
        }
    }

    /// The replay the fields ask for, or what is wrong with them.
    pub fn plan(&self) -> Result<Plan, String> {
        let v: Vec<&str> = self.values.iter().map(|s| s.trim()).collect();
        if v[0].is_empty() {
            return Err("file: the recording to replay".into());
        }
        let speed = match v[1] {
            "max" => None,
            s => match s.parse::<f64>() {
                Ok(x) if x.is_finite() && (0.001..=1000.0).contains(&x) => Some(x),
                _ => return Err(format!("speed: '{s}': a number from 0.001 to 1000, or max")),
            },
        };
        let prefix = match v[2] {
            "" => None,
            p => {
                crate::mqtt::topic::validate_topic(p).map_err(|e| format!("prefix: {e}"))?;
                Some(p.to_string())
            }
        };
        let repeat = match v[3] {
            "true" => true,
            "false" | "" => false,
            other => return Err(format!("loop: '{other}': true or false")),
        };
        Ok(Plan {
            file: PathBuf::from(v[0]),
            speed,
            repeat,
            prefix,
            filters: Vec::new(),
            from: None,
            to: None,
            timeout: 10.0,
        })
    }

    pub fn on_key(
        &mut self,
        running: bool,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        match (action, typed) {
            (Some(Action::Close), _) => return Outcome::Close,
            (Some(Action::Publish), _) => {
                if running {
                    return Outcome::KeepAnd(Intent::Replay(None));
                }
                if let Ok(plan) = self.plan() {
                    return Outcome::KeepAnd(Intent::Replay(Some(Box::new(plan))));
                }
            }
            _ => field_key(&mut self.values, &mut self.at, action, typed),
        }
        Outcome::Keep
    }
}

impl Default for ReplayPopup {
    fn default() -> Self {
        ReplayPopup::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_make_a_plan_or_say_what_is_wrong() {
        let mut p = ReplayPopup::new();
        assert!(p.plan().unwrap_err().starts_with("file:"));
        p.values[0] = "rec.jsonl".into();
        let plan = p.plan().unwrap();
        assert_eq!(
            (plan.speed, plan.prefix.as_deref(), plan.repeat),
            (Some(1.0), Some("replay"), false)
        );
        p.values[1] = "max".into();
        p.values[2] = String::new();
        p.values[3] = "true".into();
        let plan = p.plan().unwrap();
        assert_eq!((plan.speed, plan.prefix, plan.repeat), (None, None, true));
        for (i, v, says) in [
            (1, "0", "speed"),
            (1, "fast", "speed"),
            (2, "a/+", "prefix"),
            (3, "yes", "loop"),
        ] {
            let mut q = ReplayPopup::new();
            q.values[0] = "f".into();
            q.values[i] = v.into();
            assert!(q.plan().unwrap_err().starts_with(says), "{v}");
        }
    }
}
