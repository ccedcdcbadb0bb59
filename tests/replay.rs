//! `mqscope replay` through mosquitto, checked by mosquitto_sub (not our own client): binary
//! payloads, retained flags and MQTT 5 properties as recorded, the recorded timing at 1x,
//! exact order at full speed, prefix, filters and a time range, bad lines reported by number
//! while the rest goes on, and a recording made by `sub --record` replayed whole.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::headless::finish;
use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr};

const LIMIT: Duration = Duration::from_secs(20);

/// What mosquitto_sub prints of each message: arrival (Unix seconds), topic, retain, QoS,
/// payload in hex, content type, response topic, correlation data, user properties, payload
/// format indicator.
const FORMAT: &str = "%U|%t|%r|%q|%x|%C|%R|%D|%P|%F";

/// mosquitto_sub on `filter` at QoS 2 for `n` messages, returned once mosquitto has its
/// subscription.
fn checker(m: &Mosquitto, id: &str, filter: &str, n: usize) -> Child {
    let child = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &m.port.to_string(), "-V", "5"])
        .args(["-i", id, "-q", "2", "-t", filter, "-C", &n.to_string()])
        .args(["-F", FORMAT])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub");
    assert!(m.logged(&[id, filter], LIMIT), "mosquitto_sub subscribed");
    child
}

struct Got {
    at: f64,
    fields: Vec<String>,
}

fn received(child: Child) -> Vec<Got> {
    let out = finish(child);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let mut parts = l.split('|');
            let at = parts.next().unwrap().parse().expect("%U");
            Got {
                at,
                fields: parts.map(str::to_string).collect(),
            }
        })
        .collect()
}

