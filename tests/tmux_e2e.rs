//! The real binary in a real terminal (tmux), against mosquitto: what mosquitto_pub sends shows
//! up; a message composed with QoS 2 and retain reaches mosquitto_sub with those flags; `q` and
//! SIGTERM exit 0 with the terminal restored. Also `--demo` on the embedded broker.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::have_mosquitto;
use common::mosquitto::Mosquitto;
use common::tmux::{Tmux, WAIT, have_tmux};

#[test]
fn explorer_shows_traffic_publishes_with_flags_and_quits_cleanly() {
    if !have_mosquitto("tmux_e2e") || !have_tmux("tmux_e2e") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(home.path(), &format!("-b {}", m.url()));
    t.wait_for("● connected");
    assert!(t.alternate_screen_on());
    let status = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &m.port.to_string(),
            "-t",
            "e2e/hello/world",
            "-m",
            "greetings",
            "-q",
            "1",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let screen = t.wait_for("greetings");
    assert!(
        screen.contains("▾ e2e") && screen.contains("world = greetin"),
        "the tree shows the first topic opened: {screen}"
    );
    assert!(
        screen.contains("e2e/hello/world"),
        "the log shows it: {screen}"
    );

    // Compose: Tab to the topic field, type, Enter to the payload, QoS 2, retain, Ctrl+S.
    t.keys(&["Tab", "Tab"]);
    t.text("e2e/cmd");
    t.keys(&["Enter"]);
    t.text(r#"{"on":true}"#);
    t.keys(&["Tab", "2", "Tab", "Space", "C-s"]);
    t.wait_for("completed (PUBCOMP)");
    let out = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &m.port.to_string(),
            "-t",
            "e2e/cmd",
            "-q",
            "2",
            "-C",
            "1",
            "-W",
            "10",
        ])
        .args(["-F", "%t|%p|%q|%r"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"e2e/cmd|{"on":true}|2|1"#
    );

    // Esc leaves the field; q quits with 0 and the terminal comes back.
    t.keys(&["Escape"]);
    t.wait_for("q quit");
    t.keys(&["q"]);
    let screen = t.wait_for("EXIT=0");
    assert!(!t.alternate_screen_on(), "alternate screen left");
    assert!(
        !screen.contains("┌ Topics"),
        "the TUI is gone from the normal screen: {screen}"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    if !have_tmux("tmux_sigterm") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(home.path(), "--demo");
    t.wait_for("sensors");
    t.wait_for("● connected");
    // The pane runs `sh -c`; its child is mqscope.
    let pid = t.mqscope_pid();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    t.wait_for("EXIT=0");
    assert!(!t.alternate_screen_on());
}

/// The explorer subscribes at QoS 2 by default, so the log shows every message at the QoS it
/// was published with (at QoS 0 all three would show as q0).
#[test]
fn messages_show_at_the_qos_they_were_published_with() {
    if !have_mosquitto("tmux_qos") || !have_tmux("tmux_qos") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(home.path(), &format!("-b {}", m.url()));
    t.wait_for("● connected");
    for (qos, word) in [("0", "zero"), ("1", "one"), ("2", "two")] {
        let status = Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &m.port.to_string()])
            .args(["-t", &format!("qos/{word}"), "-m", word, "-q", qos])
            .status()
            .unwrap();
        assert!(status.success());
    }
    let screen = t.wait_for("qos/two");
    for (q, word) in [("q0", "zero"), ("q1", "one"), ("q2", "two")] {
        let topic = format!("qos/{word}");
        assert!(
            screen
                .lines()
                .any(|l| l.contains(&topic) && l.contains(&format!(" {q} "))),
            "{topic} shown as {q}:\n{screen}"
        );
    }
    t.keys(&["q"]);
    t.wait_for("EXIT=0");
}

/// `sub -v` on a terminal: a topic carrying an OSC title sequence and a newline can neither
/// retitle the terminal nor forge an output line; payloads are escaped there too.
#[test]
fn sub_output_on_a_terminal_carries_no_raw_escapes() {
    if !have_tmux("tmux_sub_escapes") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let broker = rt
        .block_on(mqscope::broker::EmbeddedBroker::start(0, None))
        .expect("broker");
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(
        home.path(),
        &format!("sub -b {} -t 'evil/#' -v -C 1", broker.mqtt_url()),
    );
    let title_before = t.tmux(&["display-message", "-p", "#{pane_title}"]);
    // Retained, so the subscriber gets it whenever its subscription lands.
    rt.block_on(async {
        let mut c = common::client::Client::start(&common::client::settings(
            &broker.mqtt_url(),
            mqscope::mqtt::Protocol::V5,
        ));
        c.connected().await;
        let topic = "evil/\u{1b}]0;pwned\u{7}/x\nFORGED line";
        let id = c.publish(
            topic,
            "pay\u{1b}[2Jload",
            mqscope::mqtt::QoS::AtLeastOnce,
            true,
        );
        c.outcome(id).await;
        c.stop().await;
    });
    let screen = t.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(
        screen.contains("␛]0;pwned␇"),
        "the escape is shown, not obeyed: {screen}"
    );
    assert!(
        !screen.lines().any(|l| l.starts_with("FORGED")),
        "no forged line: {screen}"
    );
    assert!(
        screen.contains("pay␛[2Jload"),
        "payload escaped on a terminal: {screen}"
    );
    let title_after = t.tmux(&["display-message", "-p", "#{pane_title}"]);
    assert_eq!(title_before, title_after, "the terminal was not retitled");
    rt.block_on(broker.stop());
}

