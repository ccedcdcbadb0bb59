//! The rules at work: each message a rule's filter matches is read and checked against the
//! topic's state for that rule, and what changed comes out as events. Pure: the caller gives
//! the clock (monotonic for deadlines, wall for what is shown) and does what the events say.
//!
//! A rule fires on the edge: when a topic's value goes past the threshold (not while it stays
//! there), when it comes to equal or match, when it changes, when the topic falls silent. An
//! `above`/`below` rule fires again only once the value has come back past the hysteresis. A
//! firing within the cooldown of the last one shown for the same rule and topic is held back
//! and counted; the next one shown carries the count.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use super::rule::{Condition, Rule};
use super::value::read;
use crate::decode::decimal::Decimal;

/// Topics watched at most, all rules together: past it a new topic is counted, not watched.
/// A watch is 188 bytes as `bytes` counts it with a 40-byte topic and a short value
/// (`what_a_watch_costs`): 100,000 of them are ~18 MiB.
pub const MAX_WATCHES: usize = 100_000;

/// One rule's firing for one topic, as shown and acted on.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    /// The rule's index in the engine's rules.
    pub rule: usize,
    /// The connection (or other scope) the topic belongs to, and the caller's tag for it.
    pub scope: u32,
    pub tag: u64,
    pub topic: String,
    /// The value read (None for silence).
    pub value: Option<String>,
    /// Why, in words: "31.2 > 30", "changed from 1 to 2", "silent 60 s".
    pub what: String,
    /// When: the message's time, or for silence the moment the silence reached the rule's
    /// duration.
    pub at: Instant,
    pub wall: SystemTime,
    /// Firings for this rule and topic held back by the cooldown since the last one shown.
    pub held: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A firing to show and act on.
    Fired(Fired),
    /// A rule's condition came to hold for a topic (shown on its row), or stopped holding.
    On {
        rule: usize,
        scope: u32,
        tag: u64,
    },
    Off {
        rule: usize,
        scope: u32,
        tag: u64,
    },
}

#[derive(Debug)]
struct Watch {
    tag: u64,
    /// The condition holds (or, for silence, the silence was told).
    active: bool,
    /// `changed`: the previous value's text.
    last: Option<String>,
    seen: Instant,
    seen_wall: SystemTime,
    shown_at: Option<Instant>,
    held: u64,
}

#[derive(Debug, Default)]
pub struct Engine {
    rules: Vec<Rule>,
    rearm: Vec<Option<Decimal>>,
    /// Per rule: scope → topic → its state.
    watches: Vec<HashMap<u32, HashMap<Box<str>, Watch>>>,
    watched: usize,
    /// Bytes the watches' topics and previous values hold (for the memory figure).
    text_bytes: usize,
    /// Messages of new topics not watched because `MAX_WATCHES` were.
    pub unwatched: u64,
    /// No silence is due before this (a lower bound: the tick checks).
    silence_due: Option<Instant>,
}

