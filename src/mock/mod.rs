//! Devices that answer (`mqscope mock RULES.toml`): rules that publish a templated answer when
//! a message matches, after an optional delay, within a rate limit, never answering their own
//! publishes. Pure: the caller gives the clock and publishes what comes due.
//!
//! The loop guard: every answer is remembered (its topic and payload) for `GUARD_FOR`, and on
//! MQTT 5 carries the user property `mqscope-mock`; a message that is one of them is not a
//! request, so no rule answers it (a rule that answers on its own filter would otherwise
//! answer itself forever, and two rules each other).

pub mod file;
pub mod rule;

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use crate::mqtt::{Message, Properties, Publish};
pub use rule::{Answer, Rule};

/// How long an answer is remembered by the loop guard.
pub const GUARD_FOR: Duration = Duration::from_secs(30);
/// Answers remembered at most (the oldest go first).
const GUARD_MAX: usize = 4096;
/// The user property that marks an answer (MQTT 5).
pub const MARK: &str = "mqscope-mock";

/// What happened to each rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub hits: u64,
    pub answered: u64,
    /// Not answered: over the rule's rate.
    pub limited: u64,
    /// Not answered: the answer could not be made (its words are told once).
    pub failed: u64,
}

/// An answer to send at `due`.
#[derive(Debug, Clone)]
pub struct Due {
    pub rule: usize,
    pub due: Instant,
    pub publish: Publish,
}

/// What a message led to.
#[derive(Debug, Clone)]
pub enum Outcome {
    Answer(Due),
    Limited { rule: usize },
    Failed { rule: usize, why: String },
}

#[derive(Debug)]
pub struct Mock {
    pub rules: Vec<Rule>,
    pub counts: Vec<Counts>,
    /// Rules turned off (the explorer's popup).
    pub off: Vec<bool>,
    /// Messages not taken as requests: our own answers.
    pub guarded: u64,
    recent: VecDeque<(Instant, u64)>,
    /// Per rule: the times of its answers in the last second.
    rate: Vec<VecDeque<Instant>>,
    seq: u64,
}

/// The answers of `pending` due by `now`, taken out in order; nothing is moved while none is
/// (the callers ask at every wake-up).
pub fn take_due<T>(pending: &mut Vec<T>, now: Instant, due: impl Fn(&T) -> Instant) -> Vec<T> {
    if !pending.iter().any(|p| due(p) <= now) {
        return Vec::new();
    }
    let (ready, later) = std::mem::take(pending)
        .into_iter()
        .partition(|p| due(p) <= now);
    *pending = later;
    ready
}

fn fingerprint(topic: &str, payload: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    topic.hash(&mut h);
    payload.hash(&mut h);
    h.finish()
}

impl Mock {
    pub fn new(rules: Vec<Rule>) -> Mock {
        let n = rules.len();
        Mock {
            rules,
            counts: vec![Counts::default(); n],
            off: vec![false; n],
            guarded: 0,
            recent: VecDeque::new(),
            rate: vec![VecDeque::new(); n],
            seq: 0,
        }
    }

    /// A message received at `now`: what each rule it asks does.
    pub fn on_message(&mut self, m: &Message, now: Instant, wall: SystemTime) -> Vec<Outcome> {
        while self
            .recent
            .front()
            .is_some_and(|(t, _)| now.saturating_duration_since(*t) > GUARD_FOR)
        {
            self.recent.pop_front();
        }
        let marked = m
            .properties
            .as_ref()
            .is_some_and(|p| p.user_properties.iter().any(|(k, _)| k == MARK));
        let print = fingerprint(&m.topic, &m.payload);
        if let Some(i) = self.recent.iter().position(|(_, f)| *f == print) {
            self.recent.remove(i);
            self.guarded += 1;
            return Vec::new();
        }
        if marked {
            self.guarded += 1;
            return Vec::new();
        }
        let mut out = Vec::new();
        for i in 0..self.rules.len() {
            if self.off[i] || !self.rules[i].matches(m) {
                continue;
            }
            self.counts[i].hits += 1;
            if let Some(max) = self.rules[i].max_per_s {
                let times = &mut self.rate[i];
                while times
                    .front()
                    .is_some_and(|t| now.saturating_duration_since(*t) >= Duration::from_secs(1))
                {
                    times.pop_front();
                }
                if times.len() as f64 >= max {
                    self.counts[i].limited += 1;
                    out.push(Outcome::Limited { rule: i });
                    continue;
                }
                times.push_back(now);
            }
            self.seq += 1;
            match self.rules[i].answer(m, self.seq, wall) {
                Ok(mut publish) => {
                    let props = publish
                        .properties
                        .get_or_insert_with(|| Box::new(Properties::default()));
                    props
                        .user_properties
                        .push((MARK.into(), self.rules[i].name.clone()));
                    out.push(Outcome::Answer(Due {
                        rule: i,
                        due: now + self.rules[i].delay,
                        publish,
                    }));
                }
                Err(why) => {
                    self.counts[i].failed += 1;
                    out.push(Outcome::Failed { rule: i, why });
                }
            }
        }
        out
    }

    /// An answer is being published at `now`: remembered by the loop guard, counted.
    pub fn sending(&mut self, d: &Due, now: Instant) {
        if self.recent.len() >= GUARD_MAX {
            self.recent.pop_front();
        }
        self.recent
            .push_back((now, fingerprint(&d.publish.topic, &d.publish.payload)));
        if let Some(c) = self.counts.get_mut(d.rule) {
            c.answered += 1;
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
