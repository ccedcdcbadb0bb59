//! The detail pane: which message it shows (the tree's or the log's selection, stepped back
//! through the topic's kept history), which page of a big payload, and the payload decoded.

use std::cell::RefCell;
use std::rc::Rc;

use crate::app::App;
use crate::decode::{Births, DecodeCache, Payload, Registry, Shown, page};
use crate::store::{Entry, Store};

#[derive(Debug, Default)]
pub struct DetailView {
    /// The first line of the payload on screen (a row, for a tree).
    pub scroll: usize,
    /// The tree's row the keys act on (`z`); clamped to the rows there are when used.
    pub cursor: usize,
    pub page: usize,
    /// Which pane the detail follows.
    pub from_log: bool,
    /// The older message of the topic the user stepped back to (`<`), held by its sequence
    /// number so new arrivals do not move it; None shows the newest.
    pub pinned: Option<u64>,
    /// Payloads decoded for the detail, so a redraw does not decode again.
    pub cache: RefCell<DecodeCache>,
    /// The shown topic's timing, worked out again only when its kept messages change.
    pub timing: RefCell<crate::app::features::latency::TimingMemo>,
    /// `d`: the shown message compared with the one before it on its topic.
    pub diff: bool,
    /// Folded maps and lists of a tree payload (`z`, `Z`).
    pub folds: crate::app::fold::Folds,
}

impl DetailView {
    /// Back to the top of the first page (a new message or a step through history).
    pub fn reset_position(&mut self) {
        self.scroll = 0;
        self.cursor = 0;
        self.page = 0;
    }

    /// The message shown for `base` (the selection's newest): the pinned older one while it
    /// is still kept, else `base`.
    pub fn entry<'s>(&self, store: &'s Store, base: &'s Entry) -> &'s Entry {
        self.pinned
            .and_then(|seq| store.entry(base.node, seq))
            .filter(|e| e.node == base.node && e.seq() <= base.seq())
            .unwrap_or(base)
    }

    /// Back to the newest message.
    pub fn unpin(&mut self) {
        self.pinned = None;
        self.reset_position();
    }

    /// Which of the topic's kept messages is shown: (1-based position, how many are kept).
    pub fn position(&self, store: &Store, base: &Entry) -> (usize, usize) {
        let shown = self.entry(store, base).seq();
        let kept = store.history(base.node).count();
        let at = store
            .history(base.node)
            .filter(|e| e.seq() <= shown)
            .count();
        (at.max(1), kept)
    }

    /// The payload of `e` decoded (once per message, page and view, then cached); `view`: one
    /// picked with `v` for its topic.
    pub fn shown(
        &self,
        store: &Store,
        registry: &Registry,
        births: &Births,
        e: &Entry,
        view: Option<&'static str>,
    ) -> Rc<Shown> {
        let topic = store.tree.path(e.node);
        let msg = Payload {
            seq: e.seq(),
            topic: &topic,
            bytes: store.payload(e),
            properties: store.properties(e),
            births: Some(births),
        };
        self.cache.borrow_mut().get(registry, msg, self.page, view)
    }

    pub fn scroll_by(&mut self, up: bool) {
        self.scroll = if up {
            self.scroll.saturating_sub(3)
        } else {
            self.scroll.saturating_add(3).min(usize::MAX / 2)
        };
    }

    pub fn turn_page(&mut self, forward: bool, payload_len: usize) {
        self.page = if forward {
            (self.page + 1).min(page::pages(payload_len) - 1)
        } else {
            self.page.saturating_sub(1)
        };
        self.scroll = 0;
        self.cursor = 0;
    }

    /// `<` and `>`: the older or newer message of the topic than the one shown. Reaching the
    /// newest follows the topic again.
    pub fn step_history(&mut self, older: bool, store: &Store, base: &Entry) {
        let current = self.entry(store, base).seq();
        let next = if older {
            store
                .history(base.node)
                .rev()
                .map(|e| e.seq())
                .find(|s| *s < current)
        } else {
            store
                .history(base.node)
                .map(|e| e.seq())
                .find(|s| *s > current)
        };
        match next {
            Some(seq) if seq < base.seq() => self.pinned = Some(seq),
            Some(_) => self.pinned = None,
            None if older => return,
            None => self.pinned = None,
        }
        self.reset_position();
    }
}

pub use super::detail_header::{HeaderNote, Tone};

impl App {
    /// The message the detail follows: the log's selection (or newest), or the tree's topic's
    /// newest.
    pub fn detail_base(&self) -> Option<&Entry> {
        if self.detail.from_log {
            let seq = self.log.selected.or_else(|| self.log_step(None, true, 0))?;
            self.link.store.log.get(seq)
        } else {
            self.link.store.last(self.tree.selected?)
        }
    }

    /// The tree node the detail summarises instead of a message: the tree's selection when it
    /// is a branch with no message of its own.
    pub fn detail_branch(&self) -> Option<crate::store::NodeId> {
        let id = self.tree.selected?;
        (!self.detail.from_log && self.link.store.last(id).is_none()).then_some(id)
    }

    /// The message before the shown one on its topic: what `d` compares it with.
    pub fn detail_previous(&self) -> Option<&Entry> {
        let e = self.detail_entry()?;
        self.link
            .store
            .history(e.node)
            .rev()
            .find(|p| p.seq() < e.seq())
    }

    /// The entry the detail pane shows.
    pub fn detail_entry(&self) -> Option<&Entry> {
        Some(self.detail.entry(&self.link.store, self.detail_base()?))
    }

    /// The detail's entry with its payload decoded.
    pub fn detail_shown(&self) -> Option<(&Entry, Rc<Shown>)> {
        let e = self.detail_entry()?;
        let view = self.views.get(&e.node).copied();
        let shown = self
            .detail
            .shown(&self.link.store, &self.decoders, &self.sparkplug, e, view);
        let shown = self.with_whole(e.seq(), self.with_run(e.seq(), shown));
        Some((e, shown))
    }

    /// `<` / `>` in the detail.
    pub fn detail_step(&mut self, older: bool) {
        let Some((node, seq)) = self.detail_base().map(|e| (e.node, e.seq())) else {
            return;
        };
        // Looked up again through the store field alone, so the view can change beside it.
        if let Some(base) = self.link.store.entry(node, seq) {
            self.detail.step_history(older, &self.link.store, base);
        }
    }
}
