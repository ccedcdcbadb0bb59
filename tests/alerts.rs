//! `sub --alerts` through mosquitto: edges with hysteresis, silence per topic under a wildcard
//! rule, the publish action seen by mosquitto_sub (not our own client), the command action
//! (without a shell of ours: `sh` is the rule's program) with the payload on stdin,
//! `--alerts-fail`'s exit status, and `--json` lines.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::headless::{finish, start_sub};
use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr, stdout, write};

const LIMIT: Duration = Duration::from_secs(20);

/// `sub --alerts` with `config`, subscribed to '#', its stdout read line by line.
fn alerts_sub(
    m: &Mosquitto,
    home: &std::path::Path,
    config: &std::path::Path,
    extra: &[&str],
) -> (
    Child,
    mpsc::Receiver<String>,
    std::thread::JoinHandle<String>,
) {
    let mut cmd = mqscope(home);
    cmd.args(["sub", "-b", &m.url(), "--config"])
        .arg(config)
        .args(["-t", "#", "-d"])
        .args(extra);
    let (mut child, err) = start_sub(cmd, 1);
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, rx, err)
}

/// A mosquitto, a home for mqscope and a profile file holding `config`; None (the test skips,
/// or fails under CI) without mosquitto.
fn setup(
    test: &str,
    config: &str,
) -> Option<(
    Mosquitto,
    tempfile::TempDir,
    tempfile::TempDir,
    std::path::PathBuf,
)> {
    if !have_mosquitto(test) {
        return None;
    }
    let m = Mosquitto::start();
    let (home, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let file = write(dir.path(), "config.toml", config);
    Some((m, home, dir, file))
}

fn next_lines(rx: &mpsc::Receiver<String>, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            rx.recv_timeout(LIMIT)
                .unwrap_or_else(|_| panic!("alert line {} of {n} did not come", i + 1))
        })
        .collect()
}

