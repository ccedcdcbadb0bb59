//! The current notice, drawn on its own lines just above the status bar: wrapped to the width,
//! never cut (at most the screen's height above the bar), so the bar keeps every segment of its
//! own. Warnings and errors are marked (`!`, `✗`) as well as coloured, for NO_COLOR.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{App, Level};
use crate::text::{clean, width};

/// `text` in lines of at most `max` columns: at spaces where it can, inside a word that is
/// longer than a line.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w = width(word);
        let gap = usize::from(!line.is_empty());
        if used + gap + w <= max {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += gap + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        // A word longer than a line is cut across lines, character by character.
        for c in word.chars() {
            let cw = width(c.encode_utf8(&mut [0; 4]));
            if used + cw > max && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

pub fn draw(f: &mut Frame, app: &App, status: Rect) {
    let Some(n) = app.notices.current() else {
        return;
    };
    let (mark, style) = match n.level {
        Level::Info => ("", theme().ok),
        Level::Warning => ("! ", theme().warn),
        Level::Error => ("✗ ", theme().error),
    };
    let text = format!("{mark}{}", clean(&n.text));
    let lines = wrap(&text, status.width as usize);
    let rows = (lines.len() as u16).min(status.y);
    if rows == 0 {
        return;
    }
    // The last lines if the screen is shorter than the notice: the end says what happened.
    let shown: Vec<Line> = lines[lines.len() - rows as usize..]
        .iter()
        .map(|l| Line::styled(l.clone(), style))
        .collect();
    let area = Rect::new(status.x, status.y - rows, status.width, rows);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(shown), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_cuts_only_words_longer_than_a_line() {
        assert_eq!(
            wrap("profile 'lab' not saved: no", 12),
            ["profile", "'lab' not", "saved: no"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("温度温度", 5), ["温度", "温度"]);
    }
}
