//! `App::update` without a loop or a broker: each feature's messages in, the effects and the
//! state out, at clocks the tests choose.

use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use crate::app::effect::{Draft, JobKind, Output};
use crate::app::{App, Clock, ConnInfo, Effect, Level, Msg};
use crate::config::Profile;
use crate::mqtt::{BrokerUrl, ConnState, MqttEvent, Protocol, PublishId, PublishOutcome, QoS};

fn at(now: Instant) -> Clock {
    Clock {
        now,
        wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000),
    }
}

fn key(app: &mut App, code: KeyCode, now: Instant) -> Vec<Effect> {
    let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    app.update(Msg::Term(event), at(now))
}

fn ctrl(app: &mut App, c: char, now: Instant) -> Vec<Effect> {
    let event = Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    app.update(Msg::Term(event), at(now))
}

fn timers(effects: &[Effect]) -> Vec<Instant> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::WakeAt(t) => Some(*t),
            _ => None,
        })
        .collect()
}

fn profile(name: &str) -> Profile {
    let mut p = Profile::adhoc(BrokerUrl::parse("mqtt://127.0.0.1:1883").unwrap());
    p.name = name.into();
    p
}

fn info(name: &str) -> ConnInfo {
    let mut info = ConnInfo::new(
        name.into(),
        "mqtt://127.0.0.1:1883".into(),
        Protocol::V5,
        false,
    );
    info.state = ConnState::Connected {
        session_present: false,
    };
    info
}

#[test]
fn the_app_asks_for_its_timer_once_and_again_only_when_it_changes() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    let first = app.update(Msg::Tick, at(t0));
    assert_eq!(timers(&first), [t0 + Duration::from_secs(1)], "the clock");
    // A key before that timer went off: nothing new to ask.
    assert!(timers(&key(&mut app, KeyCode::Down, t0)).is_empty());
    // The timer went off: the next second is asked for.
    let next = app.update(Msg::Tick, at(t0 + Duration::from_secs(1)));
    assert_eq!(timers(&next), [t0 + Duration::from_secs(2)]);
}

#[test]
fn an_information_notice_ends_by_the_timer_it_asked_for_a_warning_at_a_key() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    app.update(Msg::Tick, at(t0));
    // An info notice 0.5 s before the clock's next second: its end (5 s) comes later, so the
    // clock's timer stands; after four more ticks its end is the soonest.
    app.tell(Level::Info, "saved".into());
    let mut t = t0;
    for _ in 0..5 {
        t += Duration::from_secs(1);
        app.update(Msg::Tick, at(t));
    }
    assert_eq!(app.notice_text(), None, "gone after 5 s without a key");
    app.tell(Level::Warning, "careful".into());
    app.update(Msg::Tick, at(t + Duration::from_secs(60)));
    assert_eq!(
        app.notice_text(),
        Some("careful"),
        "a warning waits for a key"
    );
    key(&mut app, KeyCode::Down, t + Duration::from_secs(61));
    assert_eq!(app.notice_text(), None);
}

#[test]
fn opening_a_profile_connects_with_it_and_its_outputs_set_the_connection() {
    let t0 = Instant::now();
    let mut app = App::new(vec![profile("lab")], Default::default(), t0);
    let effects = app.update(Msg::Open("lab".into()), at(t0));
    assert!(
        matches!(&effects[0], Effect::Connect { profile: p, .. } if p.name == "lab"),
        "{effects:?}"
    );
    app.update(
        Msg::Done(Output::Connecting {
            conn: crate::app::ConnId::FIRST,
            password_command: Some("pass".into()),
        }),
        at(t0),
    );
    assert_eq!(app.notice_text(), Some("running password_command (pass)…"));
    let subs = vec![crate::mqtt::Subscription::new("a/#", QoS::AtLeastOnce)];
    app.update(
        Msg::Done(Output::Connected {
            conn: crate::app::ConnId::FIRST,
            info: info("lab"),
            subscriptions: Some(subs),
        }),
        at(t0),
    );
    assert_eq!(app.link.conn.as_ref().map(|c| c.name.as_str()), Some("lab"));
    assert_eq!(app.link.subscriptions.len(), 1);
    assert_eq!(app.notice_text(), None, "the running notice goes");
    // An unknown name is told, not connected.
    let none = app.update(Msg::Open("nope".into()), at(t0));
    assert!(!none.iter().any(|e| matches!(e, Effect::Connect { .. })));
    assert_eq!(app.notice_text(), Some("no profile named 'nope'"));
}

#[test]
fn a_failed_connection_is_told_and_the_picker_opens_on_it() {
    let t0 = Instant::now();
    let mut app = App::new(vec![profile("a"), profile("b")], Default::default(), t0);
    app.update(
        Msg::Done(Output::NotConnected {
            conn: crate::app::ConnId::FIRST,
            name: "b".into(),
            why: "connection refused".into(),
        }),
        at(t0),
    );
    assert_eq!(app.notice_text(), Some("b: connection refused"));
    assert!(matches!(
        app.popup(),
        Some(crate::app::Popup::Picker(p)) if p.selected == 1
    ));
}

