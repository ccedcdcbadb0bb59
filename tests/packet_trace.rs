//! The packet trace against mosquitto: `pub -d` at QoS 2 shows PUBLISH, PUBREC, PUBREL and
//! PUBCOMP with round trips from the PUBLISH; `sub -d` with a one-second keep-alive shows
//! CONNECT, CONNACK, SUBSCRIBE with its filter, SUBACK with what was granted, and PINGREQ /
//! PINGRESP; the explorer's `T` lists them at both sizes, filtered by packet id.

mod common;

use std::time::Duration;

use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr};

const LIMIT: Duration = Duration::from_secs(20);

/// The `mqscope: ` lines of stderr that are packets (`→`, `←`).
fn packets(err: &str) -> Vec<String> {
    err.lines()
        .filter_map(|l| l.strip_prefix("mqscope: "))
        .filter(|l| l.starts_with('→') || l.starts_with('←'))
        .map(String::from)
        .collect()
}

/// `(0.4 ms)` at the end: a round trip was measured.
fn timed(line: &str) -> bool {
    line.ends_with(" ms)") && line.contains(" (")
}

#[test]
fn pub_and_sub_trace_their_packets_with_round_trips() {
    if !have_mosquitto("packet_trace") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "-b",
        &m.url(),
        "-t",
        "t/q2",
        "-m",
        "x",
        "-q",
        "2",
        "-d",
    ]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = packets(&stderr(&out));
    let kinds: Vec<&str> = lines
        .iter()
        .map(|l| l.split(' ').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "CONNECT", "CONNACK", "PUBLISH", "PUBREC", "PUBREL", "PUBCOMP"
        ],
        "{lines:?}"
    );
    assert!(lines[0].contains("clean start yes"), "{lines:?}");
    assert!(lines[2].starts_with("→ PUBLISH 1 't/q2' q2"), "{lines:?}");
    for i in [1, 3, 5] {
        assert!(timed(&lines[i]), "{}: timed from what it answers", lines[i]);
    }
    assert!(!timed(&lines[4]), "PUBREL answers nothing: {}", lines[4]);

    // sub: SUBSCRIBE names its filter, SUBACK what was granted, and a ping is answered.
    let mut cmd = mqscope(home.path());
    cmd.args([
        "sub",
        "-b",
        &m.url(),
        "-t",
        "t/#",
        "-q",
        "1",
        "--keep-alive",
        "1",
    ])
    .args(["-W", "3", "-d"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = packets(&stderr(&out));
    assert!(
        lines.iter().any(|l| l == "→ SUBSCRIBE 1 't/#' q1"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("← SUBACK 1 granted q1") && timed(l)),
        "{lines:?}"
    );
    let ping = lines
        .iter()
        .position(|l| l == "→ PINGREQ")
        .expect("a PINGREQ");
    assert!(
        lines[ping..]
            .iter()
            .any(|l| l.starts_with("← PINGRESP") && timed(l)),
        "{lines:?}"
    );
}

/// `T` in the explorer: the packets, newest last, at both sizes; typing filters (a number is
/// a packet id), `q` is typed rather than quitting, Esc closes.
#[test]
fn t_lists_the_packets_and_filters_them() {
    use common::door::Door;
    use common::screen::screen;
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use mqscope::mqtt::MqttEvent;
    use mqscope::mqtt::trace::Packet;

    let mut app = common::screen::connected_app("trace");
    let at = std::time::SystemTime::UNIX_EPOCH;
    let p = |out, kind, pkid, topic: Option<&str>, detail: &str, rtt_us: Option<u64>| Packet {
        at,
        out: Some(out),
        kind,
        pkid,
        topic: topic.map(String::from),
        detail: detail.into(),
        round_trip: rtt_us.map(Duration::from_micros),
    };
    let now = app.now;
    for packet in [
        p(
            true,
            "CONNECT",
            None,
            None,
            "client id 'c', keep-alive 30 s, clean start yes",
            None,
        ),
        p(
            false,
            "CONNACK",
            None,
            None,
            "session present: no",
            Some(700),
        ),
        p(true, "PUBLISH", Some(3), Some("a/b"), "q1 5 B", None),
        p(false, "PUBACK", Some(3), None, "", Some(400)),
    ] {
        app.mqtt(MqttEvent::Packet(Box::new(packet)), now);
    }
    let key = |app: &mut mqscope::app::App, code| {
        let now = app.now;
        app.event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), now)
    };
    key(&mut app, KeyCode::Char('T'));
    for (w, h) in [(120u16, 40u16), (80, 24)] {
        let text = screen(&mut app, w, h);
        assert!(
            text.contains("→ PUBLISH 3 'a/b' q1 5 B"),
            "{w}x{h}:\n{text}"
        );
        assert!(text.contains("← PUBACK 3 (0.4 ms)"), "{w}x{h}:\n{text}");
        assert!(
            text.contains("Packets · 4 of the last 4"),
            "{w}x{h}:\n{text}"
        );
        insta::with_settings!({filters => vec![(r"\d\d:\d\d:\d\d\.\d\d\d", "[time]")]}, {
            insta::assert_snapshot!(format!("packet_trace_{w}x{h}"), text);
        });
    }
    key(&mut app, KeyCode::Char('3'));
    assert!(screen(&mut app, 120, 40).contains("Packets · 2 of the last 4 · filter: 3"));
    key(&mut app, KeyCode::Backspace);
    for c in "ack".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("2 of the last 4 · filter: ack"), "{text}");
    assert!(
        text.contains("← CONNACK") && !text.contains("→ PUBLISH"),
        "{text}"
    );
    // A key the panes own (q quits there) is typed here.
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "q is typed into the filter");
    assert!(screen(&mut app, 120, 40).contains("filter: ackq"));
    key(&mut app, KeyCode::Esc);
    assert!(app.popups.is_empty(), "Esc closes");
}
