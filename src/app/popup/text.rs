//! A text to read (the mosquitto_pub command that was copied): any key closes it.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPopup {
    pub title: String,
    /// Already safe to draw (made by mqscope, wire text escaped).
    pub text: String,
    /// A line under it (what could not be said), if any.
    pub note: Option<String>,
}
