//! `L` in the explorer, through the real binary in tmux at 120×40 and 80×24 against
//! mosquitto: a hand-written recording (a binary retained payload, a bad line) replayed under
//! a prefix, checked by mosquitto_sub (not our own client); the popup and the bar say how it
//! went; a looping replay is stopped by `Ctrl+S` again.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::headless::finish;
use common::mosquitto::Mosquitto;
use common::tmux::{Tmux, have_tmux};
use common::{have_mosquitto, stdout, write};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

#[test]
fn l_replays_a_recording_under_a_prefix_and_a_loop_stops_at_both_sizes() {
    if !have_mosquitto("tmux_replay") || !have_tmux("tmux_replay") {
        return;
    }
    let m = Mosquitto::start();
    for size in SIZES {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path();
        let lines = [
            r#"{"recording":{"format":"mqscope recording","version":1}}"#,
            r#"{"topic":"dev/bin","payload":"AP/+ChuA","encoding":"base64","qos":1,"retain":true,"offset_ms":0}"#,
            r#"{"topic":"dev/x""#,
            r#"{"topic":"dev/t","payload":"one","qos":1,"offset_ms":100}"#,
            r#"{"topic":"dev/t","payload":"two","qos":2,"offset_ms":300}"#,
        ];
        write(dir, "rec.jsonl", lines.join("\n") + "\n");
        // A prefix per size: what the first size's replay retained is not the second's.
        let prefix = format!("again{}", size.0);
        let filter = format!("{prefix}/#");
        let id = format!("replay-check-{}", size.0);
        let checker = Command::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &m.port.to_string(), "-i", &id])
            .args(["-V", "5", "--retain-as-published"])
            .args(["-q", "2", "-t", &filter, "-C", "3", "-F", "%t %r %x"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("mosquitto_sub");
        assert!(m.logged(&[&id, &filter], Duration::from_secs(20)));
        let t = Tmux::start_sized(dir, &format!("-b {} -t {filter}", m.url()), "", size);
        t.wait_for("● connected");
        t.keys(&["L"]);
        t.wait_for("Replay a recording");
        t.text("rec.jsonl");
        t.keys(&["Enter", "Enter", "C-u"]);
        t.text(&prefix);
        t.wait_for(&format!("ready: rec.jsonl at 1×, under {prefix}/"));
        t.keys(&["C-s"]);
        t.wait_for_words(
            "replayed 3 messages: 3 settled, 0 failed, 0 unknown; 1 bad lines skipped",
        );
        t.wait_for("line 3 skipped: not JSON");
        let got = stdout(&finish(checker));
        assert_eq!(
            got,
            format!(
                "{prefix}/dev/bin 1 00fffe0a1b80\n{prefix}/dev/t 0 6f6e65\n{prefix}/dev/t 0 74776f\n"
            ),
            "{size:?}"
        );
        // The explorer, subscribed to the prefix, sees them come back.
        t.wait_until("the replayed message in the log", |l| {
            l.contains("/dev/t") && l.contains("two")
        });
        // A loop runs until Ctrl+S again.
        t.keys(&["Down", "C-u"]);
        t.text("true");
        t.wait_for("looping");
        t.keys(&["C-s"]);
        t.wait_for("▶ replay");
        t.wait_until("a second pass", |l| {
            l.contains("pass 2") || l.contains("pass 3")
        });
        t.keys(&["C-s"]);
        t.wait_for_words("; stopped");
        t.keys(&["Escape"]);
        t.wait_gone("Replay a recording");
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    }
}
