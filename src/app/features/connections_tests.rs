//! Several connections through the one door: each batch lands on its own connection, focus
//! moves by `Msg::Focus` and the `C` list, the budget is split, parked connections speak with
//! their name, and `=` and `M` read every store.

use std::time::{Duration, Instant, SystemTime};

use crate::app::effect::Output;
use crate::app::features::compare::{Arrival, Verdict};
use crate::app::popup::AllTreePopup;
use crate::app::{App, Clock, ConnId, ConnInfo, Effect, Msg};
use crate::config::Profile;
use crate::mqtt::{
    BrokerUrl, ConnError, ConnErrorKind, ConnState, Message, MqttEvent, Protocol, QoS,
};
use crate::store::Limits;

fn at(now: Instant) -> Clock {
    Clock {
        now,
        wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000),
    }
}

fn profile(name: &str) -> Profile {
    let mut p = Profile::adhoc(BrokerUrl::parse("mqtt://127.0.0.1:1883").unwrap());
    p.name = name.into();
    p
}

fn connected(app: &mut App, conn: ConnId, name: &str, t: Instant) {
    let mut info = ConnInfo::new(name.into(), format!("mqtt://{name}"), Protocol::V5, false);
    info.state = ConnState::Connected {
        session_present: false,
    };
    let output = Output::Connected {
        conn,
        info,
        subscriptions: None,
    };
    app.update(Msg::Done(output), at(t));
}

fn message(topic: &str, payload: &'static [u8], received: SystemTime) -> MqttEvent {
    MqttEvent::Message(Message {
        topic: topic.into(),
        payload: bytes::Bytes::from_static(payload),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        received,
        properties: None,
    })
}

/// `a` and `b` open side by side (as `-P a -P b` does), `a` in focus.
fn two(t: Instant) -> App {
    let limits = Limits {
        memory_budget: 64 << 20,
        ..Limits::default()
    };
    let mut app = App::new(vec![profile("a"), profile("b")], limits, t);
    app.update(Msg::Open("a".into()), at(t));
    let beside = app.update(Msg::OpenBeside("b".into()), at(t));
    assert!(
        matches!(&beside[..2], [Effect::Focus(ConnId(1)), Effect::Connect { conn: ConnId(1), profile }] if profile.name == "b"),
        "{beside:?}"
    );
    let back = app.update(Msg::Focus(ConnId::FIRST), at(t));
    assert!(
        matches!(back.first(), Some(Effect::Focus(ConnId(0)))),
        "{back:?}"
    );
    connected(&mut app, ConnId(0), "a", t);
    connected(&mut app, ConnId(1), "b", t);
    app
}

#[test]
fn each_batch_lands_on_its_own_connection_and_focus_swaps_the_panes() {
    let t = Instant::now();
    let mut app = two(t);
    let now = SystemTime::now();
    app.update(
        Msg::Mqtt(ConnId(1), vec![message("b/only", b"1", now)]),
        at(t),
    );
    app.update(
        Msg::Mqtt(ConnId(0), vec![message("a/only", b"2", now)]),
        at(t),
    );
    assert_eq!(app.link.id, ConnId(0));
    assert!(app.link.store.tree.find("a/only").is_some());
    assert!(app.link.store.tree.find("b/only").is_none());
    let a_selected = app.tree.selected;
    // The parked one selected its own first topic, in its own tree.
    app.update(Msg::Focus(ConnId(1)), at(t));
    assert!(app.link.store.tree.find("b/only").is_some());
    assert_eq!(
        app.tree.selected.map(|n| app.link.store.tree.path(n)),
        Some("b/only".to_string())
    );
    app.update(Msg::Focus(ConnId(0)), at(t));
    assert_eq!(app.tree.selected, a_selected, "a's selection kept");
    // A closed connection's last events are dropped, not filed on another.
    app.update(
        Msg::Mqtt(ConnId(7), vec![message("ghost", b"x", now)]),
        at(t),
    );
    assert!(
        app.links()
            .iter()
            .all(|l| l.store.tree.find("ghost").is_none())
    );
}

