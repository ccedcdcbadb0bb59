//! One field of a form (the profile editor, the alert editor, the replay popup): its label in a
//! column, its value fitted to the row (with a mark when cut), a cursor when in focus, and its
//! hint while it is empty.

use ratatui::text::{Line, Span};

use crate::text::fit;
use crate::ui::theme::theme;

/// `shown` is the value as drawn (escaped, or masked); `empty` says whether the field is.
pub fn line(
    label: &str,
    label_w: usize,
    shown: &str,
    empty: bool,
    hint: &str,
    focused: bool,
    w: usize,
) -> Line<'static> {
    let mut spans = vec![
        Span::styled(format!("{label:<label_w$}"), theme().dim),
        Span::styled(
            fit(shown, w.saturating_sub(label_w + 2)).into_owned(),
            if focused {
                theme().field_focused
            } else {
                ratatui::style::Style::new()
            },
        ),
    ];
    if focused {
        spans.push(Span::raw("█"));
    }
    if empty && !hint.is_empty() {
        spans.push(Span::styled(format!(" {hint}"), theme().dim));
    }
    Line::from(spans)
}