#[test]
fn alerts_fire_on_edges_and_silences_and_act() {
    if !have_mosquitto("alerts_fire_on_edges_and_silences_and_act") {
        return;
    }
    let m = Mosquitto::start();
    let (home, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let log = dir.path().join("cmd.log");
    let config = write(
        dir.path(),
        "config.toml",
        format!(
            r#"# alerts for the test
[[alerts]]
name = "hot"
filter = "s/+/t"
above = 30
hysteresis = 2
publish = {{ topic = "alerts/{{{{rule}}}}/{{{{topic}}}}", payload = "{{{{value}}}}", qos = 1 }}
command = ["sh", "-c", "printf '%s=%s:%s\n' \"$MQSCOPE_TOPIC\" \"$MQSCOPE_VALUE\" \"$(cat)\" >> {}"]

[[alerts]]
name = "beat"
filter = "dev/+/beat"
silent_s = 1
"#,
            log.display()
        ),
    );
    let (child, rx, err) = alerts_sub(&m, home.path(), &config, &["--alerts"]);
    let checker = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &m.port.to_string(),
            "-i",
            "checker",
        ])
        .args(["-q", "1", "-t", "alerts/#", "-v", "-C", "3"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub");
    assert!(m.logged(&["checker", "alerts/#"], LIMIT));
    // 31 fires; 35 stays past; 29.5 is within the hysteresis; 27 re-arms; 33 fires again.
    for v in ["29", "31", "35", "29.5", "27", "33"] {
        m.publish("s/1/t", v);
    }
    m.publish("s/2/t", "40");
    let hot = next_lines(&rx, 3);
    for (line, want) in hot
        .iter()
        .zip(["s/1/t 31 > 30", "s/1/t 33 > 30", "s/2/t 40 > 30"])
    {
        assert!(line.contains(&format!(" ALERT hot {want}")), "{line}");
    }
    // Two devices beat once, then fall silent: one alert each, none for a topic never seen.
    m.publish("dev/a/beat", "1");
    m.publish("dev/b/beat", "1");
    let mut silent = next_lines(&rx, 2);
    silent.sort();
    assert!(
        silent[0].ends_with("ALERT beat dev/a/beat silent 1 s"),
        "{silent:?}"
    );
    assert!(
        silent[1].ends_with("ALERT beat dev/b/beat silent 1 s"),
        "{silent:?}"
    );
    // The publish action, as another client saw it.
    let seen = stdout(&finish(checker));
    assert_eq!(
        seen.lines().collect::<Vec<_>>(),
        [
            "alerts/hot/s/1/t 31",
            "alerts/hot/s/1/t 33",
            "alerts/hot/s/2/t 40"
        ]
    );
    // Ctrl+C: the commands under way are awaited before the exit.
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = finish(child);
    let said = err.join().unwrap_or_default();
    assert!(out.status.success(), "{said}");
    assert!(rx.try_recv().is_err(), "no message lines with --alerts");
    let mut ran: Vec<String> = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    ran.sort();
    assert_eq!(ran, ["s/1/t=31:31", "s/1/t=33:33", "s/2/t=40:40"], "{said}");
}

#[test]
fn alerts_fail_ends_with_status_1_at_the_first_and_json_names_every_field() {
    let Some((m, home, _dir, config)) = setup(
        "alerts_fail_ends_with_status_1_at_the_first",
        "[[alerts]]\nname = \"mode\"\nfilter = \"m\"\njson = \"state\"\nchanged = true\n",
    ) else {
        return;
    };
    let (child, rx, err) = alerts_sub(&m, home.path(), &config, &["--alerts-fail", "--json"]);
    m.publish("m", r#"{"state":"auto"}"#);
    m.publish("m", r#"{"state":"manual\u001b[2J"}"#);
    let line = next_lines(&rx, 1).remove(0);
    let v: serde_json::Value = serde_json::from_str(&line).expect(&line);
    assert_eq!(v["alert"], "mode");
    assert_eq!(v["topic"], "m");
    assert_eq!(v["value"], "manual\u{1b}[2J");
    assert_eq!(v["held"], 0);
    assert!(!line.contains('\u{1b}'), "escaped on the line: {line}");
    let out = finish(child);
    let said = err.join().unwrap_or_default();
    assert_eq!(out.status.code(), Some(1), "{said}");
    // The escape made visible (as every pane shows one), never sent to the terminal.
    assert!(
        said.contains("alert: 'mode' fired on m: changed from auto to manual\u{241b}[2J"),
        "{said}"
    );
    assert!(!said.contains('\u{1b}'), "{said}");
}

#[test]
fn alerts_without_rules_is_a_usage_error_naming_the_file_key() {
    let (home, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let config = write(dir.path(), "config.toml", "");
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-b", "mqtt://127.0.0.1:1", "--config"])
        .arg(&config)
        .args(["-t", "#", "--alerts"]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no [[alerts]] rules"),
        "{}",
        stderr(&out)
    );
    let bad = write(
        dir.path(),
        "bad.toml",
        "[[alerts]]\nname = \"x\"\nfilter = \"t\"\nabove = \"warm\"\n",
    );
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-b", "mqtt://127.0.0.1:1", "--config"])
        .arg(&bad)
        .args(["-t", "#", "--alerts"]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.toml:4:") && stderr(&out).contains("not a number"));
}

#[test]
fn an_alert_command_is_held_to_its_time_limit_and_output_cap() {
    let Some((m, home, _dir, config)) = setup(
        "an_alert_command_is_held_to_its_time_limit_and_output_cap",
        "[[alerts]]\nname = \"slow\"\nfilter = \"a\"\nequals = \"go\"\n\
         command = [\"sleep\", \"30\"]\ntimeout_s = 0.3\n\
         [[alerts]]\nname = \"loud\"\nfilter = \"b\"\nequals = \"go\"\n\
         command = [\"yes\"]\nmax_output_kib = 1\n",
    ) else {
        return;
    };
    let (child, rx, err) = alerts_sub(&m, home.path(), &config, &["--alerts"]);
    m.publish("a", "go");
    m.publish("b", "go");
    let lines = next_lines(&rx, 2);
    for want in ["ALERT loud b = go", "ALERT slow a = go"] {
        assert!(lines.iter().any(|l| l.ends_with(want)), "{lines:?}");
    }
    // Both commands are stopped by their own limits; the exit waits for them, not for 30 s.
    let started = std::time::Instant::now();
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = finish(child);
    let said = err.join().unwrap_or_default();
    assert!(out.status.success(), "{said}");
    assert!(started.elapsed() < Duration::from_secs(15), "{said}");
    assert!(
        said.contains("alert 'slow': sleep did not finish within 0.3 s"),
        "{said}"
    );
    assert!(
        said.contains("alert 'loud': yes printed more than 1.0 KiB"),
        "{said}"
    );
}