/// Waits until process `pid` is stopped (State T), polling /proc: there is no event for it.
fn wait_stopped(pid: &str, stopped: bool) {
    let deadline = Instant::now() + WAIT;
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let is_stopped = status
            .lines()
            .any(|l| l.starts_with("State:") && l.contains('T'));
        if is_stopped == stopped {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "process {pid} stopped={stopped} never came"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Ctrl+Z and SIGTSTP give the terminal back (cooked mode, normal screen) and stop; SIGCONT
/// takes it over again and redraws.
#[test]
fn suspend_restores_the_terminal_and_resume_redraws() {
    if !have_tmux("tmux_suspend") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(home.path(), "--demo");
    t.wait_for("● connected");
    let pid = t.mqscope_pid();
    let tty = t
        .tmux(&["display-message", "-p", "#{pane_tty}"])
        .trim()
        .to_string();
    let stty = || {
        let f = std::fs::File::open(&tty).expect("pane tty");
        let out = Command::new("stty")
            .arg("-a")
            .stdin(f)
            .output()
            .expect("stty");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for how in ["Ctrl+Z", "SIGTSTP"] {
        if how == "Ctrl+Z" {
            t.keys(&["C-z"]);
        } else {
            assert!(
                Command::new("kill")
                    .args(["-TSTP", &pid])
                    .status()
                    .unwrap()
                    .success()
            );
        }
        wait_stopped(&pid, true);
        assert!(!t.alternate_screen_on(), "{how}: the normal screen is back");
        let modes = stty();
        assert!(
            modes.contains(" icanon") && modes.contains(" echo "),
            "{how}: cooked mode while stopped: {modes}"
        );
        assert!(
            Command::new("kill")
                .args(["-CONT", &pid])
                .status()
                .unwrap()
                .success()
        );
        wait_stopped(&pid, false);
        t.wait_for("┌ Topics");
        assert!(t.alternate_screen_on(), "{how}: taken over again");
        assert!(stty().contains("-icanon"), "{how}: raw mode again");
    }
    t.keys(&["q"]);
    t.wait_for("EXIT=0");
}

/// `-b URL -u … --password-env …`, then `S` and `s`: the profile saved holds the username and
/// the password's reference, so it connects the same way (it once held the URL alone).
#[test]
fn subscriptions_saved_from_a_command_line_session_keep_how_it_connected() {
    use common::mosquitto::{PASSWORD, USER};
    if !have_mosquitto("tmux_e2e_save") || !have_tmux("tmux_e2e_save") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let cfg = common::write(home.path(), "c.toml", "# mine\n");
    let url = format!("mqtt://127.0.0.1:{}", m.auth_port);
    let t = Tmux::start_with_env(
        home.path(),
        &format!(
            "-b {url} -u {USER} --password-env MQSCOPE_E2E_PW -t saved/# --config {}",
            cfg.display()
        ),
        &format!("MQSCOPE_E2E_PW={PASSWORD}"),
    );
    t.wait_for("● connected");
    t.keys(&["S"]);
    t.wait_for("saved/#");
    t.keys(&["s"]);
    let deadline = Instant::now() + WAIT;
    let text = loop {
        let text = std::fs::read_to_string(&cfg).unwrap_or_default();
        if text.contains("saved/#") {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "not saved:\n{}\n{text}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(text.contains("# mine"), "the comment is kept: {text}");
    assert!(text.contains(&format!("username = \"{USER}\"")), "{text}");
    assert!(text.contains("password_env = \"MQSCOPE_E2E_PW\""), "{text}");
    assert!(!text.contains(PASSWORD), "no secret written: {text}");
    // The saved profile connects the same way.
    let mut cmd = common::mqscope(home.path());
    cmd.args([
        "pub",
        "--config",
        &cfg.display().to_string(),
        "-P",
        &url,
        "-t",
        "saved/x",
        "-m",
        "y",
    ]);
    cmd.env("MQSCOPE_E2E_PW", PASSWORD);
    let out = common::run(cmd, WAIT);
    assert!(out.status.success(), "{}", common::stderr(&out));
}
