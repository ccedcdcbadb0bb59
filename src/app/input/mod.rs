//! Keys and the mouse: the keymap (one table, which also generates `?`), routing a key to
//! the popup on top or the focused pane, the focus order, the layout the mouse is hit-tested
//! against, and the text fields forms share.

pub mod focus;
pub mod form;
pub mod keymap;
pub mod layout;
pub mod routing;
