//! Our own publishes are shown with their outcome as it arrives, and only a publish the broker
//! took reaches the tree: a failed one creates no topic. The compose outcome says when it
//! happened and goes once the form changes.

mod common;
use common::door::Door;

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::App;
use mqscope::app::compose::Draft;
use mqscope::mqtt::{MqttEvent, PublishId, PublishOutcome, QoS};

fn app() -> App {
    common::screen::connected_app("t")
}

fn draft(topic: &str) -> Draft {
    Draft::plain(mqscope::publish::Publish {
        topic: topic.into(),
        payload: Bytes::from_static(b"on"),
        qos: QoS::AtLeastOnce,
        retain: false,
        properties: None,
    })
}

fn screen(app: &App) -> String {
    common::screen::text(app, 120, 40)
}

fn outcome(app: &mut App, id: u64, outcome: PublishOutcome) {
    let now = app.now;
    app.mqtt(
        MqttEvent::Publish {
            id: PublishId(id),
            outcome,
        },
        now,
    );
}

/// The runner queued `draft` as publish `id` at wall time `at`.
fn queued(app: &mut App, draft: mqscope::app::effect::Draft, id: u64, at: SystemTime) {
    let clock = mqscope::app::Clock {
        now: app.now,
        wall: at,
    };
    let output = mqscope::app::Output::Queued {
        draft,
        id: Ok(PublishId(id)),
    };
    app.update(mqscope::app::Msg::Done(output), clock);
}

#[test]
fn a_failed_publish_creates_no_topic_and_an_acknowledged_one_does() {
    let mut app = app();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    queued(&mut app, draft("lamp/denied"), 1, at);
    assert!(
        app.link.store.tree.find("lamp/denied").is_none(),
        "pending: not on the broker yet"
    );
    assert!(
        screen(&app).contains("[sending…]"),
        "shown as pending in the log"
    );

    outcome(&mut app, 1, PublishOutcome::Failed("not authorized".into()));
    assert!(
        app.link.store.tree.find("lamp/denied").is_none(),
        "failed: no tree topic"
    );
    assert_eq!(app.link.store.tree.topic_count(), 0);
    let s = screen(&app);
    assert!(
        s.contains("✗") && s.contains("[failed: not authorized]"),
        "{s}"
    );
    assert!(s.contains("failed: not authorized"), "compose says so: {s}");

    queued(&mut app, draft("lamp/ok"), 2, at);
    outcome(&mut app, 2, PublishOutcome::Acknowledged);
    let node = app
        .link
        .store
        .tree
        .find("lamp/ok")
        .expect("acknowledged: a topic");
    let last = app.link.store.last(node).expect("in the log");
    assert!(last.outgoing());
    assert_eq!(last.received(), at, "at the time it was sent");
    assert_eq!(
        app.link.outbox.rows.len(),
        1,
        "only the failed one is left in the outbox"
    );
}

#[test]
fn the_compose_outcome_has_a_time_and_goes_when_the_form_changes() {
    let mut app = app();
    queued(&mut app, draft("a"), 7, SystemTime::now());
    outcome(&mut app, 7, PublishOutcome::Acknowledged);
    let (text, failed) = app.compose.status.clone().expect("an outcome");
    assert!(!failed);
    let (time, words) = text.split_once(' ').unwrap();
    assert_eq!(time.len(), 8, "HH:MM:SS first: {text}");
    assert_eq!(words, "acknowledged (PUBACK)");
    // Focus the payload and type: the outcome was for the previous message.
    let now = app.now;
    for code in [KeyCode::Tab, KeyCode::Tab, KeyCode::Tab, KeyCode::Char('x')] {
        app.event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), now);
    }
    assert_eq!(app.compose.status, None);
}

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<mqscope::app::Effect> {
    let now = app.now;
    app.event(Event::Key(KeyEvent::new(code, mods)), now)
}

#[test]
fn a_bracketed_paste_keeps_its_lines_and_the_payload_can_be_cleared() {
    let mut app = app();
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab, KeyModifiers::NONE); // to the payload
    }
    let now = app.now;
    // Terminals send CR for the line breaks of a paste (some CR LF).
    app.event(Event::Paste("one\rtwo\r\nthree".into()), now);
    assert_eq!(app.compose.payload_text(), "one\ntwo\nthree");
    press(&mut app, KeyCode::Char('l'), KeyModifiers::CONTROL);
    assert_eq!(app.compose.payload_text(), "");
}

