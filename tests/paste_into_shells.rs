//! Copy-as-command against an attacker: a topic, properties and a payload carrying Ctrl+U, CR, a
//! bracketed-paste end (`ESC[201~`), line breaks and a command. The copied `mosquitto_pub`
//! command is pasted into a real interactive bash, zsh and dash under a pty (tmux), plainly and
//! through bracketed paste: no side effect happens, and mosquitto receives the very message.

mod common;
use common::tmux::Tmux;

use std::path::Path;
use std::time::Duration;

use common::have_mosquitto;
use common::mosquitto::Mosquitto;
use mqscope::app::pub_command::command;
use mqscope::mqtt::{Properties, Protocol, QoS};
use mqscope::publish::Publish;

/// A program we need: missing, the test skips, or fails under CI (`.ci/run` installs it).
fn have(test: &str, program: &str) -> bool {
    common::brokers::require(test, program, "apt-get install it; .ci/run does").is_some()
}

/// An interactive shell in a tmux server of our own (killed on drop).
struct Shell {
    t: Tmux,
}

impl Shell {
    fn start(home: &Path, argv: &str) -> Shell {
        let shell = Shell {
            t: Tmux::run(
                &format!(
                    "env -i HOME={h} PATH=$PATH TERM=xterm-256color PS1='$ ' {argv}",
                    h = home.display()
                ),
                (200, 50),
            ),
        };
        // Ready when it runs what it is given. Keys sent before the shell reads them are
        // echoed by the terminal first, so its output may follow its first prompt on one line
        // ("$ READY"): the line need only end with it (the typed line reads RE''ADY).
        shell.tmux(&["send-keys", "echo RE''ADY", "Enter"]);
        shell
            .t
            .wait_until("READY", |l| l.ends_with("READY") && !l.contains("echo"));
        shell
    }

    fn tmux(&self, args: &[&str]) -> String {
        self.t.tmux(args)
    }

    fn wait_for_line(&self, line: &str) {
        self.t.wait_until(line, |l| l == line);
    }

