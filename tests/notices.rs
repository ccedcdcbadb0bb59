//! What the user is told is never lost and never cut, and never pushes the status bar's own
//! segments out: a long error wraps onto lines above the bar at 120×40 and 80×24, stays until
//! the next key; information goes after a few seconds; the last notices are one key away.

mod common;
use common::door::Door;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::Level;

fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_long_error_wraps_above_the_bar_and_the_bar_keeps_its_segments() {
    let mut app = common::screen::connected_app("n");
    let long = format!(
        "profile 'lab' not saved: /home/user/.config/mqscope/config.toml: cannot write: {} (os error 28)",
        "No space left on device ".repeat(4).trim_end()
    );
    app.tell(Level::Error, long.clone());
    for (w, h) in [(120, 40), (80, 24)] {
        let screen = common::screen::screen(&mut app, w, h);
        let last = screen.lines().nth(h as usize - 1).unwrap_or("");
        assert!(
            last.contains("? help") && last.contains("msg/s"),
            "{w}×{h}: {last}"
        );
        assert!(
            flat(&screen).contains(&flat(&format!("✗ {long}"))),
            "{w}×{h}: the whole notice is on screen:\n{screen}"
        );
    }
    // A key: it has been seen, and goes.
    app.on_key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
    assert_eq!(app.notice_text(), None);
}

#[test]
fn information_goes_after_a_while_and_the_last_notices_are_one_key_away() {
    let mut app = common::screen::connected_app("n");
    let t0 = app.now;
    app.tell(Level::Info, "exported 3 of 3 to ./mqscope-a-b.jsonl".into());
    app.tell(
        Level::Warning,
        "no response on r to the request on q within 10 s".into(),
    );
    app.tell(
        Level::Info,
        "copied the topic (3 B) to the clipboard (OSC 52)".into(),
    );
    app.tick(t0 + Duration::from_secs(6));
    assert_eq!(app.notice_text(), None);
    app.on_key(KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT));
    let screen = common::screen::screen(&mut app, 120, 40);
    for said in ["exported 3 of 3", "no response on r", "copied the topic"] {
        assert!(screen.contains(said), "the list has {said:?}:\n{screen}");
    }
}