#[test]
fn the_budget_is_split_and_the_status_words_count_the_others() {
    let t = Instant::now();
    let mut app = two(t);
    assert_eq!(app.budget_share(), 32 << 20);
    assert!(
        app.links()
            .iter()
            .all(|l| l.store.limits().memory_budget == 32 << 20)
    );
    assert_eq!(app.budget_words().as_deref(), Some("of 64 MiB ÷ 2"));
    assert_eq!(
        app.others_words(),
        Some(("1 other: 1 connected (C)".to_string(), false))
    );
    // b loses its broker while a is in focus: said with b's name, counted as failing.
    let lost = MqttEvent::State(ConnState::Reconnecting {
        never_connected: false,
        after: Duration::from_secs(2),
        error: ConnError {
            kind: ConnErrorKind::Network,
            words: "connection refused".into(),
        },
    });
    app.update(Msg::Mqtt(ConnId(1), vec![lost]), at(t));
    assert_eq!(
        app.others_words(),
        Some(("1 other: 1 failing (C)".to_string(), true))
    );
    app.tell(crate::app::Level::Info, "not from b".into());
    let refused = Output::NotConnected {
        conn: ConnId(1),
        name: "b".into(),
        why: "refused".into(),
    };
    app.update(Msg::Done(refused), at(t));
    assert_eq!(app.notice_text(), Some("b: refused"), "named once");
    assert!(
        app.popups.is_empty(),
        "a parked failure does not open the picker"
    );
}

#[test]
fn closing_moves_focus_and_the_last_connection_stays() {
    let t = Instant::now();
    let mut app = two(t);
    let effects = app.close_conn(ConnId(0));
    assert!(matches!(effects[..], [Effect::Disconnect(ConnId(0))]));
    assert_eq!(app.link.id, ConnId(1));
    assert_eq!(app.conn_count(), 1);
    assert_eq!(
        app.link.store.limits().memory_budget,
        64 << 20,
        "b has it all"
    );
    assert!(app.close_conn(ConnId(1)).is_empty());
    assert_eq!(app.conn_count(), 1);
}

#[test]
fn compare_tells_agreement_and_the_arrival_lag_of_the_newest_value() {
    let t = Instant::now();
    let mut app = two(t);
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    app.update(
        Msg::Mqtt(ConnId(0), vec![message("s/t", b"21.5", t0)]),
        at(t),
    );
    let later = t0 + Duration::from_micros(12_300);
    app.update(
        Msg::Mqtt(ConnId(1), vec![message("s/t", b"21.5", later)]),
        at(t),
    );
    let c = app.compare("s/t");
    assert_eq!(c.verdict, Verdict::Agree);
    assert_eq!(c.sides[0].arrival, Arrival::First);
    assert_eq!(
        c.sides[1].arrival,
        Arrival::After(Duration::from_micros(12_300))
    );
    assert_eq!(c.sides[1].arrival.words(), "+12.3 ms");
    // a moves on; b has not got the new value yet.
    let newer = later + Duration::from_secs(1);
    app.update(
        Msg::Mqtt(ConnId(0), vec![message("s/t", b"22", newer)]),
        at(t),
    );
    let c = app.compare("s/t");
    assert_eq!(c.verdict, Verdict::Differ(2));
    assert_eq!(c.sides[1].arrival, Arrival::Missing);
    // Only on one side.
    app.update(
        Msg::Mqtt(ConnId(1), vec![message("b/x", b"1", later)]),
        at(t),
    );
    assert_eq!(
        app.compare("b/x").verdict,
        Verdict::Partly(vec!["b".into()])
    );
    assert_eq!(app.compare("none").verdict, Verdict::Nowhere);
}

