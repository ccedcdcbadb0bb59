//! Colour in headless output (`--color auto|always|never`, and `NO_COLOR`): decided once at
//! the start for the process, so every line is painted the same way. Only our own words are
//! painted; what comes from the wire is escaped first and painted as a whole.

use std::sync::atomic::{AtomicBool, Ordering};

static ON: AtomicBool = AtomicBool::new(false);

/// `forced`: `--color always` (Some(true)) or `never` (Some(false)); `auto` (None) is on when
/// stdout is a terminal and `NO_COLOR` is unset or empty (<https://no-color.org>).
pub fn decide(forced: Option<bool>) {
    let on = forced.unwrap_or_else(|| {
        std::io::IsTerminal::is_terminal(&std::io::stdout())
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    });
    ON.store(on, Ordering::Relaxed);
}

pub fn on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// `text` (already escaped) in bold `code` (an SGR colour: 31 red, 36 cyan), when colour is on.
pub fn paint(text: &str, code: u8) -> std::borrow::Cow<'_, str> {
    if on() {
        format!("\x1b[1;{code}m{text}\x1b[0m").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn painted_only_when_on() {
        decide(Some(false));
        assert_eq!(paint("a/b", 36), "a/b");
        decide(Some(true));
        assert_eq!(paint("a/b", 36), "\x1b[1;36ma/b\x1b[0m");
        decide(Some(false));
    }
}
