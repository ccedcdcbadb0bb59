//! Popups, drawn bottom to top over the panes; one file each, like `app/popup/`.

mod alert_edit;
mod alerts;
mod all_tree;
mod broker;
mod cleanup;
mod compare;
mod confirm;
mod conns;
mod fields;
mod file;
mod filter;
mod floods;
mod help;
mod history;
mod info;
mod mock;
mod notices;
mod picker;
mod playback;
mod profile_edit;
pub mod props;
mod repeat;
mod replay;
pub mod subscriptions;
mod text;
mod trace;
mod view;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::App;
use crate::app::layout::Areas;
use crate::app::popup::Popup;

/// A popup `w`×`h` centred in `area`: cleared, bordered, its title fitted to the border (cut
/// with a mark); returns the inside.
pub(super) fn framed(f: &mut Frame, area: Rect, w: u16, h: u16, title: &str) -> Rect {
    let popup = centered(area, w, h);
    f.render_widget(ratatui::widgets::Clear, popup);
    let block = ratatui::widgets::Block::bordered()
        .title(crate::text::fit(title, popup.width.saturating_sub(2) as usize).into_owned())
        .border_style(crate::ui::theme::theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    inner
}

/// The first row to show of a list `rows` rows high so that row `selected` is in view.
pub(super) fn window_top(selected: usize, rows: usize) -> usize {
    (selected + 1).saturating_sub(rows)
}

pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn draw(f: &mut Frame, app: &App, areas: &Areas, size: Rect) {
    for popup in &app.popups {
        match popup {
            Popup::Help(p) => help::draw(f, app, size, p),
            Popup::Picker(p) => picker::draw(f, app, size, p),
            Popup::View(p) => view::draw(f, size, p),
            Popup::Confirm(p) => confirm::draw(f, size, p),
            Popup::Subs(p) => subscriptions::draw(f, app, size, p),
            Popup::Info(_) => info::draw(f, app, size),
            Popup::Props(p) => props::draw(f, size, p),
            Popup::Text(p) => text::draw(f, size, p),
            Popup::Notices => notices::draw(f, app, size),
            Popup::Trace(p) => trace::draw(f, app, p, size),
            Popup::Conns(p) => conns::draw(f, app, p, size),
            Popup::AllTree(p) => all_tree::draw(f, app, p, size),
            Popup::Compare(topic) => compare::draw(f, app, topic, size),
            Popup::Broker(opened) => broker::draw(f, app, *opened, size),
            Popup::Floods(p) => floods::draw(f, app, p, size),
            Popup::Alerts(p) => alerts::draw(f, app, p, size),
            Popup::AlertForm(p) => alert_edit::draw(f, app, size, p),
            Popup::Replay(p) => replay::draw(f, app, size, p),
            Popup::Playback => playback::draw(f, app, size),
            Popup::Mock(p) => mock::draw(f, app, p, size),
            Popup::Cleanup(p) => cleanup::draw(f, app, size, p),
            Popup::History(p) => history::draw(f, app, size, p),
            Popup::Repeat(p) => repeat::draw(f, size, p),
            Popup::File(p) => file::draw(f, areas.compose, &p.path),
            Popup::Profile(p) => profile_edit::draw(f, app, size, p),
            Popup::Filter(p) => {
                if p.tree {
                    filter::draw(f, areas.tree, &app.tree.filter.text)
                } else {
                    filter::draw(f, areas.log, &app.log.filter.text)
                }
            }
        }
    }
}