impl Engine {
    pub fn new(rules: Vec<Rule>) -> Engine {
        let rearm = rules.iter().map(Rule::rearm).collect();
        let watches = rules.iter().map(|_| HashMap::new()).collect();
        Engine {
            rules,
            rearm,
            watches,
            ..Engine::default()
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// What the watches hold, roughly (their tables, topics and kept values).
    pub fn bytes(&self) -> usize {
        self.watched * (std::mem::size_of::<Watch>() + 48) + self.text_bytes
    }

    pub fn watched(&self) -> usize {
        self.watched
    }

    /// Forgets what was seen on `scope` (its store was cleared, or it closed).
    pub fn forget(&mut self, scope: u32) {
        for per_rule in &mut self.watches {
            if let Some(topics) = per_rule.remove(&scope) {
                self.watched -= topics.len();
                for (t, w) in topics {
                    self.text_bytes -= t.len() + w.last.map_or(0, |l| l.len());
                }
            }
        }
    }

    /// Whether any rule watches `topic` (cheap enough to ask per message).
    pub fn wants(&self, topic: &str) -> bool {
        self.rules
            .iter()
            .any(|r| crate::mqtt::topic::filter_matches(&r.filter, topic))
    }

    /// A message on `topic` (tagged `tag` by the caller) at `now`.
    #[allow(clippy::too_many_arguments)]
    pub fn observe(
        &mut self,
        scope: u32,
        tag: u64,
        topic: &str,
        payload: &[u8],
        now: Instant,
        wall: SystemTime,
        out: &mut Vec<Event>,
    ) {
        for i in 0..self.rules.len() {
            if crate::mqtt::topic::filter_matches(&self.rules[i].filter, topic) {
                self.observe_rule(i, scope, tag, topic, payload, now, wall, out);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn observe_rule(
        &mut self,
        i: usize,
        scope: u32,
        tag: u64,
        topic: &str,
        payload: &[u8],
        now: Instant,
        wall: SystemTime,
        out: &mut Vec<Event>,
    ) {
        let rule = &self.rules[i];
        let topics = self.watches[i].entry(scope).or_default();
        if !topics.contains_key(topic) {
            if self.watched >= MAX_WATCHES {
                self.unwatched += 1;
                return;
            }
            self.watched += 1;
            self.text_bytes += topic.len();
            topics.insert(
                topic.into(),
                Watch {
                    tag,
                    active: false,
                    last: None,
                    seen: now,
                    seen_wall: wall,
                    shown_at: None,
                    held: 0,
                },
            );
        }
        let Some(w) = topics.get_mut(topic) else {
            return;
        };
        w.tag = tag;
        w.seen = now;
        w.seen_wall = wall;
        if let Condition::Silent(d) = rule.when {
            let due = now + d;
            self.silence_due = Some(self.silence_due.map_or(due, |s| s.min(due)));
            if std::mem::take(&mut w.active) {
                out.push(Event::Off {
                    rule: i,
                    scope,
                    tag,
                });
            }
            return;
        }
        let Some(value) = read(&rule.value, payload) else {
            return;
        };
        // (holds now, what to say when it starts holding)
        let (holds, what) = match &rule.when {
            Condition::Above(t) | Condition::Below(t) => {
                let Some(n) = &value.number else {
                    return;
                };
                let above = matches!(rule.when, Condition::Above(_));
                let past = if above { *n > t.value } else { *n < t.value };
                // Once fired, it holds until the value is back at the re-arm level.
                let back = match &self.rearm[i] {
                    Some(r) if above => *n <= *r,
                    Some(r) => *n >= *r,
                    None => !past,
                };
                let holds = if w.active { !back } else { past };
                (holds, format!("{} {}", value.text, rule.when.words()))
            }
            Condition::Equals(want) => (value.text == *want, format!("= {want}")),
            Condition::Matches(re) => (
                re.is_match(&value.text),
                format!("{} {}", value.text, rule.when.words()),
            ),
            Condition::Changed => {
                let was = w.last.replace(value.text.clone());
                self.text_bytes += value.text.len();
                self.text_bytes -= was.as_ref().map_or(0, String::len);
                match was {
                    Some(was) if was != value.text => {
                        (true, format!("changed from {was} to {}", value.text))
                    }
                    _ => (false, String::new()),
                }
            }
            Condition::Silent(_) => return,
        };
        // `changed` fires at each change: every change is an edge.
        let edge = holds && (!w.active || matches!(rule.when, Condition::Changed));
        if holds != w.active {
            w.active = holds;
            out.push(if holds {
                Event::On {
                    rule: i,
                    scope,
                    tag,
                }
            } else {
                Event::Off {
                    rule: i,
                    scope,
                    tag,
                }
            });
        }
        if edge {
            let cooldown = rule.cooldown;
            let fired = Fired {
                rule: i,
                scope,
                tag,
                topic: topic.to_string(),
                value: Some(value.text),
                what,
                at: now,
                wall,
                held: 0,
            };
            show_or_hold(w, cooldown, fired, out);
        }
    }

    /// Silences that reached their rule's duration by `now` fire (once per silence).
    pub fn tick(&mut self, now: Instant, out: &mut Vec<Event>) {
        if self.silence_due.is_none_or(|due| due > now) {
            return;
        }
        let mut next: Option<Instant> = None;
        for (i, rule) in self.rules.iter().enumerate() {
            let Condition::Silent(d) = rule.when else {
                continue;
            };
            for (scope, topics) in &mut self.watches[i] {
                for (topic, w) in topics.iter_mut() {
                    if w.active {
                        continue;
                    }
                    let due = w.seen + d;
                    if due > now {
                        next = Some(next.map_or(due, |n| n.min(due)));
                        continue;
                    }
                    w.active = true;
                    out.push(Event::On {
                        rule: i,
                        scope: *scope,
                        tag: w.tag,
                    });
                    let fired = Fired {
                        rule: i,
                        scope: *scope,
                        tag: w.tag,
                        topic: topic.to_string(),
                        value: None,
                        what: rule.when.words(),
                        at: due,
                        wall: w.seen_wall + d,
                        held: 0,
                    };
                    show_or_hold(w, rule.cooldown, fired, out);
                }
            }
        }
        self.silence_due = next;
    }

    /// The soonest a silence can be due, for the caller's timer.
    pub fn next_due(&self) -> Option<Instant> {
        self.silence_due
    }

    /// What `rule` would have fired over `messages` (topic, payload, time, wall time; oldest
    /// first), silences included up to `until`: a rule tried before it is saved.
    pub fn replay<'a>(
        rule: Rule,
        messages: impl IntoIterator<Item = (&'a str, &'a [u8], Instant, SystemTime)>,
        until: Instant,
    ) -> (Vec<Fired>, u64) {
        let mut engine = Engine::new(vec![rule]);
        let mut events = Vec::new();
        for (topic, payload, at, wall) in messages {
            engine.tick(at, &mut events);
            engine.observe(0, 0, topic, payload, at, wall, &mut events);
        }
        engine.tick(until, &mut events);
        let fired = events
            .into_iter()
            .filter_map(|e| match e {
                Event::Fired(f) => Some(f),
                _ => None,
            })
            .collect();
        (fired, engine.unwatched)
    }
}

/// A firing is shown unless one for the same rule and topic was shown within the cooldown;
/// then it is counted, and the next one shown says how many were held back.
fn show_or_hold(w: &mut Watch, cooldown: Duration, mut fired: Fired, out: &mut Vec<Event>) {
    let at = fired.at;
    if w.shown_at
        .is_some_and(|t| at.saturating_duration_since(t) < cooldown)
    {
        w.held += 1;
        return;
    }
    fired.held = std::mem::take(&mut w.held);
    w.shown_at = Some(at);
    out.push(Event::Fired(fired));
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
