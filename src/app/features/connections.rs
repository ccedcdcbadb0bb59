//! Several connections in one session. The connection in focus lives in the app's own fields
//! (`link`, the panes' view state, and the features tied to one broker), so every pane and
//! feature reads one connection as before; the others wait in `App::others`, parked, each with
//! the same fields. Focus moves by swapping those fields (moves of a few hundred bytes, no
//! store is copied). A parked connection's worker events and the runner's answers about it are
//! handled by swapping it in for the batch, so its store, outbox, requests and Sparkplug births
//! stay current while it is not shown; what it tells the user is prefixed with its name. The
//! history budget is split evenly between the open connections (`budget_share`).
//!
//! Global, whatever the focus: compose (it publishes on the connection in focus), its history
//! and repeat, the popups, the profiles, the notices and the runs of external decoders.

use std::collections::HashMap;

use crate::app::{App, DetailView, Effect, Level, LogView, TreeView};
use crate::app::{chart, cleanup, preview, requests};
use crate::session::link::{ConnId, Link};
use crate::store::NodeId;

/// A connection not in focus, with everything of the app's that belongs to one connection.
pub struct Parked {
    pub link: Link,
    tree: TreeView,
    log: LogView,
    detail: DetailView,
    requests: requests::Requests,
    cleanup: Option<cleanup::Cleanup>,
    last_cleared: Option<Vec<crate::mqtt::Message>>,
    sparkplug: crate::decode::Births,
    views: HashMap<NodeId, &'static str>,
    decoders: crate::decode::Registry,
    previews: preview::Previews,
    chart: chart::ChartView,
}

impl Parked {
    /// A connection that has seen nothing yet.
    fn blank(link: Link) -> Parked {
        Parked {
            link,
            tree: TreeView::default(),
            log: LogView::default(),
            detail: DetailView::default(),
            requests: Default::default(),
            cleanup: None,
            last_cleared: None,
            sparkplug: Default::default(),
            views: HashMap::new(),
            decoders: Default::default(),
            previews: Default::default(),
            chart: Default::default(),
        }
    }

    /// Trades places with the connection in focus.
    fn swap(&mut self, app: &mut App) {
        use std::mem::swap;
        swap(&mut self.link, &mut app.link);
        swap(&mut self.tree, &mut app.tree);
        swap(&mut self.log, &mut app.log);
        swap(&mut self.detail, &mut app.detail);
        swap(&mut self.requests, &mut app.requests);
        swap(&mut self.cleanup, &mut app.cleanup);
        swap(&mut self.last_cleared, &mut app.last_cleared);
        swap(&mut self.sparkplug, &mut app.sparkplug);
        swap(&mut self.views, &mut app.views);
        swap(&mut self.decoders, &mut app.decoders);
        swap(&mut self.previews, &mut app.previews);
        swap(&mut self.chart, &mut app.chart);
    }
}

/// The name a connection goes by: its profile's, else its number.
pub fn name_of(link: &Link) -> String {
    link.conn
        .as_ref()
        .map(|c| c.name.clone())
        .or_else(|| link.profile.clone())
        .unwrap_or_else(|| format!("connection {}", link.id.0 + 1))
}

impl App {
    /// How many connections are open (the one in focus included).
    pub fn conn_count(&self) -> usize {
        1 + self.others.len()
    }

    /// Every connection, the one in focus included, in the order they were opened.
    pub fn links(&self) -> Vec<&Link> {
        let mut all: Vec<&Link> = std::iter::once(&self.link)
            .chain(self.others.iter().map(|p| &p.link))
            .collect();
        all.sort_by_key(|l| l.id);
        all
    }

    /// Each connection's share of the history budget.
    /// What the alerts hold comes off the budget first (`alerts::Alerts::reserved`).
    pub fn budget_share(&self) -> usize {
        self.budget.saturating_sub(self.alerts.reserved) / self.conn_count()
    }

    /// Runs `f` with connection `id` in focus, then puts focus back: how a parked connection's
    /// events and answers are handled. None when no such connection is open (a closed one's
    /// last events).
    pub(in crate::app) fn with_conn<R>(
        &mut self,
        id: ConnId,
        f: impl FnOnce(&mut App) -> R,
    ) -> Option<R> {
        if id == self.link.id {
            return Some(f(self));
        }
        let i = self.others.iter().position(|p| p.link.id == id)?;
        let mut parked = self.others.remove(i);
        parked.swap(self);
        self.speaking_for = Some(crate::text::clean(&name_of(&self.link)).into_owned());
        let r = f(self);
        self.speaking_for = None;
        parked.swap(self);
        self.others.insert(i, parked);
        Some(r)
    }

    /// Whether what is being handled belongs to a parked connection (see `with_conn`).
    pub(in crate::app) fn in_background(&self) -> bool {
        self.speaking_for.is_some()
    }

    /// Puts connection `id` in focus: the panes show it, compose publishes on it. A repeat
    /// under way stops (it was sending on the other connection), and what external decoders
    /// and whole reads were computing for the other one is dropped.
    pub fn focus_conn(&mut self, id: ConnId) {
        if id == self.link.id {
            return;
        }
        let Some(i) = self.others.iter().position(|p| p.link.id == id) else {
            return;
        };
        self.stop_for_switch();
        let mut parked = self.others.remove(i);
        parked.swap(self);
        self.others.push(parked);
        self.others.sort_by_key(|p| p.link.id);
    }

