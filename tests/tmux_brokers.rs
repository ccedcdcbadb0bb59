//! Several brokers in the real binary under tmux, at 120×40 and 80×24: two mosquittos with a
//! topic bridged from one to the other by a real `connection` block; the merged tree (`M`)
//! with a root per broker, filtered; the compare view on the bridged topic (it agrees, and says
//! which arrived first and how late the other was); `C` moving focus; compose publishing on the
//! connection in focus, and only there; one broker stopped while the other keeps flowing. And
//! the resident memory of three connections flooded past one budget.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::have_mosquitto;
use common::mosquitto::Mosquitto;
use common::tmux::{Tmux, flat, have_tmux};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

/// `far`, and `near` bridging `bridged/#` out to it (a real mosquitto bridge), once the bridge
/// is connected.
fn bridged_pair() -> (Mosquitto, Mosquitto) {
    let far = Mosquitto::start();
    let bridge = format!(
        "connection near-to-far\naddress 127.0.0.1:{}\ntopic bridged/# out 1\ncleansession true\n",
        far.port
    );
    let near = Mosquitto::start_with_tail("", &bridge);
    assert!(
        far.logged(&["near-to-far"], Duration::from_secs(15)),
        "the bridge connected to the far broker"
    );
    (near, far)
}

#[test]
fn a_bridged_topic_compares_across_two_brokers_and_focus_moves_at_both_sizes() {
    let test = "tmux_brokers_bridge";
    if !have_mosquitto(test) || !have_tmux(test) {
        return;
    }
    for size in SIZES {
        let (mut near, far) = bridged_pair();
        let home = tempfile::tempdir().unwrap();
        let args = format!("-b {} -b {} -t '#'", near.url(), far.url());
        let t = Tmux::start_sized(home.path(), &args, "", size);
        t.wait_for("1 other: 1 connected");
        near.publish("bridged/temp", "21.5");
        near.publish("near/only", "n");
        far.publish("far/only", "f");
        t.wait_for("bridged");

        // M: a root per broker; typing filters across both.
        t.keys(&["M"]);
        t.wait_for(&format!("@{}", far.url()));
        t.text("temp");
        let screen = t.wait_for("filter: temp");
        assert_eq!(
            screen.matches("bridged/temp (1)").count(),
            2,
            "{size:?}: the bridged topic under each broker: {screen}"
        );
        assert!(
            !screen.contains("near/only"),
            "{size:?}: filtered: {screen}"
        );
        // Enter on the first match compares it across the connections.
        t.keys(&["Down", "Enter"]);
        let words = flat(&t.wait_for_words("agrees on all 2 connections"));
        assert!(
            words.contains("first") && words.contains(" +"),
            "{size:?}: one arrived first, the other this much later: {words}"
        );
        // Any key closes the comparison; Esc clears the filter, then closes the tree.
        t.keys(&["x"]);
        t.wait_for("filter: temp");
        t.keys(&["Escape"]);
        t.wait_for("type to filter");
        t.keys(&["Escape"]);
        t.wait_gone("All connections");

        // C: the list; Down, Enter puts the far broker in focus.
        t.keys(&["C"]);
        t.wait_for("Connections 2");
        t.keys(&["Down", "Enter"]);
        let far_name = far.url();
        t.wait_until("the far broker in focus", |s| {
            s.lines().last().is_some_and(|l| l.starts_with(&far_name))
        });
        // Compose names it, and publishes there only.
        t.keys(&["Tab", "Tab"]);
        let screen = t.wait_for("Publish on");
        assert!(
            flat(&screen).contains(&format!("Publish on {}", &far_name[..20])),
            "{size:?}: compose names the connection it publishes on: {screen}"
        );
        let watcher = Command::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &far.port.to_string()])
            .args(["-t", "from/mqscope", "-C", "1", "-W", "15"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("mosquitto_sub");
        // mosquitto_sub has subscribed once it is in the far broker's log.
        assert!(far.logged(&["from/mqscope"], Duration::from_secs(10)));
        t.text("from/mqscope");
        t.keys(&["Enter"]);
        t.text("hello");
        t.keys(&["Tab", "1", "C-s"]);
        t.wait_for("acknowledged (PUBACK)");
        let out = watcher.wait_with_output().expect("mosquitto_sub");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "hello");
        t.keys(&["Escape"]);
        t.wait_for("? help");
        t.keys(&["M"]);
        t.text("from");
        let screen = t.wait_for("filter: from");
        assert_eq!(
            screen.matches("from/mqscope").count(),
            1,
            "{size:?}: on the far broker only: {screen}"
        );
        t.keys(&["Escape"]);
        t.wait_for("type to filter");
        t.keys(&["Escape"]);
        t.wait_gone("All connections");

        // The near broker stops: counted as failing; the far one keeps flowing.
        near.stop();
        t.wait_for("1 other: 1 failing");
        far.publish("still/flowing", "ok");
        t.wait_for("still");
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    }
}

