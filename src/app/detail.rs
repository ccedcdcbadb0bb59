//! The detail pane: which message it shows (the tree's or the log's selection, stepped back
//! through the topic's kept history), which page of a big payload, and the payload decoded.

use std::cell::RefCell;
use std::rc::Rc;

use super::App;
use crate::decode::{DecodeCache, Payload, Registry, Shown, page};
use crate::store::{Entry, Store};

#[derive(Debug, Default)]
pub struct DetailView {
    pub scroll: u16,
    pub page: usize,
    /// Which pane the detail follows.
    pub from_log: bool,
    /// Steps back into the topic's history (0: the message itself).
    pub back: usize,
    /// Payloads decoded for the detail, so a redraw does not decode again.
    pub cache: RefCell<DecodeCache>,
}

impl DetailView {
    /// Back to the top of the first page (a new message or a step through history).
    pub fn reset_position(&mut self) {
        self.scroll = 0;
        self.page = 0;
    }

    /// `base` stepped back `self.back` messages through its topic's history.
    pub fn entry<'s>(&self, store: &'s Store, base: &'s Entry) -> &'s Entry {
        if self.back == 0 {
            return base;
        }
        store
            .history(base.node)
            .rev()
            .filter(|e| e.seq() <= base.seq())
            .nth(self.back)
            .unwrap_or(base)
    }

    /// The payload of `e` decoded (once per message and page, then cached).
    pub fn shown(&self, store: &Store, registry: &Registry, e: &Entry) -> Rc<Shown> {
        let topic = store.tree.path(e.node);
        let msg = Payload {
            seq: e.seq(),
            topic: &topic,
            bytes: &e.payload,
            properties: store.properties(e),
        };
        self.cache.borrow_mut().get(registry, msg, self.page, None)
    }

    pub fn scroll_by(&mut self, up: bool) {
        self.scroll = if up {
            self.scroll.saturating_sub(3)
        } else {
            self.scroll.saturating_add(3)
        };
    }

    pub fn turn_page(&mut self, forward: bool, payload_len: usize) {
        self.page = if forward {
            (self.page + 1).min(page::pages(payload_len) - 1)
        } else {
            self.page.saturating_sub(1)
        };
        self.scroll = 0;
    }

    /// `<` and `>`: older or newer message of the topic, within `history_len` kept.
    pub fn step_history(&mut self, older: bool, history_len: usize) {
        if older {
            if self.back + 1 < history_len {
                self.back += 1;
                self.reset_position();
            }
        } else {
            self.back = self.back.saturating_sub(1);
            self.reset_position();
        }
    }
}

impl App {
    /// The entry the detail pane shows.
    pub fn detail_entry(&self) -> Option<&Entry> {
        let base = if self.detail.from_log {
            let seq = self.log.selected.or_else(|| self.log_step(None, true, 0))?;
            self.store.log.get(seq)?
        } else {
            self.store.last(self.tree.selected?)?
        };
        Some(self.detail.entry(&self.store, base))
    }

    /// The detail's entry with its payload decoded.
    pub fn detail_shown(&self) -> Option<(&Entry, Rc<Shown>)> {
        let e = self.detail_entry()?;
        Some((e, self.detail.shown(&self.store, &self.decoders, e)))
    }

    /// How many older messages of the detail's topic are kept.
    pub fn detail_history_len(&self) -> usize {
        self.detail_entry()
            .map(|e| self.store.tree.node(e.node).history.len())
            .unwrap_or(0)
    }
}
