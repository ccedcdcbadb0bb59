//! Text fields for forms (compose now; the properties form and the profile editor next): a
//! single-line or multi-line `TextArea` with the placeholder and styling every field shares,
//! and the paste and key handling that differ between the two.

use crossterm::event::KeyEvent;
use ratatui::style::{Color, Style};
use ratatui_textarea::{CursorMove, TextArea};

#[derive(Clone)]
pub struct TextField {
    pub area: TextArea<'static>,
    pub multiline: bool,
    placeholder: &'static str,
}

impl std::fmt::Debug for TextField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TextField({:?})", self.text())
    }
}

impl TextField {
    pub fn new(placeholder: &'static str, multiline: bool) -> TextField {
        TextField {
            area: styled(TextArea::default(), placeholder),
            multiline,
            placeholder,
        }
    }

    /// The text; a single-line field is one line whatever was typed or pasted.
    pub fn text(&self) -> String {
        if self.multiline {
            self.area.lines().join("\n")
        } else {
            self.area.lines().join("")
        }
    }

    /// Replaces the text, cursor at the end.
    pub fn set(&mut self, text: &str) {
        let lines: Vec<String> = if self.multiline {
            text.split('\n').map(str::to_string).collect()
        } else {
            vec![text.replace(['\r', '\n'], "")]
        };
        let mut area = styled(TextArea::new(lines), self.placeholder);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        self.area = area;
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.set("");
    }

    pub fn input(&mut self, key: KeyEvent) {
        self.area.input(key);
    }

    /// Pasted text: line breaks dropped in a single-line field. Terminals send CR for each line
    /// break of a paste (CR LF from some): both become one line break.
    pub fn paste(&mut self, text: &str) {
        if self.multiline {
            let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
            self.area.insert_str(normalized);
        } else {
            self.area.insert_str(text.replace(['\r', '\n'], ""));
        }
    }
}

fn styled(mut area: TextArea<'static>, placeholder: &'static str) -> TextArea<'static> {
    area.set_placeholder_text(placeholder);
    // Dim in colour; without colour the placeholder is shown plain (it is still text).
    area.set_placeholder_style(Style::default().fg(Color::DarkGray));
    area.set_cursor_line_style(Style::default());
    area
}
