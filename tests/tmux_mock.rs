//! `--mock RULES.toml` in the explorer, through the real binary in tmux at 120×40 and 80×24
//! against mosquitto: a request answered (seen by mosquitto_sub), `O` showing the rule's
//! counts, and the rule turned off with Space answering no more.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::headless::finish;
use common::mosquitto::Mosquitto;
use common::tmux::{Tmux, have_tmux};
use common::{have_mosquitto, stdout, write};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

#[test]
fn mock_rules_answer_in_the_explorer_and_turn_off_at_both_sizes() {
    if !have_mosquitto("tmux_mock") || !have_tmux("tmux_mock") {
        return;
    }
    let m = Mosquitto::start();
    for size in SIZES {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path();
        let topic = format!("door{}", size.0);
        let rules = write(
            dir,
            "rules.toml",
            format!(
                "[[rules]]\nname = \"door\"\nfilter = \"{topic}/set\"\ntopic = \"{topic}/state\"\npayload = \"{{{{payload}}}}\"\n"
            ),
        );
        let args = format!("-b {} -t {topic}/# --mock {}", m.url(), rules.display());
        let t = Tmux::start_sized(dir, &args, "", size);
        t.wait_for("● connected");
        assert!(m.logged(&[&format!("{topic}/#")], Duration::from_secs(20)));
        let id = format!("mock-check-{}", size.0);
        let state = Command::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &m.port.to_string(), "-i", &id])
            .args(["-t", &format!("{topic}/state"), "-C", "1"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        assert!(m.logged(&[&id], Duration::from_secs(20)));
        m.publish(&format!("{topic}/set"), "open");
        assert_eq!(stdout(&finish(state)), "open\n");
        t.keys(&["O"]);
        t.wait_for("Devices that answer");
        t.wait_until("the rule's counts", |l| {
            l.contains("on  door:") && l.contains("1 hits, 1 answered")
        });
        // Off: the next request is not answered (nor counted).
        t.keys(&["Space"]);
        t.wait_until("the rule off", |l| l.contains("off door:"));
        m.publish(&format!("{topic}/set"), "closed");
        t.wait_until("the request arrived", |l| l.contains("closed"));
        t.wait_until("still one answer", |l| l.contains("1 hits, 1 answered"));
        t.keys(&["Escape"]);
        t.wait_gone("Devices that answer");
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    }
}
