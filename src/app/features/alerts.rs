//! Alerts in the explorer: the profile file's `[[alerts]]` rules (`alert/`) over every
//! connection's messages. A firing goes into the list (`A`, with its time and what its actions
//! came to), a notice and the status bar's count; a rule that holds marks the topic's row. Its
//! actions leave as effects: the bell, a publish through the connection it fired on (its
//! outcome shown once the broker's answer proves it), a command (a job: no shell, its time
//! limit and output cap, the payload on stdin, at most `COMMANDS_AT_ONCE` at a time).

use bytes::Bytes;
use std::collections::{HashMap, VecDeque};

use crate::alert::{Engine, Event, Fired, Rule, action};
use crate::app::{App, ConnId, Effect, Level};
use crate::mqtt::{PublishId, PublishOutcome};
use crate::store::NodeId;
use crate::text::clean;

/// Firings kept in the list (the oldest go first).
pub const KEPT: usize = 500;
/// Commands run at once at most; a firing past it says its command was not run.
pub const COMMANDS_AT_ONCE: usize = 4;
/// The alerts' share of the history budget is taken again when what they hold moves by this
/// much (not at every message: each new share trims the stores).
const RESERVE_STEP: usize = 1 << 20;

/// One firing in the list, with what its actions came to.
#[derive(Debug, Clone)]
pub struct Shown {
    pub fired: Fired,
    /// The rule's name, and the connection's when several are open.
    pub rule: String,
    pub conn: Option<String>,
    /// (the action, what came of it so far, whether it failed).
    pub actions: Vec<(&'static str, String, bool)>,
}

#[derive(Debug, Default)]
pub struct Alerts {
    pub engine: Engine,
    /// Oldest first; `first` is the number of the first (numbers name firings for the jobs
    /// and publishes that report on them).
    pub shown: VecDeque<Shown>,
    first: u64,
    /// Firings since the list was last looked at (the status bar's count).
    pub unseen: u64,
    /// Rules holding per (connection, topic): the row's mark.
    holding: HashMap<(u32, NodeId), u16>,
    /// Events of messages filed since the last update, with the payload a command is given.
    pending: Vec<(Event, Option<Bytes>)>,
    running: usize,
    publishes: HashMap<(u32, PublishId), u64>,
    /// Bytes the list's firings hold (their texts and actions).
    shown_bytes: usize,
    /// What the alerts hold, counted off the history budget (in `RESERVE_STEP`s).
    pub reserved: usize,
}

/// What one firing in the list holds, roughly.
fn shown_cost(s: &Shown) -> usize {
    std::mem::size_of::<Shown>()
        + s.fired.topic.len()
        + s.fired.what.len()
        + s.fired.value.as_ref().map_or(0, String::len)
        + s.rule.len()
        + s.actions.iter().map(|a| 40 + a.1.len()).sum::<usize>()
}

impl Alerts {
    pub fn new(rules: Vec<Rule>) -> Alerts {
        Alerts {
            engine: Engine::new(rules),
            ..Alerts::default()
        }
    }

    /// What the rules' state and the list hold.
    pub fn bytes(&self) -> usize {
        self.engine.bytes() + self.shown_bytes + self.holding.len() * 24
    }

    /// Whether a rule holds for this topic of this connection.
    pub fn holds(&self, conn: ConnId, node: NodeId) -> bool {
        self.holding.contains_key(&(conn.0, node))
    }

    /// How many topics a rule holds on now.
    pub fn holding_count(&self) -> usize {
        self.holding.len()
    }

    fn get_mut(&mut self, number: u64) -> Option<&mut Shown> {
        let i = number.checked_sub(self.first)?;
        self.shown.get_mut(usize::try_from(i).ok()?)
    }

    /// The rules' state on a connection is forgotten (its data was cleared, or it closed).
    pub fn forget(&mut self, conn: ConnId) {
        self.engine.forget(conn.0);
        self.holding.retain(|(c, _), _| *c != conn.0);
    }
}

impl App {
    /// A message filed on the connection in `self.link` (parked ones too, swapped in).
    pub(in crate::app) fn alert_observe(&mut self, topic: &str, payload: &Bytes, node: NodeId) {
        let (now, wall, scope) = (self.now, self.wall, self.link.id.0);
        let mut events = Vec::new();
        self.alerts.engine.observe(
            scope,
            u64::from(node),
            topic,
            payload,
            now,
            wall,
            &mut events,
        );
        for e in events {
            let keep = matches!(e, Event::Fired(_)).then(|| payload.clone());
            self.alerts.pending.push((e, keep));
        }
    }

    /// Silences due by now (the timer).
    pub(in crate::app) fn alert_tick(&mut self) {
        let mut events = Vec::new();
        self.alerts.engine.tick(self.now, &mut events);
        self.alerts
            .pending
            .extend(events.into_iter().map(|e| (e, None)));
    }

    /// What the firings since the last update ask for.
    pub(in crate::app) fn alert_effects(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        for (event, payload) in std::mem::take(&mut self.alerts.pending) {
            match event {
                Event::On { scope, tag, .. } => {
                    *self
                        .alerts
                        .holding
                        .entry((scope, tag as NodeId))
                        .or_default() += 1;
                }
                Event::Off { scope, tag, .. } => {
                    let key = (scope, tag as NodeId);
                    if let Some(n) = self.alerts.holding.get_mut(&key) {
                        *n -= 1;
                        if *n == 0 {
                            self.alerts.holding.remove(&key);
                        }
                    }
                }
                Event::Fired(f) => effects.extend(self.alert_fired(f, payload)),
            }
        }
        // What the alerts hold comes off the history budget.
        let used = self.alerts.bytes();
        let reserved = self.alerts.reserved;
        if used > reserved || used + 2 * RESERVE_STEP < reserved {
            self.alerts.reserved = used.next_multiple_of(RESERVE_STEP);
            self.split_budget();
        }
        effects
    }