#[test]
fn every_failed_job_is_told_with_its_kind() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    let cases = [
        (JobKind::LoadPayload, "payload not loaded: gone"),
        (JobKind::SaveHistory, "publish history not saved: gone"),
        (
            JobKind::SaveSnippet("s".into()),
            "snippet 's' not saved: gone",
        ),
        (JobKind::Export("a/b".into()), "a/b not exported: gone"),
        (
            JobKind::RemoveProfile("p".into()),
            "profile 'p' not removed: gone",
        ),
        (JobKind::TestProfile, "test failed: gone"),
        (JobKind::SaveProfile("p".into()), "profile not saved: gone"),
    ];
    for (job, words) in cases {
        let failed = Output::Failed {
            job: job.clone(),
            why: "gone".into(),
        };
        app.update(Msg::Done(failed), at(t0));
        assert_eq!(app.notice_text(), Some(words), "{job:?}");
    }
}

#[test]
fn a_file_read_into_compose_is_text_when_it_is_text_and_base64_when_not() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    app.update(
        Msg::Done(Output::PayloadRead(b"{\"on\":1}".to_vec())),
        at(t0),
    );
    assert_eq!(app.compose.payload.text(), "{\"on\":1}");
    assert_eq!(app.compose.encoding, crate::app::compose::Encoding::Text);
    app.update(Msg::Done(Output::PayloadRead(vec![0xff, 0x00])), at(t0));
    assert_eq!(app.compose.payload.text(), "/wA=");
    assert_eq!(app.compose.encoding, crate::app::compose::Encoding::Base64);
    assert_eq!(app.notice_text(), Some("payload loaded (base64)"));
}

#[test]
fn a_repeat_sends_from_update_at_the_times_it_asked_to_be_woken() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    app.set_connection(info("lab"));
    app.compose.set_topic("r/t");
    app.compose.payload.set("x");
    let first = app.start_repeat(3, Duration::from_millis(200));
    assert!(matches!(&first[..], [Effect::Publish(d)] if d.topic == "r/t"));
    // The next send is 200 ms away: the timer asked for is that, not the clock's second.
    let waiting = app.update(Msg::Tick, at(t0 + Duration::from_millis(100)));
    assert!(!waiting.iter().any(|e| matches!(e, Effect::Publish(_))));
    assert_eq!(timers(&waiting), [t0 + Duration::from_millis(200)]);
    let second = app.update(Msg::Tick, at(t0 + Duration::from_millis(200)));
    assert_eq!(
        second
            .iter()
            .filter(|e| matches!(e, Effect::Publish(_)))
            .count(),
        1
    );
    let third = app.update(Msg::Tick, at(t0 + Duration::from_millis(400)));
    assert!(third.iter().any(|e| matches!(e, Effect::Publish(_))));
    assert!(!app.repeat.is_running(), "done after 3");
    assert_eq!(
        app.compose.status.as_ref().map(|s| s.0.as_str()),
        Some("repeat done: 3 sent")
    );
    // Ctrl+R with nothing repeating opens the prompt instead of sending.
    let prompt = ctrl(&mut app, 'r', t0 + Duration::from_secs(1));
    assert!(!prompt.iter().any(|e| matches!(e, Effect::Publish(_))));
}

#[test]
fn a_queued_publish_is_filed_at_its_wall_time_once_acknowledged() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    let draft = Draft::plain(crate::publish::Publish {
        topic: "lamp/1".into(),
        payload: bytes::Bytes::from_static(b"on"),
        qos: QoS::AtLeastOnce,
        retain: false,
        properties: None,
    });
    let sent = at(t0);
    app.update(
        Msg::Done(Output::Queued {
            draft,
            id: Ok(PublishId(4)),
        }),
        sent,
    );
    let acked = MqttEvent::Publish {
        id: PublishId(4),
        outcome: PublishOutcome::Acknowledged,
    };
    app.update(
        Msg::Mqtt(crate::app::ConnId::FIRST, vec![acked]),
        at(t0 + Duration::from_secs(2)),
    );
    let node = app.link.store.tree.find("lamp/1").expect("filed");
    let e = app.link.store.last(node).expect("in the log");
    assert_eq!(e.received(), sent.wall, "at the time it was queued");
    assert!(e.outgoing());
    // Refused before the worker: compose says why; nothing is filed.
    let refused = Draft::plain(crate::publish::Publish {
        topic: "lamp/2".into(),
        payload: bytes::Bytes::new(),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: None,
    });
    app.update(
        Msg::Done(Output::Queued {
            draft: refused,
            id: Err("not connected".into()),
        }),
        sent,
    );
    assert_eq!(
        app.compose.status.as_ref().map(|s| s.0.as_str()),
        Some("not sent: not connected")
    );
    assert!(app.link.store.tree.find("lamp/2").is_none());
}