/// A mosquitto with `global` lines, a home for mqscope and a folder for files; None (the test
/// skips, or fails under CI) without mosquitto.
fn setup(test: &str, global: &str) -> Option<(Mosquitto, tempfile::TempDir, tempfile::TempDir)> {
    if !have_mosquitto(test) {
        return None;
    }
    let m = Mosquitto::start_with(global);
    Some((
        m,
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_replay_keeps_bytes_flags_properties_and_timing_and_reports_bad_lines() {
    let Some((m, home, dir)) = setup("replay", "") else {
        return;
    };
    let file = dir.path().join("rec.jsonl");
    // Written by hand: a header, a binary retained message, a bad line, a text message with
    // every property a publisher sets (and a topic alias, which a replay must not send), one
    // outside the filter, and a last one 800 ms after the first.
    let lines = [
        r#"{"recording":{"format":"mqscope recording","version":1}}"#,
        r#"{"topic":"dev/bin","payload":"AP/+ChuA","encoding":"base64","qos":1,"retain":true,"offset_ms":0}"#,
        r#"{"topic":"dev/x""#,
        r#"{"topic":"dev/t","payload":"héllo","encoding":"utf8","qos":2,"retain":false,"offset_ms":400,"properties":{"content_type":"text/plain","response_topic":"dev/reply","correlation_data":"Y29y","user_properties":[["k","v"]],"payload_format_indicator":1,"message_expiry_interval":300,"topic_alias":4}}"#,
        r#"{"topic":"other/t","payload":"not this one","offset_ms":500}"#,
        r#"{"topic":"dev/t","payload":"last","qos":0,"offset_ms":800}"#,
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let sub = checker(&m, "replay-check", "r/#", 3);
    let mut cmd = mqscope(home.path());
    cmd.arg("replay")
        .arg(&file)
        .args(["-b", &m.url(), "--prefix", "r", "--filter", "dev/#"]);
    let out = run(cmd, LIMIT);
    let e = stderr(&out);
    assert!(!out.status.success(), "a bad line fails the run: {e}");
    assert!(e.contains("rec.jsonl:3: skipped: not JSON"), "{e}");
    assert!(
        e.contains("replayed 3 messages: 3 settled, 0 failed, 0 unknown; 1 outside the filters or range; 1 bad lines skipped"),
        "{e}"
    );
    assert!(e.contains("late against the schedule: median"), "{e}");

    let got = received(sub);
    assert_eq!(got.len(), 3);
    let f: Vec<&[String]> = got.iter().map(|g| g.fields.as_slice()).collect();
    // A retained message arrives live with its flag as published (mosquitto_sub is already
    // subscribed, so MQTT 5 keeps it only if asked; the broker retained it: checked below).
    assert_eq!(f[0][0], "r/dev/bin");
    assert_eq!(f[0][3], hex(&[0x00, 0xff, 0xfe, 0x0a, 0x1b, 0x80]));
    assert_eq!(f[0][2], "1");
    assert_eq!(f[1][0], "r/dev/t");
    assert_eq!(f[1][3], hex("héllo".as_bytes()));
    assert_eq!(f[1][2], "2");
    assert_eq!(
        &f[1][4..],
        ["text/plain", "dev/reply", "cor", "k:v", "1"],
        "every property"
    );
    assert_eq!(
        (f[2][0].as_str(), f[2][3].as_str()),
        ("r/dev/t", "6c617374")
    );
    // 800 ms recorded between the first and the last: never early, not seconds late.
    let span = got[2].at - got[0].at;
    assert!((0.75..2.8).contains(&span), "span {span}");
    let first_gap = got[1].at - got[0].at;
    assert!(first_gap >= 0.35, "gap {first_gap}");

    // The retained flag went with it: a new subscriber gets the binary message as retained.
    let late = checker(&m, "replay-late", "r/dev/bin", 1);
    let got = received(late);
    assert_eq!(got[0].fields[1], "1", "retained");
    assert_eq!(got[0].fields[3], "00fffe0a1b80");
}

#[test]
fn full_speed_keeps_the_order_and_a_range_takes_its_part() {
    // mosquitto queues 1,000 messages for a subscriber by default and drops the rest: a
    // replay at full speed outruns mosquitto_sub's reading.
    let Some((m, home, dir)) = setup("replay_fast", "max_queued_messages 0\n") else {
        return;
    };
    let file = dir.path().join("long.jsonl");
    // 2,000 messages a second apart: 33 minutes at 1x. One QoS: MQTT keeps the order of a
    // client's messages of one QoS, while a broker may let QoS 0 pass QoS 1 on its way out.
    let n = 2000;
    let body: String = (0..n)
        .map(|i| {
            format!(
                "{{\"topic\":\"seq/{}\",\"payload\":\"{i}\",\"qos\":1,\"offset_ms\":{}}}\n",
                i % 7,
                i * 1000
            )
        })
        .collect();
    std::fs::write(&file, body).unwrap();
    let sub = checker(&m, "replay-fast", "fast/#", n);
    let mut cmd = mqscope(home.path());
    cmd.arg("replay").arg(&file).args([
        "-b",
        &m.url(),
        "--prefix",
        "fast",
        "--as-fast-as-possible",
    ]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = received(sub);
    let payloads: Vec<String> = got
        .iter()
        .map(|g| {
            let bytes: Vec<u8> = (0..g.fields[3].len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&g.fields[3][i..i + 2], 16).unwrap())
                .collect();
            String::from_utf8(bytes).unwrap()
        })
        .collect();
    let want: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    assert_eq!(payloads, want, "every message, in the recorded order");
    assert_eq!(got[5].fields[0], "fast/seq/5");

    // From 1m30s to 1m33s, inclusive, and only seq/1 .. seq/3: offsets 90..=93 s.
    let sub = checker(&m, "replay-range", "part/#", 4);
    let mut cmd = mqscope(home.path());
    cmd.arg("replay").arg(&file).args([
        "-b",
        &m.url(),
        "--prefix",
        "part",
        "--as-fast-as-possible",
        "--from",
        "1m30s",
        "--to",
        "93000ms",
        "--filter",
        "seq/+",
        "--filter",
        "nothing/#",
    ]);
    cmd.args(["--filter", "seq/0"]);
    let out = run(cmd, LIMIT);
    let e = stderr(&out);
    assert!(out.status.success(), "{e}");
    // 90..=93 are seq/6, seq/0, seq/1, seq/2; "seq/+" takes all four.
    assert!(e.contains("replayed 4 messages"), "{e}");
    let got = received(sub);
    let topics: Vec<&str> = got.iter().map(|g| g.fields[0].as_str()).collect();
    assert_eq!(
        topics,
        ["part/seq/6", "part/seq/0", "part/seq/1", "part/seq/2"]
    );

    // Bad options name themselves.
    for (args, words) in [
        (&["--speed", "0"][..], "is not a speed"),
        (&["--from", "yesterday"][..], "neither an offset"),
        (&["--filter", "a/#/b"][..], "--filter 'a/#/b'"),
        (&["--prefix", "a/+"][..], "--prefix"),
    ] {
        let mut cmd = mqscope(home.path());
        cmd.arg("replay")
            .arg(&file)
            .args(["-b", &m.url()])
            .args(args);
        let out = run(cmd, LIMIT);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(words), "{args:?}: {}", stderr(&out));
    }
    let mut cmd = mqscope(home.path());
    cmd.args(["replay", "/nonexistent/rec.jsonl", "-b", &m.url()]);
    let out = run(cmd, LIMIT);
    assert!(stderr(&out).contains("/nonexistent/rec.jsonl: cannot open it"));
}

#[test]
fn what_sub_records_replays_the_same() {
    let Some((m, home, dir)) = setup("replay_recorded", "") else {
        return;
    };
    let file = dir.path().join("made.jsonl");
    let bin_file = dir.path().join("payload.bin");
    let binary: &[u8] = &[0x1b, b'[', b'2', b'J', 0x00, 0xff];
    std::fs::write(&bin_file, binary).unwrap();

    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-b", &m.url(), "--protocol", "5", "-t", "src/#"])
        .args(["-q", "2", "-C", "3", "-d", "--record"])
        .arg(&file);
    let (child, err) = common::headless::start_sub(cmd, 1);
    let pub5 = |args: &[&str]| m.mosquitto_pub(&[&["-V", "5"], args].concat());
    pub5(&["-t", "src/bin", "-f", bin_file.to_str().unwrap(), "-q", "1"]);
    pub5(&[
        "-t",
        "src/t",
        "-m",
        "two",
        "-q",
        "2",
        "-D",
        "publish",
        "content-type",
        "x/y",
    ]);
    pub5(&["-t", "src/t", "-m", "three", "-r"]);
    let out = finish(child);
    assert!(out.status.success(), "{}", err.join().unwrap_or_default());

    let sub = checker(&m, "replay-made", "again/#", 3);
    let mut cmd = mqscope(home.path());
    cmd.arg("replay")
        .arg(&file)
        .args(["-b", &m.url(), "--prefix", "again/", "--speed", "4"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut got = received(sub);
    // Three QoS levels: the broker may deliver them in any order; each is found by its bytes.
    let order = [hex(binary), hex(b"two"), hex(b"three")];
    got.sort_by_key(|g| order.iter().position(|h| *h == g.fields[3]));
    let f: Vec<&[String]> = got.iter().map(|g| g.fields.as_slice()).collect();
    assert_eq!(
        (f[0][0].as_str(), f[0][2].as_str(), f[0][3].as_str()),
        ("again/src/bin", "1", hex(binary).as_str())
    );
    assert_eq!(
        (f[1][0].as_str(), f[1][2].as_str(), f[1][4].as_str()),
        ("again/src/t", "2", "x/y")
    );
    assert_eq!(
        (f[2][3].as_str(), f[2][1].as_str()),
        (hex(b"three").as_str(), "0"),
        "recorded as delivered live: without the flag"
    );
}

#[test]
fn a_loop_goes_round_until_stopped_and_says_how_often() {
    let Some((m, home, dir)) = setup("replay_loop", "") else {
        return;
    };
    let file = dir.path().join("three.jsonl");
    let body: String = (0..3)
        .map(|i| format!("{{\"topic\":\"l\",\"payload\":\"{i}\",\"qos\":1,\"offset_ms\":{i}}}\n"))
        .collect();
    std::fs::write(&file, body).unwrap();
    let sub = checker(&m, "replay-loop", "round/#", 9);
    let mut cmd = mqscope(home.path());
    cmd.arg("replay")
        .arg(&file)
        .args(["-b", &m.url(), "--prefix", "round", "--loop"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("replay");
    // Three passes arrived, in order: then it is asked to stop, as Ctrl+C does.
    let got = received(sub);
    let payloads: Vec<&str> = got.iter().map(|g| g.fields[3].as_str()).collect();
    assert_eq!(
        payloads,
        ["30", "31", "32", "30", "31", "32", "30", "31", "32"]
    );
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = finish(child);
    let e = stderr(&out);
    assert!(out.status.success(), "{e}");
    assert!(
        e.contains("passes: ") && e.contains("stopped on request"),
        "{e}"
    );
}