    /// A new, empty connection beside the others, put in focus; its profile is opened by the
    /// caller (`Effect::Connect` with its id).
    pub(in crate::app) fn open_beside(&mut self) -> ConnId {
        self.stop_for_switch();
        let id = ConnId(self.next_conn);
        self.next_conn += 1;
        let limits = self.link.store.limits().clone();
        let mut parked = Parked::blank(Link::new(id, limits));
        parked.swap(self);
        self.others.push(parked);
        self.others.sort_by_key(|p| p.link.id);
        self.split_budget();
        id
    }

    /// Closes connection `id` (the last one open stays: the picker replaces it instead).
    pub(in crate::app) fn close_conn(&mut self, id: ConnId) -> Vec<Effect> {
        if self.others.is_empty() {
            self.tell(
                Level::Warning,
                "the only connection stays open: P opens another profile in its place".into(),
            );
            return Vec::new();
        }
        match self.drop_conn(id) {
            Some(name) => {
                self.tell(Level::Info, format!("closed {}", crate::text::clean(&name)));
                vec![Effect::Disconnect(id)]
            }
            None => Vec::new(),
        }
    }

    /// Forgets connection `id` (focus moves to the first other one), and splits the budget
    /// again; its name, if it was open. The last one open is kept.
    pub(in crate::app) fn drop_conn(&mut self, id: ConnId) -> Option<String> {
        if id == self.link.id
            && let Some(next) = self.others.first().map(|p| p.link.id)
        {
            self.focus_conn(next);
        }
        let i = self.others.iter().position(|p| p.link.id == id)?;
        let closed = self.others.remove(i);
        self.split_budget();
        Some(name_of(&closed.link))
    }

    /// Gives each open connection an even share of the budget; a store past its new share
    /// lets its oldest messages go at once.
    pub(in crate::app) fn split_budget(&mut self) {
        let share = self.budget_share();
        self.link.store.set_budget(share);
        for p in &mut self.others {
            p.link.store.set_budget(share);
        }
    }

    fn stop_for_switch(&mut self) {
        if let Some(words) = self.repeat.stop() {
            self.compose.status = Some((format!("{words} (focus moved)"), false));
        }
        self.external.clear();
        self.whole.clear();
    }
}

/// How a connection is doing, in one word for lists and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Connected,
    Connecting,
    /// Waiting to reconnect, or stopped by an error.
    Failing,
    /// Not asked to connect, or disconnected without an error.
    Down,
}

impl Health {
    pub fn of(link: &Link) -> Health {
        use crate::mqtt::ConnState;
        match link.conn.as_ref().map(|c| &c.state) {
            Some(ConnState::Connected { .. }) => Health::Connected,
            Some(ConnState::Connecting { .. }) => Health::Connecting,
            Some(ConnState::Reconnecting { .. } | ConnState::Disconnected { error: Some(_) }) => {
                Health::Failing
            }
            None if link.profile.is_some() => Health::Connecting,
            _ => Health::Down,
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Health::Connected => "connected",
            Health::Connecting => "connecting",
            Health::Failing => "failing",
            Health::Down => "down",
        }
    }
}

impl App {
    /// The status bar's word on the connections not in focus ("2 others: 1 connected, 1
    /// failing"), and whether one is failing; None with one connection.
    pub fn others_words(&self) -> Option<(String, bool)> {
        if self.others.is_empty() {
            return None;
        }
        let mut counts: Vec<(Health, usize)> = Vec::new();
        for p in &self.others {
            let h = Health::of(&p.link);
            match counts.iter_mut().find(|(k, _)| *k == h) {
                Some((_, n)) => *n += 1,
                None => counts.push((h, 1)),
            }
        }
        counts.sort_by_key(|(h, _)| *h as u8);
        let parts: Vec<String> = counts
            .iter()
            .map(|(h, n)| format!("{n} {}", h.words()))
            .collect();
        let n = self.others.len();
        let failing = counts.iter().any(|(h, _)| *h == Health::Failing);
        let words = format!(
            "{n} other{}: {} (C)",
            if n == 1 { "" } else { "s" },
            parts.join(", ")
        );
        Some((words, failing))
    }

    /// How the history budget is split, for the status bar ("of 256 MiB ÷ 3"); None with one
    /// connection.
    pub fn budget_words(&self) -> Option<String> {
        (!self.others.is_empty()).then(|| {
            format!(
                "of {} ÷ {}",
                crate::text::human_bytes(self.budget as u64),
                self.conn_count()
            )
        })
    }

    /// The name of the connection in focus, when there are several (titles and the status bar
    /// name it then).
    pub fn focus_name(&self) -> Option<String> {
        (!self.others.is_empty()).then(|| crate::text::clean(&name_of(&self.link)).into_owned())
    }
}

#[cfg(test)]
#[path = "connections_tests.rs"]
mod tests;