/// Resident memory of the process, from /proc.
fn rss_kib(pid: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn three_connections_flooded_past_one_budget_keep_their_memory_bounded() {
    let test = "tmux_brokers_memory";
    if !have_mosquitto(test) || !have_tmux(test) {
        return;
    }
    let brokers = [Mosquitto::start(), Mosquitto::start(), Mosquitto::start()];
    let home = tempfile::tempdir().unwrap();
    let args = format!(
        "--history-budget 12 -b {} -b {} -b {} -t 'flood/#'",
        brokers[0].url(),
        brokers[1].url(),
        brokers[2].url()
    );
    let t = Tmux::start_sized(home.path(), &args, "", (120, 40));
    t.wait_for("2 others: 2 connected");
    let pid = t.mqscope_pid();
    let before = rss_kib(&pid);
    // 100 MiB through each broker (1,600 messages of 64 KiB): 25 times each share.
    let payload = home.path().join("payload");
    std::fs::write(&payload, vec![b'x'; 64 * 1024]).unwrap();
    for m in &brokers {
        let status = Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &m.port.to_string()])
            .args(["-t", "flood/big", "-q", "1", "--repeat", "1600", "-f"])
            .arg(&payload)
            .status()
            .expect("mosquitto_pub");
        assert!(status.success());
    }
    // Each connection's share is 4 MiB, held to it: the bar says so for the one in focus,
    // and `C` for each, once each has filed its 640 messages.
    let bar = t.screen().lines().last().unwrap_or("").to_string();
    assert!(bar.contains("of 12 MiB ÷ 3"), "{bar}");
    t.keys(&["C"]);
    for m in &brokers {
        let port = format!(":{} ", m.port);
        t.wait_until("each connection filed its flood", |l| {
            l.contains(&port) && l.contains("1 topic  1,600 msgs")
        });
    }
    let screen = t.screen();
    let held = screen
        .lines()
        .filter(|l| l.contains("1 topic  1,600 msgs") && l.contains("MiB/4.0 MiB"))
        .count();
    assert_eq!(held, 3, "each held within its share: {screen}");
    let after = rss_kib(&pid);
    let grew = after.saturating_sub(before) / 1024;
    eprintln!("RSS before the flood {before} KiB, after {after} KiB: +{grew} MiB for 300 MiB sent");
    // 300 MiB went through. What may be held: the 12 MiB budget, and per connection its
    // in-flight bound (the worker's queue, 16 MiB, and the loop's backlog of at most one
    // queue's worth: mqtt/handle.rs QUEUE_BYTES, tui/intake.rs), plus the allocator's slack.
    // Measured: +42 MiB on an idle machine, +70 MiB under the whole suite's load.
    let bound = 12 + 3 * 2 * 16 + 24;
    assert!(
        grew < bound,
        "RSS grew {grew} MiB, past {bound} MiB (before {before} KiB, after {after} KiB)"
    );
    // `q` is not the list's key: it stays open until Esc.
    t.keys(&["q"]);
    t.wait_for("Connections 3");
    t.keys(&["Escape"]);
    t.wait_gone("Connections 3");
    t.keys(&["q"]);
    t.wait_for("EXIT=0");
}