#[test]
fn a_clean_up_window_the_worker_refused_waits_for_its_timer() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    app.set_connection(info("lab"));
    app.update(
        Msg::Mqtt(
            crate::app::ConnId::FIRST,
            vec![crate::app::test_support::message("keep/a")],
        ),
        at(t0),
    );
    // D on the selected topic: a look; its answer: one retained message; Enter clears it.
    let look = key(&mut app, KeyCode::Char('D'), t0);
    assert!(
        look.iter()
            .any(|e| matches!(e, Effect::RetainedLook { .. }))
    );
    let found = crate::session::retained::Found {
        messages: vec![crate::mqtt::Message {
            topic: "keep/a".into(),
            payload: bytes::Bytes::from_static(b"1"),
            qos: QoS::AtLeastOnce,
            retain: true,
            dup: false,
            received: SystemTime::UNIX_EPOCH,
            properties: None,
        }],
        truncated: false,
    };
    let filter = match look.iter().find_map(|e| match e {
        Effect::RetainedLook { filter } => Some(filter.clone()),
        _ => None,
    }) {
        Some(f) => f,
        None => unreachable!(),
    };
    app.update(Msg::Done(Output::RetainedFound { filter, found }), at(t0));
    let clear = key(&mut app, KeyCode::Enter, t0);
    let Some(Effect::CleanupPublish(window)) = clear
        .iter()
        .find(|e| matches!(e, Effect::CleanupPublish(_)))
    else {
        panic!("{clear:?}")
    };
    // The worker's queue was full: it is offered again only once its timer went off.
    let refused = app.update(
        Msg::Done(Output::CleanupQueued {
            draft: window[0].clone(),
            id: Err("busy".into()),
        }),
        at(t0),
    );
    assert!(
        !refused
            .iter()
            .any(|e| matches!(e, Effect::CleanupPublish(_)))
    );
    assert!(timers(&refused).contains(&(t0 + Duration::from_millis(100))));
    let again = app.update(Msg::Tick, at(t0 + Duration::from_millis(100)));
    assert!(again.iter().any(|e| matches!(e, Effect::CleanupPublish(_))));
}

#[test]
fn ctrl_z_asks_to_suspend_even_over_a_popup() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    key(&mut app, KeyCode::Char('?'), t0);
    assert!(app.popup().is_some());
    let effects = ctrl(&mut app, 'z', t0);
    assert!(effects.iter().any(|e| matches!(e, Effect::Suspend)));
}

#[test]
fn compose_templates_expand_as_each_publish_leaves_with_the_messages_clock() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    app.link.conn = Some(info("lab"));
    app.focus = crate::app::Focus::Compose(crate::app::Field::Payload);
    app.compose.set_topic("dev/{{seq}}");
    app.compose.payload.set("{{seq}}");
    let first = ctrl(&mut app, 's', t0);
    let second = ctrl(&mut app, 's', t0);
    let sent: Vec<(String, Vec<u8>)> = first
        .iter()
        .chain(&second)
        .filter_map(|e| match e {
            Effect::Publish(d) => Some((d.topic.clone(), d.payload.to_vec())),
            _ => None,
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("dev/1".to_string(), b"1".to_vec()),
            ("dev/2".to_string(), b"2".to_vec())
        ]
    );
    // A template that cannot expand is not sent, and compose says why.
    app.compose.set_topic("dev/{{nope}}");
    let refused = ctrl(&mut app, 's', t0);
    assert!(!refused.iter().any(|e| matches!(e, Effect::Publish(_))));
    let status = app.compose.status.clone().map(|s| s.0).unwrap_or_default();
    assert!(status.starts_with("not sent: template:"), "{status}");
}

#[test]
fn a_hex_compose_publish_is_kept_in_history_and_comes_back_as_its_bytes() {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    app.link.conn = Some(info("lab"));
    app.focus = crate::app::Focus::Compose(crate::app::Field::Payload);
    app.compose.set_topic("bin/1");
    app.compose.encoding = crate::app::compose::Encoding::Hex;
    app.compose.payload.set("00 ff 0a");
    let effects = ctrl(&mut app, 's', t0);
    let Some(Effect::Publish(draft)) = effects.iter().find(|e| matches!(e, Effect::Publish(_)))
    else {
        panic!("{effects:?}")
    };
    assert_eq!(&draft.payload[..], &[0x00, 0xff, 0x0a]);
    app.update(
        Msg::Done(Output::Queued {
            draft: draft.clone(),
            id: Ok(PublishId(9)),
        }),
        at(t0),
    );
    let acked = MqttEvent::Publish {
        id: PublishId(9),
        outcome: PublishOutcome::Acknowledged,
    };
    app.update(Msg::Mqtt(crate::app::ConnId::FIRST, vec![acked]), at(t0));
    let kept = app.history.items.back().cloned().expect("kept in history");
    assert_eq!(&kept.payload[..], &[0x00, 0xff, 0x0a]);
    // Loaded back: the same bytes go out again (as base64 in the field).
    app.compose.payload.set("");
    app.load_into_compose(&kept);
    assert_eq!(app.compose.encoding, crate::app::compose::Encoding::Base64);
    let again = app.compose.to_publish().unwrap();
    assert_eq!(&again.payload[..], &[0x00, 0xff, 0x0a]);
}
