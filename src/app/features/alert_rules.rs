//! Alert rules edited in the explorer: `A` lists them with what fired; `a` or Enter opens the
//! editor, whose `Ctrl+T` tries a rule on the connection's kept history before it is saved and
//! whose `Ctrl+S` writes it into the profile file (a job); `x` asks, then removes one. A saved
//! file's rules replace the running ones (their state starts again; the firings stay listed).

use std::collections::HashMap;

use crate::alert::{Engine, Fired, Rule};
use crate::app::popup::{AlertForm, AlertsPopup, ConfirmPopup, Popup, Yes};
use crate::app::{App, Effect, Level};
use crate::store::NodeId;
use crate::text::clean;

/// Firings of a try listed in the editor at most (the count says how many in all).
const TRIED_SHOWN: usize = 5;

/// What a rule would have fired over the kept history, for the editor (`Ctrl+T`).
#[derive(Debug, Clone, PartialEq)]
pub struct Tried {
    pub fired: Vec<Fired>,
    /// Messages read, and those skipped because the budget had cut their payload.
    pub read: u64,
    pub cut: u64,
}

impl App {
    /// `A`: the list; the count of firings not seen starts again.
    pub(in crate::app) fn open_alerts(&mut self) {
        self.alerts.unseen = 0;
        self.popups.push(Popup::Alerts(AlertsPopup::default()));
    }

    /// The editor for a new rule, or for rule `index`.
    pub(in crate::app) fn open_alert_form(&mut self, index: Option<usize>) {
        let form = match index.and_then(|i| self.alerts.engine.rules().get(i)) {
            Some(r) => AlertForm::of(r),
            None => AlertForm::new(),
        };
        self.popups.push(Popup::AlertForm(Box::new(form)));
    }

    pub(in crate::app) fn ask_remove_alert(&mut self, name: String) {
        self.popups.push(Popup::Confirm(ConfirmPopup {
            title: "Remove alert rule".into(),
            lines: vec![
                format!("Remove the rule '{}' from the profile file?", clean(&name)),
                "Enter removes it, Esc keeps it.".into(),
            ],
            yes: Yes::RemoveAlert(name),
        }));
    }

    /// The editor's `Ctrl+T`: what the rule would have fired, said in the editor.
    pub(in crate::app) fn try_alert_in_form(&mut self, rule: Rule) {
        let name = rule.name.clone();
        let tried = self.try_alert(rule);
        let mut said = vec![format!(
            "tried on {} kept: {}",
            crate::text::count(tried.read, "message", "messages"),
            match tried.fired.len() {
                0 => "it would not have fired".to_string(),
                n => format!(
                    "it would have fired {}",
                    crate::text::count(n as u64, "time", "times")
                ),
            }
        )];
        if tried.cut > 0 {
            said.push(format!(
                "{} skipped: the history budget cut their payloads",
                crate::text::count(tried.cut, "message", "messages")
            ));
        }
        let n = tried.fired.len();
        for f in tried.fired.iter().skip(n.saturating_sub(TRIED_SHOWN)) {
            said.push(format!(
                "{} {} {}",
                crate::text::time_of(f.wall),
                clean(&f.topic),
                clean(&f.what)
            ));
        }
        if n > TRIED_SHOWN {
            said.insert(1, format!("the last {TRIED_SHOWN}:"));
        }
        tracing::debug!(rule = %name, fired = n, "alert tried");
        if let Some(Popup::AlertForm(form)) = self.popups.last_mut() {
            form.said = said;
        }
    }

    /// The editor's `Ctrl+S`: the table is written by a job; the editor closes once it is.
    pub(in crate::app) fn save_alert(
        &mut self,
        section: String,
        name: String,
        original: Option<String>,
    ) -> Vec<Effect> {
        vec![Effect::SaveAlert {
            section,
            name,
            replacing: original,
        }]
    }

    /// The file was written (or not): its rules run from now on.
    pub(in crate::app) fn on_alerts_saved(
        &mut self,
        name: &str,
        removed: bool,
        outcome: Result<(Vec<Rule>, std::path::PathBuf), String>,
    ) {
        let form = self
            .popups
            .iter()
            .rposition(|p| matches!(p, Popup::AlertForm(_)));
        match outcome {
            Ok((rules, path)) => {
                self.set_alert_rules(rules);
                if let (Some(i), false) = (form, removed) {
                    self.popups.remove(i);
                }
                let did = if removed { "removed from" } else { "saved to" };
                self.tell(
                    Level::Info,
                    format!(
                        "alert rule '{}' {did} {}",
                        clean(name),
                        clean(&path.display().to_string())
                    ),
                );
            }
            Err(why) => {
                let words = format!("alert rule '{}' not saved: {}", clean(name), clean(&why));
                match form.and_then(|i| self.popups.get_mut(i)) {
                    Some(Popup::AlertForm(f)) if !removed => f.said = vec![words],
                    _ => self.tell(Level::Error, words),
                }
            }
        }
    }

    /// What `rule` would have fired over the connection's kept history, oldest first, its
    /// silences counted up to now. Messages whose payload the budget cut are skipped (their
    /// value is not known), and counted.
    pub fn try_alert(&self, rule: Rule) -> Tried {
        let store = &self.link.store;
        let (now, wall) = (self.now, self.wall);
        // The topics the rule matches, once each (a first pass: the second lends their names).
        let mut topics: HashMap<NodeId, Option<String>> = HashMap::new();
        let (mut read, mut cut) = (0, 0);
        for e in store.log.iter_from(store.log.first_seq()) {
            let topic = topics.entry(e.node).or_insert_with(|| {
                let path = store.tree.path(e.node);
                crate::mqtt::topic::filter_matches(&rule.filter, &path).then_some(path)
            });
            if topic.is_some() {
                if e.cut() {
                    cut += 1;
                } else {
                    read += 1;
                }
            }
        }
        let feed = store
            .log
            .iter_from(store.log.first_seq())
            .filter(|e| !e.cut())
            .filter_map(|e| {
                let topic = topics.get(&e.node)?.as_deref()?;
                let received = e.received();
                let ago = wall.duration_since(received).unwrap_or_default();
                let at = now.checked_sub(ago).unwrap_or(now);
                Some((topic, store.payload(e), at, received))
            });
        let (fired, _) = Engine::replay(rule, feed, now);
        Tried { fired, read, cut }
    }
}
