//! One theme the panes read, instead of colours written where they are used. Two variants: in
//! colour, and without (NO_COLOR, https://no-color.org), where focus and selection stay visible
//! through reverse video, bold and underline.
//!
//! `ui::draw` selects the variant from the app state at the start of every frame; helpers
//! deep in the drawing code read it with `theme()` instead of taking it as one more parameter.

use std::cell::Cell;

use ratatui::style::{Color, Modifier, Style};

pub struct Theme {
    /// Labels, placeholders, secondary text.
    pub dim: Style,
    pub border: Style,
    pub border_focused: Style,
    /// Popup frames, the hex dump's ASCII column.
    pub accent: Style,
    pub warn: Style,
    pub error: Style,
    pub ok: Style,
    /// The selected row of the focused pane, and of an unfocused one.
    pub selected: Style,
    pub selected_unfocused: Style,
    /// A text field that has the keys.
    pub field_focused: Style,
    /// The chosen option of a selector (QoS).
    pub chosen: Style,
    pub bold: Style,
    /// "TLS verification off".
    pub alarm: Style,
    /// The filter prompt.
    pub prompt: Style,
    /// Decoded values: keys, strings, numbers, true/false/null.
    pub key: Style,
    pub string: Style,
    pub number: Style,
    pub keyword: Style,
    /// Our own publishes in the log.
    pub outgoing: Style,
    /// Put before the focused pane's title: without colour, a border's colour cannot say it.
    pub focus_marker: &'static str,
    /// Each subscription's mark in the log: a coloured bar, or without colour a digit.
    pub sub_marks: [(&'static str, Style); 6],
}

const fn fg(c: Color) -> Style {
    Style::new().fg(c)
}

const fn with(m: Modifier) -> Style {
    Style::new().add_modifier(m)
}

pub static COLOUR: Theme = Theme {
    dim: fg(Color::DarkGray),
    border: fg(Color::DarkGray),
    border_focused: fg(Color::Cyan),
    accent: fg(Color::Cyan),
    warn: fg(Color::Yellow),
    error: fg(Color::Red),
    ok: fg(Color::Green),
    selected: with(Modifier::REVERSED),
    selected_unfocused: Style::new().bg(Color::DarkGray),
    field_focused: Style::new().bg(Color::Rgb(40, 40, 60)),
    chosen: fg(Color::Yellow).add_modifier(Modifier::BOLD),
    bold: with(Modifier::BOLD),
    alarm: fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
    prompt: fg(Color::Black).bg(Color::Yellow),
    key: fg(Color::Cyan).add_modifier(Modifier::BOLD),
    string: fg(Color::Green),
    number: fg(Color::Yellow),
    keyword: fg(Color::Magenta),
    outgoing: fg(Color::Cyan),
    focus_marker: "",
    sub_marks: [
        ("▌", fg(Color::Cyan)),
        ("▌", fg(Color::Magenta)),
        ("▌", fg(Color::Yellow)),
        ("▌", fg(Color::Green)),
        ("▌", fg(Color::Blue)),
        ("▌", fg(Color::Red)),
    ],
};

pub static PLAIN: Theme = Theme {
    dim: Style::new(),
    border: Style::new(),
    border_focused: with(Modifier::BOLD),
    accent: Style::new(),
    warn: with(Modifier::BOLD),
    error: with(Modifier::BOLD),
    ok: Style::new(),
    selected: with(Modifier::REVERSED),
    // Without a background colour, an unfocused selection is underlined.
    selected_unfocused: with(Modifier::UNDERLINED).add_modifier(Modifier::BOLD),
    field_focused: with(Modifier::UNDERLINED),
    chosen: with(Modifier::BOLD),
    bold: with(Modifier::BOLD),
    alarm: with(Modifier::REVERSED).add_modifier(Modifier::BOLD),
    prompt: with(Modifier::REVERSED),
    key: with(Modifier::BOLD),
    string: Style::new(),
    number: Style::new(),
    keyword: Style::new(),
    outgoing: with(Modifier::ITALIC),
    focus_marker: "▶",
    sub_marks: [
        ("1", Style::new()),
        ("2", Style::new()),
        ("3", Style::new()),
        ("4", Style::new()),
        ("5", Style::new()),
        ("6", Style::new()),
    ],
};

thread_local! {
    static COLOURED: Cell<bool> = const { Cell::new(true) };
}

/// Chooses the variant for the frame being drawn.
pub(super) fn select(colour: bool) {
    COLOURED.with(|c| c.set(colour));
}

/// The theme of the frame being drawn.
pub fn theme() -> &'static Theme {
    if COLOURED.with(|c| c.get()) {
        &COLOUR
    } else {
        &PLAIN
    }
}

/// Whether the environment asks for no colour (NO_COLOR set and not empty).
pub fn colour_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
