//! `L` under `--open FILE`, through the real binary in tmux at 120×40 and 80×24, with no
//! broker: the recording's time stepped (a message on, a message back, its start, its end)
//! and played, the tree and the log showing what had arrived by that moment.

mod common;

use common::tmux::{Tmux, have_tmux};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

/// The status bar's count of messages shown.
fn shown(t: &Tmux) -> String {
    t.screen()
        .lines()
        .find(|l| l.contains(" shown"))
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_recordings_time_steps_back_and_forth_and_plays_at_both_sizes() {
    if !have_tmux("tmux_playback") {
        return;
    }
    for size in SIZES {
        let home = tempfile::tempdir().unwrap();
        let mut lines = vec![
            r#"{"recording":{"format":"mqscope recording","version":1,"started":"2026-12-08T03:00:00Z"}}"#.to_string(),
        ];
        // Five readings a second apart, then a last one 30 s later.
        for (i, at) in [0, 1000, 2000, 3000, 4000, 34000].iter().enumerate() {
            lines.push(format!(
                r#"{{"topic":"plant/temp","payload":"{}","offset_ms":{at}}}"#,
                20 + i
            ));
        }
        std::fs::write(home.path().join("rec.jsonl"), lines.join("\n") + "\n").unwrap();
        let t = Tmux::start_sized(home.path(), "--open rec.jsonl", "", size);
        t.wait_for_words("rec.jsonl: 6 messages read");
        t.keys(&["L"]);
        t.wait_for("■ the end: every message");
        // Home: the first message alone.
        t.keys(&["Home"]);
        t.wait_until("the first message alone", |l| {
            l.contains("⏸") && l.contains("+0.0 s of 34.0 s") && l.contains("1 message shown")
        });
        t.wait_for("= 20");
        // → two messages; → three; ← back to two (read again up to the one before).
        t.keys(&["Right"]);
        t.wait_until("two shown", |l| {
            l.contains("+1.0 s") && l.contains("2 messages shown")
        });
        t.keys(&["Right"]);
        t.wait_until("three shown", |l| {
            l.contains("+2.0 s") && l.contains("3 messages shown")
        });
        t.wait_for("= 22");
        t.keys(&["Left"]);
        t.wait_until("back to two", |l| l.contains("2 messages shown"));
        t.wait_for("= 21");
        // PgDn: 10 s on, past the fifth reading, not yet the last.
        t.keys(&["PageDown"]);
        t.wait_until("ten seconds on", |l| {
            l.contains("+11.0 s") && l.contains("5 messages shown")
        });
        // Played at 16×: the last reading, 23 s on, comes within a few seconds.
        t.keys(&["+", "+", "+", "+"]);
        t.wait_until("16×", |l| l.contains("(16× on Space)"));
        t.keys(&["Space"]);
        t.wait_for("▶ playing 16×");
        t.wait_for("= 25");
        t.wait_until("all shown", |l| l.contains("6 messages shown"));
        let last = shown(&t);
        assert!(last.contains("6 messages shown"), "{size:?}: {last}");
        t.keys(&["Escape"]);
        t.wait_gone("Recording's time");
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    }
}
