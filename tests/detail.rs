//! The detail pane holds an older message once the user steps back to it, while new ones
//! arrive (it used to count back from the newest, so every arrival changed it).

mod common;
use common::door::Door;

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::App;
use mqscope::mqtt::{Message, MqttEvent, QoS};

fn feed(app: &mut App, payload: &str) {
    let now = app.now;
    app.mqtt(
        MqttEvent::Message(Message {
            topic: "room/temp".into(),
            payload: Bytes::from(payload.to_string()),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            received: SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000),
            properties: None,
        }),
        now,
    );
}

fn key(app: &mut App, c: char) {
    let now = app.now;
    app.event(
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        now,
    );
}

fn detail_text(app: &App) -> String {
    common::screen::text(app, 120, 40)
}

#[test]
fn an_older_message_stays_put_while_new_ones_arrive() {
    let mut app = App::new(Vec::new(), Default::default(), Instant::now());
    for i in 1..=5 {
        feed(&mut app, &format!("reading-{i}"));
    }
    // Select the topic: room, then its leaf.
    app.tree.expand(app.link.store.tree.find("room").unwrap());
    app.tree.selected = app.link.store.tree.find("room/temp");
    key(&mut app, '<');
    let s = detail_text(&app);
    assert!(s.contains("4 of 5 kept"), "{s}");
    assert!(s.contains("reading-4"), "{s}");
    for i in 6..=7 {
        feed(&mut app, &format!("reading-{i}"));
        let s = detail_text(&app);
        assert!(
            s.contains(&format!("4 of {i} kept")),
            "held while new ones arrive: {s}"
        );
        assert!(s.contains("reading-4") && !s.contains("reading-5\n"), "{s}");
    }
    key(&mut app, '<');
    assert!(detail_text(&app).contains("3 of 7 kept"));
    // Forward to the newest: following again.
    for _ in 0..4 {
        key(&mut app, '>');
    }
    assert!(detail_text(&app).contains("7 of 7 kept"));
    feed(&mut app, "reading-8");
    let s = detail_text(&app);
    assert!(s.contains("8 of 8 kept") && s.contains("reading-8"), "{s}");
}
