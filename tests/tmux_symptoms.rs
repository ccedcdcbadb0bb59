//! The symptoms issues 18 and 19 listed, each seen through the real binary in tmux at 120×40
//! and 80×24, against mosquitto: what the user is told is whole (it wraps above the bar) and
//! the bar keeps its own segments; a finished clean-up takes `u`; a repeat's progress stays
//! beside each outcome; a request without a responder says "no response"; `?` names each
//! prompt; a big document is read whole with `W`; `J` and `z` fold at the cursor row.

mod common;

use std::process::Command;

use common::have_mosquitto;
use common::mosquitto::Mosquitto;
use common::tmux::{Tmux, have_tmux};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

/// Publishes the file at `path` (retained) with mosquitto_pub.
fn publish_file(m: &Mosquitto, topic: &str, path: &std::path::Path) {
    let status = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &m.port.to_string()])
        .args(["-t", topic, "-q", "1", "-r", "-f"])
        .arg(path)
        .status()
        .expect("mosquitto_pub");
    assert!(status.success());
}

fn publish(m: &Mosquitto, topic: &str, payload: &str, retain: bool) {
    let mut cmd = Command::new("mosquitto_pub");
    cmd.args(["-h", "127.0.0.1", "-p", &m.port.to_string()])
        .args(["-t", topic, "-m", payload, "-q", "1"]);
    if retain {
        cmd.arg("-r");
    }
    assert!(cmd.status().expect("mosquitto_pub").success());
}

/// What mosquitto retains on `topic`, as its payload ("" for nothing).
fn retained(m: &Mosquitto, topic: &str) -> String {
    let out = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &m.port.to_string()])
        .args(["-t", topic, "--retained-only", "-C", "1", "-W", "3"])
        .output()
        .expect("mosquitto_sub");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The bottom row: the status bar keeps its state, its memory figure and its hint whatever
/// is told (at 80 columns in a text field, the longer hint leaves no room for the rate: that
/// is the bar's own choice, not a notice's).
fn bar_is_whole(t: &Tmux, size: (u16, u16)) {
    let screen = t.screen();
    let last = screen.lines().last().unwrap_or("");
    // (In a text field the hint says how to leave it: `?` types a character there.)
    assert!(
        last.starts_with("● connected")
            && last.contains("MiB")
            && (last.contains("? help") || last.contains("Esc leaves the field")),
        "{size:?}: the bar lost its segments: {last}\n{screen}"
    );
}

/// Esc, then `q` once the screen has taken the Esc (sent together, a terminal reads them as
/// Alt+q), and the exit status.
fn leave_and_quit(t: &Tmux) {
    escape(t);
    t.keys(&["q"]);
    t.wait_for("EXIT=0");
}

/// Esc, alone: the next key waits until the panes have it back (`? help` on the bar).
fn escape(t: &Tmux) {
    t.keys(&["Escape"]);
    t.wait_for("? help");
}

/// Runs `scenario` against one mosquitto at each size, each in a fresh home; skips (fails
/// under CI) without mosquitto or tmux.
fn at_both_sizes(test: &str, scenario: impl Fn(&Mosquitto, &std::path::Path, (u16, u16))) {
    if !have_mosquitto(test) || !have_tmux(test) {
        return;
    }
    let m = Mosquitto::start();
    for size in SIZES {
        let home = tempfile::tempdir().unwrap();
        scenario(&m, home.path(), size);
    }
}

/// The explorer on `m`, subscribed to `sym/#`, at `size`, with a profile file in `home`.
fn explorer(m: &Mosquitto, home: &std::path::Path, size: (u16, u16)) -> Tmux {
    let t = Tmux::start_sized(home, &format!("-b {} -t sym/#", m.url()), "", size);
    t.wait_for("● connected");
    t
}

#[test]
fn an_export_a_missing_file_and_a_bad_filter_are_told_whole_at_both_sizes() {
    at_both_sizes("tmux_symptoms_told", |m, home, size| {
        publish(m, "sym/a", "21.5", true);
        let t = explorer(m, home, size);
        t.wait_for("21.5");
        // `e` on the first topic (selected at once): the export's path is told.
        t.keys(&["e"]);
        let words = common::tmux::flat(&t.wait_for_words("exported 1 message of sym/a to"));
        let written: Vec<String> = std::fs::read_dir(home)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("mqscope-sym_a-") && n.ends_with(".jsonl"))
            .collect();
        assert_eq!(written.len(), 1, "{size:?}: {written:?}");
        assert!(
            words.contains(&written[0]),
            "{size:?}: the path is told: {words}"
        );
        bar_is_whole(&t, size);
        // Ctrl+F with a file that is not there: the reason and the path, whole.
        t.keys(&["Tab", "Tab", "C-f"]);
        t.text("/nonexistent/mqscope/payload.bin");
        t.keys(&["Enter"]);
        t.wait_for_words("payload not loaded");
        t.wait_for_words("/nonexistent/mqscope/payload.bin");
        bar_is_whole(&t, size);
        // A filter that does not parse: the pane's title may cut it, the notice does not.
        escape(&t);
        t.keys(&["/"]);
        t.text("re:([a-z");
        t.keys(&["Enter"]);
        // The notice's own words ("! …:"): the pane's title says "filter: re:([a-z ·" while
        // the prompt is still open, and matching that raced the Enter.
        let words = common::tmux::flat(&t.wait_for_words("! filter: re:([a-z:"));
        assert!(
            words.contains("unclosed"),
            "{size:?}: why it does not parse: {words}"
        );
        bar_is_whole(&t, size);
        t.keys(&["/"]);
        leave_and_quit(&t);
    });
}

