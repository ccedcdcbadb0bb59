//! The engine with an injected clock: edges, hysteresis, cooldown, silence per topic under a
//! wildcard rule, and a rule tried against messages already seen.

use std::time::{Duration, Instant, SystemTime};

use super::*;
use crate::alert::rule::{Condition, Rule, Threshold, ValueOf};

fn rule(filter: &str, when: Condition) -> Rule {
    Rule {
        name: "r".into(),
        filter: filter.into(),
        value: ValueOf::Payload,
        when,
        hysteresis: None,
        cooldown: Duration::ZERO,
        bell: false,
        publish: None,
        command: None,
    }
}

fn above(t: &str) -> Condition {
    Condition::Above(Threshold::parse(t).unwrap())
}

/// Feeds `values` to `topic` one second apart and returns the firings' words.
struct Feed {
    engine: Engine,
    t0: Instant,
    events: Vec<Event>,
}

impl Feed {
    fn new(rules: Vec<Rule>) -> Feed {
        Feed {
            engine: Engine::new(rules),
            t0: Instant::now(),
            events: Vec::new(),
        }
    }
    fn at(&self, s: u64) -> Instant {
        self.t0 + Duration::from_secs(s)
    }
    fn send(&mut self, s: u64, topic: &str, payload: &str) -> Vec<String> {
        let now = self.at(s);
        let mut out = Vec::new();
        self.engine.tick(now, &mut out);
        self.engine.observe(
            0,
            7,
            topic,
            payload.as_bytes(),
            now,
            SystemTime::now(),
            &mut out,
        );
        self.events.extend(out.iter().cloned());
        fired(&out)
    }
    fn tick(&mut self, s: u64) -> Vec<String> {
        let mut out = Vec::new();
        self.engine.tick(self.at(s), &mut out);
        self.events.extend(out.iter().cloned());
        fired(&out)
    }
}