#[test]
fn the_merged_tree_has_a_root_per_connection_and_filters_across_them() {
    let t = Instant::now();
    let mut app = two(t);
    let now = SystemTime::now();
    app.update(
        Msg::Mqtt(ConnId(0), vec![message("site/temp", b"1", now)]),
        at(t),
    );
    app.update(
        Msg::Mqtt(ConnId(1), vec![message("site/hum", b"2", now)]),
        at(t),
    );
    let mut p = AllTreePopup::default();
    let labels = |app: &App, p: &AllTreePopup| -> Vec<String> {
        app.all_tree_rows(p)
            .iter()
            .map(|r| r.label.clone())
            .collect()
    };
    assert_eq!(labels(&app, &p), ["@a", "site", "@b", "site"]);
    p.open.insert((
        ConnId(1),
        app.others[0].link.store.tree.find("site").unwrap(),
    ));
    assert_eq!(labels(&app, &p), ["@a", "site", "@b", "site", "hum"]);
    p.filter = "+/temp".into();
    assert_eq!(labels(&app, &p), ["@a", "site/temp", "@b"]);
    p.closed.insert(ConnId(0));
    assert_eq!(labels(&app, &p), ["@a", "@b"]);
}

fn press(app: &mut App, code: crossterm::event::KeyCode, t: Instant) -> Vec<Effect> {
    use crossterm::event::{Event, KeyEvent, KeyModifiers};
    let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    app.update(Msg::Term(event), at(t))
}

#[test]
fn equals_compares_the_selected_topic_and_tab_in_the_merged_tree_goes_to_it() {
    use crate::app::popup::Popup;
    use crossterm::event::KeyCode;
    let t = Instant::now();
    let mut app = two(t);
    let now = SystemTime::now();
    app.update(Msg::Mqtt(ConnId(0), vec![message("a/t", b"1", now)]), at(t));
    app.update(Msg::Mqtt(ConnId(1), vec![message("b/t", b"2", now)]), at(t));
    press(&mut app, KeyCode::Char('='), t);
    assert_eq!(app.popups, [Popup::Compare("a/t".into())]);
    // Any key closes it (`q` too: it is not the panes' here).
    press(&mut app, KeyCode::Char('q'), t);
    assert!(app.popups.is_empty() && !app.quit);
    // M, type "b/t", Down to the match, Tab: b in focus with b/t selected.
    press(&mut app, KeyCode::Char('M'), t);
    for c in "b/t".chars() {
        press(&mut app, KeyCode::Char(c), t);
    }
    press(&mut app, KeyCode::Down, t);
    press(&mut app, KeyCode::Down, t);
    let effects = press(&mut app, KeyCode::Tab, t);
    assert!(
        matches!(effects.first(), Some(Effect::Focus(ConnId(1)))),
        "{effects:?}"
    );
    assert!(app.popups.is_empty());
    assert_eq!(
        app.tree.selected.map(|n| app.link.store.tree.path(n)),
        Some("b/t".to_string())
    );
    // C opens on b, the one in focus; Up, Enter: a back in focus.
    press(&mut app, KeyCode::Char('C'), t);
    assert!(matches!(app.popups.last(), Some(Popup::Conns(p)) if p.selected == 1));
    press(&mut app, KeyCode::Up, t);
    let effects = press(&mut app, KeyCode::Enter, t);
    assert!(
        matches!(effects.first(), Some(Effect::Focus(ConnId(0)))),
        "{effects:?}"
    );
}

#[test]
fn a_profile_opened_beside_that_fails_leaves_no_empty_slot_and_esc_does_not_quit() {
    use crate::app::popup::Popup;
    use crossterm::event::KeyCode;
    let t = Instant::now();
    let mut app = two(t);
    app.profiles.push(profile("c"));
    let effects = app.update(Msg::OpenBeside("c".into()), at(t));
    assert!(
        matches!(effects.first(), Some(Effect::Focus(ConnId(2)))),
        "{effects:?}"
    );
    assert_eq!(app.conn_count(), 3);
    let refused = Output::NotConnected {
        conn: ConnId(2),
        name: "c".into(),
        why: "connection refused".into(),
    };
    app.update(Msg::Done(refused), at(t));
    assert_eq!(app.conn_count(), 2, "the empty slot went");
    assert_eq!(app.notice_text(), Some("c: connection refused"));
    assert!(matches!(app.popups.last(), Some(Popup::Picker(p)) if p.beside));
    // Esc closes the picker; the two connections stay, and so does the app.
    press(&mut app, KeyCode::Esc, t);
    assert!(app.popups.is_empty() && !app.quit);
}
