//! Drawing: a pure function of the app state. Each pane has its module.

pub mod chart;
pub mod compose;
pub mod detail;
pub mod detail_branch;
pub mod diff;
pub mod log;
pub mod notice;
pub mod outline;
pub mod payload;
pub mod popup;
pub mod status;
pub mod svg;
pub mod theme;
pub mod titled;
pub mod tree;
mod tree_row;

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::{App, layout};
use crate::text;

pub(crate) fn border_style(focused: bool) -> Style {
    if focused {
        theme().border_focused
    } else {
        theme().border
    }
}

/// A pane's bordered block with its title cut to fit.
pub(crate) fn pane_block(
    title: &str,
    width: u16,
    focused: bool,
) -> ratatui::widgets::Block<'static> {
    let marker = theme().focus_marker;
    let title = if focused && !marker.is_empty() {
        format!("{marker}{title}")
    } else {
        title.to_string()
    };
    ratatui::widgets::Block::bordered()
        .title(text::fit(&title, width.saturating_sub(2) as usize).into_owned())
        .border_style(border_style(focused))
}

pub(crate) fn selected_style(focused: bool) -> Style {
    if focused {
        theme().selected
    } else {
        theme().selected_unfocused
    }
}

pub fn draw(f: &mut Frame, app: &App) {
    theme::select(app.colour);
    let size = f.area();
    let areas = layout::areas(size);
    if areas.too_small {
        let msg = text::fit("terminal too small", size.width as usize).into_owned();
        f.render_widget(Paragraph::new(Line::raw(msg)), size);
        return;
    }
    tree::draw(f, app, areas.tree);
    log::draw(f, app, areas.log);
    detail::draw(f, app, areas.detail);
    compose::draw(f, app, &areas);
    status::draw(f, app, areas.status);
    popup::draw(f, app, &areas, size);
    // Over everything, popups included: a save that failed with the editor open is told too.
    notice::draw(f, app, areas.status);
}