#[test]
fn help_names_each_prompt_as_itself_at_both_sizes() {
    at_both_sizes("tmux_symptoms_help", |m, home, size| {
        let t = explorer(m, home, size);
        for (search, context) in [
            ("digit", "repeat prompt"),
            ("path", "file prompt"),
            ("of this name", "snippet name prompt"),
        ] {
            t.keys(&["?"]);
            t.text(search);
            let words = common::tmux::flat(&t.wait_for_words(context));
            assert!(
                !words.contains("filter prompt Enter apply the filter"),
                "{size:?}: {search}: {words}"
            );
            escape(&t);
        }
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    });
}

#[test]
fn a_repeat_keeps_its_progress_and_a_request_without_a_responder_is_told_at_both_sizes() {
    at_both_sizes("tmux_symptoms_repeat", |m, home, size| {
        let t = explorer(m, home, size);
        // Compose sym/r = x, then Ctrl+R: 3 times, every 0.5 s.
        t.keys(&["Tab", "Tab"]);
        t.text("sym/r");
        t.keys(&["Enter"]);
        t.text("x");
        t.keys(&["C-r", "C-u"]);
        t.text("3");
        t.keys(&["Tab", "C-u"]);
        t.text("0.5");
        t.keys(&["Enter"]);
        // Each outcome shows beside the progress (it once replaced it).
        t.wait_for_words("of 3 sent (Ctrl+R stops) · last: sent (QoS 0)");
        t.wait_for_words("repeat done: 3 sent · last: sent (QoS 0)");
        // A request: a response topic (Ctrl+O, the third field), nobody answers.
        t.keys(&["C-o", "Tab", "Tab", "Tab"]);
        t.text("sym/reply");
        t.keys(&["C-s", "C-s"]);
        t.wait_for_words("no response on sym/reply to the request on sym/r within 10 s");
        bar_is_whole(&t, size);
        leave_and_quit(&t);
    });
}

#[test]
fn a_finished_clean_up_takes_u_at_both_sizes() {
    at_both_sizes("tmux_symptoms_cleanup", |m, home, size| {
        publish(m, "sym/keep", "on", true);
        let t = explorer(m, home, size);
        t.wait_for("keep");
        // The first topic is selected: D looks, Enter clears.
        t.keys(&["D"]);
        t.wait_for_words("Enter clears them all");
        t.keys(&["Enter"]);
        t.wait_for_words("cleared 1 retained messages under sym/keep; u puts them back");
        assert_eq!(
            retained(m, "sym/keep"),
            "",
            "{size:?}: cleared on the broker"
        );
        // The finished popup takes `u` (it once stayed open and swallowed it).
        t.keys(&["u"]);
        t.wait_for_words("restored 1 retained messages");
        assert_eq!(
            retained(m, "sym/keep"),
            "on",
            "{size:?}: back on the broker"
        );
        leave_and_quit(&t);
    });
}

/// A 2.5 MiB JSON document: text pages with the reason and the key in the header, never a
/// false error; `W` reads it whole off the loop and the tree is shown.
#[test]
fn a_big_document_is_read_whole_with_w_at_both_sizes() {
    at_both_sizes("tmux_symptoms_big_document", |m, home, size| {
        let doc = common::views::big_json(2_500_000);
        let path = home.join("doc.json");
        std::fs::write(&path, &doc).unwrap();
        publish_file(m, "sym/doc", &path);
        let t = explorer(m, home, size);
        let words = common::tmux::flat(&t.wait_for_words("W reads it whole"));
        assert!(
            words.contains("is past the 1.0 MiB read at once"),
            "{size:?}: {words}"
        );
        assert!(!words.contains("EOF"), "{size:?}: no false error: {words}");
        t.keys(&["W"]);
        t.wait_for("row 1 of");
        let words = common::tmux::flat(&t.words());
        assert!(!words.contains("W reads it whole"), "{size:?}: {words}");
        bar_is_whole(&t, size);
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    });
}

/// `J` moves the detail's cursor one row, `z` folds the map it is on (a scroll of three once
/// skipped rows that could then not be folded).
#[test]
fn j_and_z_fold_at_the_cursor_row_at_both_sizes() {
    at_both_sizes("tmux_symptoms_fold", |m, home, size| {
        publish(m, "sym/n", r#"{"a":{"b":1,"c":2},"d":[1,2,3]}"#, true);
        let t = explorer(m, home, size);
        t.wait_for("row 1 of 11");
        t.keys(&["J"]);
        t.wait_for("row 2 of 11");
        t.keys(&["z"]);
        // (At 80×24 the position also says which rows are on screen.)
        t.wait_for("row 2 of 8");
        t.wait_for("1 folded");
        t.wait_for("{… 2 keys},");
        t.keys(&["z"]);
        t.wait_for("row 2 of 11");
        bar_is_whole(&t, size);
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    });
}

/// `T` lists the connection's packets from the real worker: CONNECT, CONNACK, the explorer's
/// SUBSCRIBE and its SUBACK with a round trip; typing a packet id filters.
#[test]
fn t_shows_the_connections_packets_at_both_sizes() {
    at_both_sizes("tmux_symptoms_trace", |m, home, size| {
        let t = explorer(m, home, size);
        t.keys(&["T"]);
        t.wait_for("→ CONNECT client id");
        t.wait_for("← SUBACK 1 granted");
        let screen = t.screen();
        assert!(
            screen.contains("→ SUBSCRIBE 1 'sym/#'"),
            "{size:?}:\n{screen}"
        );
        t.text("1");
        t.wait_for("filter: 1");
        let screen = t.screen();
        assert!(
            !screen.contains("→ CONNECT"),
            "{size:?}: filtered by packet id:\n{screen}"
        );
        t.keys(&["Escape"]);
        t.wait_for("? help");
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    });
}
