//! The README's screenshots: the demo scenario's own messages fed to the app and drawn through
//! TestBackend, written as SVG with colours to assets/screenshots/. The test fails when a
//! screenshot no longer matches the screen; `MQSCOPE_UPDATE_SCREENSHOTS=1 cargo test --test
//! screenshots` regenerates them.

mod common;
use common::door::Door;

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::App;
use mqscope::mqtt::{Message, MqttEvent, QoS};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

/// Ten seconds of the demo, fed as if received, with fixed times and seeded noise.
fn demo_app() -> App {
    fastrand::seed(7);
    let start = Instant::now();
    let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    let mut app = common::screen::connected_app("demo");
    app.now = start;
    let devices = mqscope::demo::shipped().expect("the shipped scenario");
    let feed = |app: &mut App, sent: Vec<mqscope::demo::Sent>, tick: u64| {
        let at = Duration::from_millis(tick * 100);
        for m in sent {
            let msg = Message {
                topic: m.topic.into(),
                payload: Bytes::from(m.payload),
                qos: QoS::from_u8(m.qos).unwrap_or_default(),
                retain: m.retain,
                dup: false,
                received: wall + at,
                properties: None,
            };
            app.mqtt(MqttEvent::Message(msg), start + at);
        }
    };
    feed(&mut app, devices.initial(), 0);
    for n in 1..=100 {
        feed(&mut app, devices.at(n, n as f64 / 10.0), n);
    }
    app.now = start + Duration::from_secs(10);
    // Open the way to one room's temperature, as a user would.
    let tree = &app.link.store.tree;
    let temp = tree
        .find("sensors/building-1/floor-2/room-3/temp")
        .expect("the demo publishes room temperatures");
    let mut opened = Vec::new();
    let mut cur = tree.node(temp).parent;
    while cur != mqscope::store::tree::ROOT {
        opened.push(cur);
        cur = tree.node(cur).parent;
    }
    for id in opened {
        app.tree.expand(id);
    }
    app.tree.selected = Some(temp);
    app
}

fn svg(app: &mut App, w: u16, h: u16) -> String {
    app.size = Rect::new(0, 0, w, h);
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| mqscope::ui::draw(f, app)).unwrap();
    mqscope::ui::svg::to_svg(term.backend().buffer())
}

/// Clock times (HH:MM:SS.mmm) depend on the machine's time zone: compared as a mask.
fn masked(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let shape = b"00:00:00.000";
    while i < b.len() {
        let fits = i + shape.len() <= b.len()
            && shape.iter().zip(&b[i..]).all(|(p, c)| {
                if *p == b'0' {
                    c.is_ascii_digit()
                } else {
                    p == c
                }
            });
        if fits {
            out.push_str("HH:MM:SS.mmm");
            i += shape.len();
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn check(name: &str, shot: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/screenshots")
        .join(name);
    assert!(shot.starts_with("<svg") && shot.ends_with("</svg>\n"));
    if std::env::var_os("MQSCOPE_UPDATE_SCREENSHOTS").is_some() {
        std::fs::write(&path, shot).unwrap();
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run with MQSCOPE_UPDATE_SCREENSHOTS=1",
            path.display()
        )
    });
    assert!(
        masked(&kept) == masked(shot),
        "{} is stale: the screen changed; run MQSCOPE_UPDATE_SCREENSHOTS=1 cargo test --test screenshots",
        path.display()
    );
}

#[test]
fn demo_screenshots_are_current() {
    let mut app = demo_app();
    check("explorer-120x40.svg", &svg(&mut app, 120, 40));
    let now = app.now;
    app.event(
        Event::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
        now,
    );
    check("help-120x40.svg", &svg(&mut app, 120, 40));
}
