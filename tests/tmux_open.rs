//! `mqscope --open FILE` through the real binary in tmux at 120×40 and 80×24, with no broker:
//! a hand-written recording fills the tree, its JSON payload is shown decoded, a bad line is
//! told by number, the filter works on it, and a file that is not there is one line.

mod common;

use std::time::Duration;

use common::tmux::{Tmux, flat, have_tmux};
use common::{mqscope, run, stderr};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

#[test]
fn a_recording_opens_with_no_broker_at_both_sizes() {
    if !have_tmux("tmux_open") {
        return;
    }
    for size in SIZES {
        let home = tempfile::tempdir().unwrap();
        let lines = [
            r#"{"recording":{"format":"mqscope recording","version":1,"started":"2026-12-08T03:00:00Z"}}"#,
            r#"{"topic":"plant/line1/temp","payload":"{\"t\":21.5,\"unit\":\"C\"}","qos":1,"offset_ms":0}"#,
            r#"{"topic":"plant/line1/raw","payload":"AP8b","encoding":"base64","offset_ms":10}"#,
            r#"{"topic":"plant/line2/temp","payload":"{\"t\":19.25}""#,
            r#"{"topic":"plant/line2/temp","payload":"{\"t\":19.25}","retain":true,"offset_ms":20}"#,
        ];
        std::fs::write(home.path().join("rec.jsonl"), lines.join("\n")).unwrap();
        let t = Tmux::start_sized(home.path(), "--open rec.jsonl", "", size);
        t.wait_for("a recording, no broker");
        let words = flat(&t.wait_for_words("rec.jsonl: 3 messages read; 1 bad line skipped"));
        assert!(words.contains("line 4: not JSON"), "{size:?}: {words}");
        t.wait_for("line1");
        t.wait_for("21.5");
        let bar = t.screen().lines().last().unwrap_or("").to_string();
        assert!(bar.starts_with("▤ rec.jsonl"), "{size:?}: {bar}");
        // The filter on the file's topics: line2 alone stays.
        t.keys(&["/"]);
        t.text("line2");
        t.keys(&["Enter"]);
        t.wait_for("Topics 1 of 3 · filter:");
        let screen = t.screen();
        // The tree (the left pane) keeps line2 alone; the log has its own filter.
        let tree: Vec<String> = screen
            .lines()
            .map(|l| l.chars().take(size.0 as usize / 3).collect())
            .collect();
        assert!(
            tree.iter().any(|l| l.contains("line2")) && !tree.iter().any(|l| l.contains("line1")),
            "{size:?}: {screen}"
        );
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    }
    let home = tempfile::tempdir().unwrap();
    let mut cmd = mqscope(home.path());
    cmd.args(["--open", "/nonexistent/rec.jsonl"]);
    let out = run(cmd, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--open /nonexistent/rec.jsonl: cannot open it"),
        "{}",
        stderr(&out)
    );
}