#[test]
fn json_is_checked_as_typed_as_a_hint_never_a_block() {
    let mut app = app();
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    for c in "t/x".chars() {
        press(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE); // to the payload
    for c in r#"{"on":"#.chars() {
        press(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let hint = app.compose.payload_hint.clone().expect("a hint");
    assert!(hint.starts_with("not valid JSON yet"), "{hint}");
    assert!(screen(&app).contains("not valid JSON yet"));
    // Still sent as typed: a hint, not a block.
    let effects = press(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(effects.len(), 1, "{effects:?}");
    for c in "true}".chars() {
        press(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    assert_eq!(app.compose.payload_hint, None);
}

#[test]
fn the_picker_scales_to_ten_thousand_profiles() {
    let profiles: Vec<mqscope::config::Profile> = (0..10_000)
        .map(|i| {
            let mut p = mqscope::config::Profile::adhoc(
                mqscope::mqtt::BrokerUrl::parse(&format!("mqtt://host-{i}.example")).unwrap(),
            );
            p.name = format!("site-{i:05}");
            p
        })
        .collect();
    let mut app = App::new(profiles, Default::default(), Instant::now());
    press(&mut app, KeyCode::Char('P'), KeyModifiers::SHIFT);
    let picker = |app: &App| match app.popup() {
        Some(mqscope::app::Popup::Picker(p)) => p.clone(),
        other => panic!("the picker: {other:?}"),
    };
    press(&mut app, KeyCode::End, KeyModifiers::NONE);
    assert_eq!(picker(&app).selected, 9_999, "End: the last in one key");
    let s = screen(&app);
    assert!(s.contains("› site-09999"), "the selection is in view: {s}");
    press(&mut app, KeyCode::Home, KeyModifiers::NONE);
    press(&mut app, KeyCode::PageDown, KeyModifiers::NONE);
    assert_eq!(picker(&app).selected, 10);
    // Typing filters by name or URL.
    for c in "host-4242.".chars() {
        press(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    assert!(screen(&app).contains("Profiles 1 of 10000"));
    let effects = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        matches!(effects.as_slice(), [mqscope::app::Effect::Connect { profile: p, .. }] if p.name == "site-04242"),
        "{effects:?}"
    );
}

fn arrive(app: &mut App, topic: &str, payload: &'static [u8], retain: bool) {
    let now = app.now;
    app.mqtt(
        MqttEvent::Message(mqscope::mqtt::Message {
            topic: topic.into(),
            payload: Bytes::from_static(payload),
            qos: QoS::AtMostOnce,
            retain,
            dup: false,
            received: SystemTime::now(),
            properties: None,
        }),
        now,
    );
}

#[test]
fn r_means_retained_on_the_broker_and_a_cleared_topic_says_so() {
    let mut app = app();
    let mut d = draft("lamp/state");
    d.publish.retain = true;
    queued(&mut app, d, 1, SystemTime::now());
    outcome(&mut app, 1, PublishOutcome::Acknowledged);
    // The broker forwards our publish to our own subscription as a live message.
    arrive(&mut app, "lamp/state", b"on", false);
    app.tree.expand(app.link.store.tree.find("lamp").unwrap());
    let s = screen(&app);
    let row = s.lines().find(|l| l.contains("state =")).unwrap();
    assert!(row.contains("q0 R"), "still retained on the broker: {row}");
    // An empty retained message clears it.
    arrive(&mut app, "lamp/state", b"", true);
    let s = screen(&app);
    let row = s.lines().find(|l| l.contains("state =")).unwrap();
    assert!(row.contains("state = (cleared)"), "{row}");
    assert!(
        s.contains("retained message cleared"),
        "the detail says it: {s}"
    );
    assert!(!row.contains(" R"), "{row}");
}

#[test]
fn esc_clears_an_applied_filter() {
    let mut app = app();
    arrive(&mut app, "a/b", b"1", false);
    arrive(&mut app, "c/d", b"1", false);
    press(&mut app, KeyCode::Char('/'), KeyModifiers::NONE);
    press(&mut app, KeyCode::Char('a'), KeyModifiers::NONE);
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.tree.filter.text, "a");
    press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(app.tree.filter.text, "", "Esc clears it, as ? says");
}