fn fired(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Fired(f) if f.held > 0 => Some(format!("{} {} +{}", f.topic, f.what, f.held)),
            Event::Fired(f) => Some(format!("{} {}", f.topic, f.what)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_threshold_fires_on_the_edge_not_while_past_it() {
    let mut f = Feed::new(vec![rule("t", above("30"))]);
    assert!(f.send(0, "t", "29").is_empty());
    assert_eq!(f.send(1, "t", "31"), ["t 31 > 30"]);
    assert!(f.send(2, "t", "35").is_empty(), "still past: no new edge");
    assert!(f.send(3, "t", "30").is_empty(), "back: armed again");
    assert_eq!(f.send(4, "t", "30.0001"), ["t 30.0001 > 30"]);
    // Not a number: no value, nothing changes.
    assert!(f.send(5, "t", "n/a").is_empty());
    assert!(f.send(6, "t", "40").is_empty(), "still past since 4 s");
    let on_off: Vec<_> = f
        .events
        .iter()
        .filter(|e| !matches!(e, Event::Fired(_)))
        .cloned()
        .collect();
    let on = Event::On {
        rule: 0,
        scope: 0,
        tag: 7,
    };
    let off = Event::Off {
        rule: 0,
        scope: 0,
        tag: 7,
    };
    assert_eq!(on_off, [on.clone(), off, on]);
}

#[test]
fn hysteresis_keeps_a_wobbling_value_from_firing_again() {
    let mut r = rule("t", above("30"));
    r.hysteresis = Some("2".into());
    let mut f = Feed::new(vec![r]);
    assert_eq!(f.send(0, "t", "31"), ["t 31 > 30"]);
    // Wobbling around 30, never down to 28: one firing.
    for (s, v) in [(1, "29.5"), (2, "30.5"), (3, "28.1"), (4, "31")] {
        assert!(f.send(s, "t", v).is_empty(), "{v}");
    }
    assert!(f.send(5, "t", "28").is_empty(), "at the re-arm level");
    assert_eq!(f.send(6, "t", "30.5"), ["t 30.5 > 30"]);
    // Below, with hysteresis upward.
    let mut r = rule("t", Condition::Below(Threshold::parse("10").unwrap()));
    r.hysteresis = Some("1".into());
    let mut f = Feed::new(vec![r]);
    assert_eq!(f.send(0, "t", "9"), ["t 9 < 10"]);
    assert!(f.send(1, "t", "10.5").is_empty());
    assert!(f.send(2, "t", "9.9").is_empty());
    assert!(f.send(3, "t", "11").is_empty());
    assert_eq!(f.send(4, "t", "9.9"), ["t 9.9 < 10"]);
}

#[test]
fn equals_matches_and_changed_fire_on_their_edges() {
    let mut f = Feed::new(vec![
        rule("door", Condition::Equals("open".into())),
        rule(
            "log",
            Condition::Matches(regex::Regex::new("^ERR").unwrap()),
        ),
        rule("mode", Condition::Changed),
    ]);
    assert_eq!(f.send(0, "door", "open"), ["door = open"]);
    assert!(f.send(1, "door", "open").is_empty());
    assert!(f.send(2, "door", "closed").is_empty());
    assert_eq!(f.send(3, "door", "open\n"), ["door = open"]);
    assert_eq!(f.send(4, "log", "ERR disk"), ["log ERR disk ~ ^ERR"]);
    assert!(f.send(5, "log", "ERR again").is_empty());
    assert!(
        f.send(6, "mode", "auto").is_empty(),
        "the first value is no change"
    );
    assert!(f.send(7, "mode", "auto").is_empty());
    assert_eq!(
        f.send(8, "mode", "manual"),
        ["mode changed from auto to manual"]
    );
    assert_eq!(
        f.send(9, "mode", "auto"),
        ["mode changed from manual to auto"]
    );
}

#[test]
fn the_cooldown_holds_back_firings_and_counts_them() {
    let mut r = rule("t", Condition::Changed);
    r.cooldown = Duration::from_secs(10);
    let mut f = Feed::new(vec![r]);
    f.send(0, "t", "0");
    assert_eq!(f.send(1, "t", "1"), ["t changed from 0 to 1"]);
    for s in 2..6 {
        assert!(f.send(s, "t", &s.to_string()).is_empty(), "{s}: held");
    }
    assert_eq!(f.send(11, "t", "x"), ["t changed from 5 to x +4"]);
    // A new cooldown from the one shown at 11 s, its count from zero.
    assert!(f.send(12, "t", "y").is_empty());
    assert_eq!(f.send(21, "t", "z"), ["t changed from y to z +1"]);
}

#[test]
fn silence_is_per_topic_under_a_wildcard_and_fires_once_per_silence() {
    let mut f = Feed::new(vec![rule(
        "dev/+/beat",
        Condition::Silent(Duration::from_secs(10)),
    )]);
    f.send(0, "dev/a/beat", "1");
    f.send(5, "dev/b/beat", "1");
    assert!(f.tick(9).is_empty());
    assert_eq!(f.engine.next_due(), Some(f.at(10)));
    assert_eq!(f.tick(10), ["dev/a/beat silent 10 s"]);
    assert!(f.tick(12).is_empty(), "told once");
    f.send(13, "dev/b/beat", "1"); // b keeps beating
    assert!(f.tick(20).is_empty());
    assert_eq!(f.tick(23), ["dev/b/beat silent 10 s"]);
    // a comes back, then goes silent again: a new silence.
    f.send(30, "dev/a/beat", "1");
    assert_eq!(f.tick(41), ["dev/a/beat silent 10 s"]);
    // The firing's time is when the silence reached 10 s, not when it was noticed.
    let last = f
        .events
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::Fired(x) => Some(x.at),
            _ => None,
        })
        .unwrap();
    assert_eq!(last, f.at(40));
}

#[test]
fn a_rule_tried_against_history_says_what_it_would_have_fired() {
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let msgs = [
        ("a", "29"),
        ("a", "31"),
        ("b", "40"),
        ("a", "32"),
        ("a", "1"),
    ];
    let feed = msgs
        .iter()
        .enumerate()
        .map(|(i, (t, p))| (*t, p.as_bytes(), t0 + Duration::from_secs(i as u64), wall));
    let (fired, unwatched) = Engine::replay(rule("+", above("30")), feed, t0);
    let got: Vec<_> = fired.iter().map(|f| f.topic.as_str()).collect();
    assert_eq!((got, unwatched), (vec!["a", "b"], 0));
}

#[test]
fn forgetting_a_scope_gives_its_memory_back() {
    let mut e = Engine::new(vec![rule("#", Condition::Changed)]);
    let mut out = Vec::new();
    let now = Instant::now();
    for i in 0..100 {
        let topic = format!("t/{i}");
        e.observe(1, i, &topic, b"v", now, SystemTime::now(), &mut out);
    }
    assert_eq!(e.watched(), 100);
    assert!(e.bytes() > 100 * 8);
    e.forget(1);
    assert_eq!((e.watched(), e.bytes()), (0, 0));
}

#[test]
fn what_a_watch_costs() {
    // The figure MAX_WATCHES's comment and the README give: 188 bytes when written.
    let mut e = Engine::new(vec![rule("#", Condition::Changed)]);
    let mut out = Vec::new();
    let topic = "building-1/floor-2/room-03/sensor/temp-0";
    e.observe(
        0,
        0,
        topic,
        b"21.5",
        Instant::now(),
        SystemTime::now(),
        &mut out,
    );
    let per = e.bytes();
    assert!(
        (150..=250).contains(&per),
        "{per} bytes for a 40-byte topic"
    );
}
