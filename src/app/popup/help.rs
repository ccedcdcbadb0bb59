//! `?`: every binding of the keymap table, the focused pane's first, searched as you type (a
//! word finds a feature: "retained", "chart", "export"), and Enter does what the chosen key does
//! when it works where you are (a command palette, as editors have). Generated from the one
//! keymap table.

use crate::app::focus::Focus;
use crate::app::keymap::{Action, Binding, Ctx, bindings};

use super::{Intent, Outcome, edit_line};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpPopup {
    /// What is typed: every word must be in a row's keys, context or description.
    pub query: String,
    /// The chosen row, among those the query leaves.
    pub selected: usize,
    /// Why Enter did nothing (the key works in a popup or a field).
    pub note: Option<String>,
}

/// The rows a page of the palette shows on a terminal `rows` high: what PgDn moves by (it
/// once moved 10 of 38). The popup is the terminal's height less its borders, the search line
/// and the note line (`ui/popup/help.rs`).
pub fn page_rows(rows: u16) -> usize {
    (rows as usize).saturating_sub(4).max(1)
}

/// One row of the help: the binding, its keys in words.
pub type Row = (&'static Binding, String);

/// The contexts of the focused place, shown first: where the user is now.
fn here(focus: Focus) -> &'static [Ctx] {
    match focus {
        Focus::Tree => &[Ctx::Tree, Ctx::Panes, Ctx::Anywhere],
        Focus::Log => &[Ctx::Log, Ctx::Panes, Ctx::Anywhere],
        Focus::Compose(crate::app::compose::Field::Qos) => &[Ctx::Qos, Ctx::Compose, Ctx::Anywhere],
        Focus::Compose(crate::app::compose::Field::Retain) => {
            &[Ctx::Retain, Ctx::Compose, Ctx::Anywhere]
        }
        Focus::Compose(_) => &[Ctx::Compose, Ctx::Anywhere],
    }
}

/// The rows the query leaves, the focused place's first (in table order within each group).
pub fn rows(query: &str, focus: Focus) -> Vec<Row> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let first = here(focus);
    let mut rows: Vec<Row> = bindings()
        .filter(|(b, keys)| {
            let hay = format!("{keys} {} {}", b.ctx.label(), b.help).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect();
    rows.sort_by_key(|(b, _)| {
        first
            .iter()
            .position(|c| *c == b.ctx)
            .unwrap_or(first.len())
    });
    rows
}

impl HelpPopup {
    /// A key; `focus` is the pane focused behind the palette (its keys come first); `page`
    /// the rows a page shows.
    pub fn on_key(
        &mut self,
        focus: Focus,
        page: usize,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        let count = rows(&self.query, focus).len();
        let last = count.saturating_sub(1);
        match (action, typed) {
            // `?` again closes, as it opened.
            (_, Some('?')) => return Outcome::Close,
            // Every character typed searches (whatever it is bound to elsewhere).
            (_, Some(c)) => {
                edit_line(&mut self.query, None, Some(c), |_| true);
                self.selected = 0;
                self.note = None;
            }
            (Some(Action::DeleteBack | Action::ClearInput), _)
                if edit_line(&mut self.query, action, typed, |_| true) =>
            {
                self.selected = 0;
                self.note = None;
            }
            (Some(Action::Down), _) => self.selected = (self.selected + 1).min(last),
            (Some(Action::Up), _) => self.selected = self.selected.saturating_sub(1),
            (Some(Action::PageDown), _) => self.selected = (self.selected + page).min(last),
            (Some(Action::PageUp), _) => self.selected = self.selected.saturating_sub(page),
            (Some(Action::Home), _) => self.selected = 0,
            (Some(Action::End), _) => self.selected = last,
            (Some(Action::Confirm), _) => {
                let Some((b, keys)) = rows(&self.query, focus).into_iter().nth(self.selected)
                else {
                    return Outcome::Keep;
                };
                // What works from the panes runs now (a pane's own key moves the focus there
                // first); a popup's or a field's key is said, not run.
                let runnable = match b.ctx {
                    Ctx::Anywhere | Ctx::Panes => Some(None),
                    Ctx::Tree => Some(Some(Focus::Tree)),
                    Ctx::Log => Some(Some(Focus::Log)),
                    _ => None,
                };
                if let Some(focus) = runnable
                    && !matches!(b.action, Action::Help)
                {
                    return Outcome::CloseAnd(Intent::Act {
                        action: b.action,
                        focus,
                    });
                }
                self.note = Some(format!(
                    "{keys} works in the {}: press it there",
                    b.ctx.label()
                ));
            }
            (Some(Action::Close), _) => return Outcome::Close,
            _ => {}
        }
        Outcome::Keep
    }
}