    /// Pastes `text` as a terminal would: `bracketed` wraps it in the paste markers when the
    /// shell asked for them (as a terminal does), otherwise the bytes arrive as if typed.
    fn paste(&self, dir: &Path, text: &str, bracketed: bool) {
        let file = dir.join("clipboard");
        std::fs::write(&file, text).expect("clipboard file");
        self.tmux(&["load-buffer", "-b", "clip", &file.display().to_string()]);
        let mut args = vec!["paste-buffer", "-b", "clip"];
        if bracketed {
            args.push("-p");
        }
        self.tmux(&args);
        self.tmux(&["send-keys", "Enter"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_command_runs_one_mosquitto_pub_and_nothing_else() {
    let test = "paste_into_shells";
    if !have_mosquitto(test) || !have(test, "tmux") || !have(test, "mosquitto_pub") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let m = Mosquitto::start();
    let mut sub = common::client::Client::start(&common::client::settings(&m.url(), Protocol::V5));
    sub.subscribe("#", QoS::AtLeastOnce).await;

    let pwned = dir.path().join("pwned");
    // Everything a paste could act on: Ctrl+U, CR, the bracketed-paste end and start, line
    // breaks, history expansion, command substitution.
    let attack = |n: &str| {
        format!(
            "x\u{15}touch {p}{n}\r\u{1b}[201~touch {p}{n}\n;touch {p}{n}\u{1b}[200~!!`touch {p}{n}`\n",
            p = pwned.display()
        )
    };
    // What mosquitto_pub can send in text (it refuses control characters there, as MQTT
    // advises): quotes, substitutions, history expansion and non-ASCII.
    let printable = |n: &str| {
        format!(
            "it's $(touch {p}{n}) `touch {p}{n}` !! ; touch {p}{n} \"q\" \\ é 温度 🌡",
            p = pwned.display()
        )
    };
    let mut shells: Vec<(&str, &str, Vec<bool>)> = Vec::new();
    if have(test, "bash") {
        shells.push(("bash", "bash --norc --noprofile -i", vec![false, true]));
    }
    if have(test, "zsh") {
        shells.push(("zsh", "zsh -f -i", vec![false, true]));
    }
    if have(test, "dash") {
        // dash has no line editor, so no bracketed paste.
        shells.push(("dash", "dash -i", vec![false]));
    }
    assert!(!shells.is_empty(), "no shell to paste into");
    let mut n = 0;
    for (name, argv, modes) in shells {
        let shell = Shell::start(dir.path(), argv);
        for bracketed in modes {
            let how = |cmd: &str| format!("{name}, bracketed paste {bracketed}: {cmd}");
            // 1. Sent by mosquitto_pub: the very message arrives.
            n += 1;
            let tag = format!("{n}");
            let topic = format!("paste/{name}/{}", printable(&tag));
            let payload = format!("{}\u{0}\u{ff}", attack(&tag)).into_bytes();
            let props = Properties {
                content_type: Some(printable(&tag)),
                response_topic: Some(format!("reply/{}", printable(&tag))),
                correlation_data: Some(bytes::Bytes::from(attack(&tag).into_bytes())),
                user_properties: vec![(printable(&tag), printable(&tag))],
                ..Properties::default()
            };
            let (cmd, note) = command(
                &Publish {
                    topic: topic.clone(),
                    payload: payload.clone().into(),
                    qos: QoS::AtLeastOnce,
                    retain: false,
                    properties: Some(Box::new(props.clone())),
                },
                &m.url(),
                None,
            );
            assert!(note.is_none(), "{note:?}");
            shell.paste(dir.path(), &cmd, bracketed);
            let got = match tokio::time::timeout(Duration::from_secs(10), sub.message()).await {
                Ok(m) => m,
                Err(_) => panic!(
                    "{}: nothing reached mosquitto; the shell shows:\n{}",
                    how(&cmd),
                    shell.tmux(&["capture-pane", "-p", "-S", "-200"])
                ),
            };
            assert_eq!(got.topic, topic, "{}", how(&cmd));
            assert_eq!(&got.payload[..], &payload[..], "{}", how(&cmd));
            let gp = got.properties.as_deref().expect("properties");
            assert_eq!(gp.content_type, props.content_type, "{}", how(&cmd));
            assert_eq!(gp.response_topic, props.response_topic, "{}", how(&cmd));
            assert_eq!(gp.correlation_data, props.correlation_data, "{}", how(&cmd));
            assert_eq!(gp.user_properties, props.user_properties, "{}", how(&cmd));

            // 2. The attack in the topic and every text property: mosquitto_pub refuses it (the
            // note says so), and the shell runs nothing else.
            n += 1;
            let tag = format!("{n}");
            let topic = format!("paste/{name}/{}", attack(&tag));
            let props = Properties {
                content_type: Some(attack(&tag)),
                user_properties: vec![(attack(&tag), attack(&tag))],
                ..Properties::default()
            };
            let (cmd, note) = command(
                &Publish {
                    topic: topic.clone(),
                    payload: attack(&tag).into_bytes().into(),
                    qos: QoS::AtMostOnce,
                    retain: false,
                    properties: Some(Box::new(props.clone())),
                },
                &m.url(),
                None,
            );
            assert!(
                note.as_deref()
                    .is_some_and(|n| n.contains("refuses control characters")),
                "{note:?}"
            );
            shell.paste(dir.path(), &cmd, bracketed);
            shell.wait_for_line("Error: Malformed UTF-8 in -t argument.");

            // The shell ran nothing else: the next command is the first thing it does after.
            shell.tmux(&["send-keys", "clear; echo DO''NE", &tag, "Enter"]);
            shell.wait_for_line(&format!("DONE{tag}"));
            let left: Vec<_> = std::fs::read_dir(dir.path())
                .expect("dir")
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|f| f.starts_with("pwned"))
                .collect();
            assert!(left.is_empty(), "{}: side effects {left:?}", how(&cmd));
        }
    }
    sub.stop().await;
}
