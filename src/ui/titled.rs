//! The detail's frame, shared by a message's detail and a branch's summary.

use ratatui::widgets::Block;

use crate::text::{clean, fit};
use crate::ui::theme::theme;

/// The detail's frame, titled with a topic shortened in the middle (the last level kept).
pub fn topic_block(topic: &str, width: u16) -> Block<'static> {
    let title = format!(
        " {} ",
        crate::text::fit_topic(&clean(topic), width.saturating_sub(4) as usize)
    );
    Block::bordered()
        .title(fit(&title, width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().dim)
}