    fn alert_fired(&mut self, f: Fired, payload: Option<Bytes>) -> Vec<Effect> {
        let Some(rule) = self.alerts.engine.rules().get(f.rule).cloned() else {
            return Vec::new();
        };
        let conn = ConnId(f.scope);
        let conn_name = (self.conn_count() > 1)
            .then(|| {
                self.links()
                    .iter()
                    .find(|l| l.id == conn)
                    .and_then(|l| l.profile.clone())
            })
            .flatten();
        let number = self.alerts.first + self.alerts.shown.len() as u64;
        let mut shown = Shown {
            fired: f.clone(),
            rule: rule.name.clone(),
            conn: conn_name.clone(),
            actions: Vec::new(),
        };
        let mut effects = Vec::new();
        if rule.bell {
            effects.push(Effect::Bell);
            shown.actions.push(("bell", "rung".into(), false));
        }
        match action::publish(&rule, &f, self.wall) {
            Some(Ok(publish)) => {
                effects.push(Effect::AlertPublish {
                    conn,
                    number,
                    publish,
                });
                shown.actions.push(("publish", "queued".into(), false));
            }
            Some(Err(why)) => shown.actions.push(("publish", why, true)),
            None => {}
        }
        if let Some(command) = rule.command.clone() {
            if self.alerts.running >= COMMANDS_AT_ONCE {
                shown.actions.push((
                    "command",
                    format!("not run: {COMMANDS_AT_ONCE} still running"),
                    true,
                ));
            } else {
                self.alerts.running += 1;
                effects.push(Effect::AlertCommand {
                    number,
                    command,
                    payload: payload.unwrap_or_default(),
                    env: action::command_env(&rule, &f),
                });
                shown.actions.push(("command", "running".into(), false));
            }
        }
        if self.alerts.shown.len() >= KEPT
            && let Some(old) = self.alerts.shown.pop_front()
        {
            self.alerts.shown_bytes -= shown_cost(&old);
            self.alerts.first += 1;
        }
        self.alerts.shown_bytes += shown_cost(&shown);
        self.alerts.shown.push_back(shown);
        self.alerts.unseen += 1;
        let held = match f.held {
            0 => String::new(),
            n => format!(" (+{n} held back)"),
        };
        let on = conn_name.map_or_else(String::new, |c| format!("{c}: "));
        self.tell(
            Level::Warning,
            format!(
                "alert {}: {on}{} {}{held} · A lists them",
                clean(&rule.name),
                clean(&f.topic),
                clean(&f.what)
            ),
        );
        effects
    }

    /// The runner queued an alert's publish (or could not).
    pub(in crate::app) fn alert_queued(
        &mut self,
        conn: ConnId,
        number: u64,
        id: Result<PublishId, String>,
    ) {
        match id {
            Ok(id) => {
                self.alerts.publishes.insert((conn.0, id), number);
            }
            Err(why) => self.alert_act(number, "publish", format!("not sent: {why}"), true),
        }
    }

    /// A publish's outcome: true when it was an alert's.
    pub(in crate::app) fn alert_outcome(
        &mut self,
        id: PublishId,
        outcome: &PublishOutcome,
    ) -> bool {
        let key = (self.link.id.0, id);
        let Some(&number) = self.alerts.publishes.get(&key) else {
            return false;
        };
        if outcome.is_final() {
            self.alerts.publishes.remove(&key);
        }
        self.alert_act(number, "publish", outcome.to_string(), outcome.is_failure());
        true
    }

    /// An alert's command came back: its output's first line, or why it failed.
    pub(in crate::app) fn alert_ran(&mut self, number: u64, result: Result<Vec<u8>, String>) {
        self.alerts.running = self.alerts.running.saturating_sub(1);
        let (words, failed) = match result {
            Ok(out) => {
                let text = String::from_utf8_lossy(&out);
                let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                let size = crate::text::human_bytes(out.len() as u64);
                match first {
                    "" => (format!("done ({size} of output)"), false),
                    l => (format!("done ({size}): {}", clean(l)), false),
                }
            }
            Err(why) => (why, true),
        };
        self.alert_act(number, "command", words, failed);
    }

    fn alert_act(&mut self, number: u64, what: &'static str, words: String, failed: bool) {
        if let Some(s) = self.alerts.get_mut(number)
            && let Some(a) = s.actions.iter_mut().find(|a| a.0 == what)
        {
            a.1 = words;
            a.2 = failed;
        }
    }

    /// New rules (the file was saved): their state starts again, the list stays.
    pub fn set_alert_rules(&mut self, rules: Vec<Rule>) {
        let old = std::mem::take(&mut self.alerts);
        self.alerts = Alerts::new(rules);
        self.alerts.shown = old.shown;
        self.alerts.first = old.first;
        self.alerts.shown_bytes = old.shown_bytes;
        self.alerts.reserved = old.reserved;
    }
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
