//! The real event loop, driven by scripted keys on a TestBackend, against the embedded broker:
//! publishing at every QoS with and without retain (checked at a second client), the tree's keys,
//! pause and follow.

mod common;
use common::door::Door;
use common::driver;

use std::time::Instant;

use common::client::{self, Client};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::App;
use mqscope::broker::EmbeddedBroker;
use mqscope::config::Profile;
use mqscope::mqtt::{BrokerUrl, MqttEvent, Protocol, QoS};
use mqscope::store::Limits;
use mqscope::tui::run::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// What the script can see of the app after each draw.
#[derive(Clone, Default, Debug)]
struct Seen {
    status: Option<String>,
    topics: u32,
    connected: bool,
    /// Our publishes in the log (filed once the broker took them).
    ours: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_every_qos_with_and_without_retain_reaches_a_second_client() {
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let url = broker.mqtt_url();
    for protocol in [Protocol::V5, Protocol::V311] {
        let topic = format!("ui/{protocol}/cmd");
        let mut watcher = Client::start(&client::settings(&url, Protocol::V5));
        watcher.subscribe("ui/#", QoS::ExactlyOnce).await;

        let mut profile = Profile::adhoc(BrokerUrl::parse(&url).unwrap());
        profile.protocol = protocol;
        let first = profile.name.clone();
        let mut app = App::new(vec![profile], Limits::default(), Instant::now());
        let conn = mqscope::cli::ConnArgs::default();
        let mut session = Session::new(|p: &Profile| {
            mqscope::session::open::open(&conn, &["ui/#".to_string()], p)
        });
        let sample = |app: &App| Seen {
            status: app.compose.status.as_ref().map(|s| s.0.clone()),
            topics: app.link.store.tree.topic_count(),
            ours: app
                .link
                .store
                .log
                .iter_from(0)
                .filter(|e| e.outgoing())
                .count(),
            connected: matches!(
                app.link.conn.as_ref().map(|c| &c.state),
                Some(mqscope::mqtt::ConnState::Connected { .. })
            ),
        };
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let (mut ui, looped) =
            driver::start(&mut terminal, &mut app, &mut session, Some(&first), sample);
        let script = async {
            ui.wait("connects", |s| s.connected).await;
            // Focus the topic field and type it once.
            ui.key(KeyCode::Tab);
            ui.key(KeyCode::Tab);
            for c in topic.chars() {
                ui.key(KeyCode::Char(c));
            }
            ui.key(KeyCode::Enter); // on to the payload
            let mut retained = false;
            let mut sent = 0;
            for qos in [0u8, 1, 2] {
                for retain in [false, true] {
                    let payload = format!("q{qos} r{retain}");
                    ui.ctrl('a'); // start of line in the payload editor
                    ui.ctrl('k'); // delete to its end
                    for c in payload.chars() {
                        ui.key(KeyCode::Char(c));
                    }
                    ui.key(KeyCode::Tab); // QoS
                    ui.key(KeyCode::Char(char::from(b'0' + qos)));
                    ui.key(KeyCode::Tab); // retain
                    if retain != retained {
                        ui.key(KeyCode::Char(' '));
                        retained = retain;
                    }
                    ui.ctrl('s');
                    let want = match qos {
                        0 => "sent (QoS 0)",
                        1 => "acknowledged (PUBACK)",
                        _ => "completed (PUBCOMP)",
                    };
                    // "12:01:03 acknowledged (PUBACK)": the outcome says when it came.
                    ui.wait(&format!("outcome '{want}' shown"), |s| {
                        s.status.as_deref().is_some_and(|t| t.ends_with(want))
                    })
                    .await;
                    // Filed in the log once its outcome came (the status above may still be
                    // the previous message's, which reads the same).
                    sent += 1;
                    ui.wait(&format!("publish {sent} filed"), |s| s.ours == sent)
                        .await;
                    let got = watcher
                        .wait_for("the published message", |e| match e {
                            MqttEvent::Message(m) if m.topic == topic => Some(m.clone()),
                            _ => None,
                        })
                        .await;
                    assert_eq!(&got.payload[..], payload.as_bytes());
                    assert_eq!(got.qos.as_u8(), qos, "{payload}");
                    if retain {
                        // A fresh subscriber gets exactly this message, flagged retained.
                        let mut fresh = Client::start(&client::settings(&url, Protocol::V5));
                        fresh.subscribe(&topic, QoS::ExactlyOnce).await;
                        let kept = fresh.message().await;
                        assert!(kept.retain, "{payload}: retained");
                        assert_eq!(&kept.payload[..], payload.as_bytes());
                        assert_eq!(
                            kept.qos.as_u8(),
                            qos,
                            "{payload}: min(publish, subscription) QoS"
                        );
                        fresh.stop().await;
                    }
                    // Shift+Tab twice: back to the payload field.
                    ui.send(Event::Key(KeyEvent::new(
                        KeyCode::BackTab,
                        KeyModifiers::SHIFT,
                    )));
                    ui.send(Event::Key(KeyEvent::new(
                        KeyCode::BackTab,
                        KeyModifiers::SHIFT,
                    )));
                    // The explorer itself subscribes to ui/#: its own message shows up too.
                    ui.wait("(no words)", |s| s.topics >= 1).await;
                }
            }
            ui.key(KeyCode::Esc);
            ui.key(KeyCode::Char('q'));
        };
        driver::finish(looped, script).await;
        assert!(app.quit);
        // Our six publishes are in the log, marked as ours, and the broker kept the retained one.
        assert_eq!(
            app.link
                .store
                .log
                .iter_from(0)
                .filter(|e| e.outgoing())
                .count(),
            6
        );
        let mut late = Client::start(&client::settings(&url, Protocol::V5));
        late.subscribe(&topic, QoS::ExactlyOnce).await;
        let kept = late.message().await;
        assert!(kept.retain);
        assert_eq!(&kept.payload[..], b"q2 rtrue");
        late.stop().await;
        watcher.stop().await;
    }
    broker.stop().await;
}

#[test]
fn keys_expand_collapse_pause_and_follow() {
    let now = Instant::now();
    let mut app = App::new(Vec::new(), Limits::default(), now);
    let m = |t: &str, p: &str| mqscope::mqtt::Message {
        topic: t.into(),
        payload: bytes::Bytes::from(p.to_string()),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        received: std::time::SystemTime::now(),
        properties: None,
    };
    for t in ["a/b/c", "a/b/d", "a/e", "z"] {
        app.mqtt(MqttEvent::Message(m(t, "1")), now);
    }
    let press = |app: &mut App, code: KeyCode| {
        app.event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), now);
    };
    let paths = |app: &App| -> Vec<String> {
        app.tree_rows()
            .iter()
            .map(|n| app.link.store.tree.path(*n))
            .collect()
    };
    // The first topic is opened and selected, so the first screen shows a message.
    assert_eq!(paths(&app), ["a", "a/b", "a/b/c", "a/b/d", "a/e", "z"]);
    assert_eq!(
        app.tree
            .selected
            .map(|n| app.link.store.tree.path(n))
            .as_deref(),
        Some("a/b/c")
    );
    assert!(app.detail_entry().is_some(), "its message is in the detail");
    press(&mut app, KeyCode::Char('-'));
    assert_eq!(paths(&app), ["a", "z"]);
    assert_eq!(
        app.tree
            .selected
            .map(|n| app.link.store.tree.path(n))
            .as_deref(),
        Some("a")
    );
    press(&mut app, KeyCode::Right);
    assert_eq!(paths(&app), ["a", "a/b", "a/e", "z"]);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(paths(&app), ["a", "a/b", "a/b/c", "a/b/d", "a/e", "z"]);
    press(&mut app, KeyCode::Down); // a/b/c
    press(&mut app, KeyCode::Left); // a leaf: goes to its parent
    assert_eq!(
        app.tree
            .selected
            .map(|n| app.link.store.tree.path(n))
            .as_deref(),
        Some("a/b")
    );
    press(&mut app, KeyCode::Left); // collapses a/b
    assert_eq!(paths(&app), ["a", "a/b", "a/e", "z"]);
    // New topics appear live without moving the selection.
    app.mqtt(MqttEvent::Message(m("a/a", "new")), now);
    assert_eq!(
        app.tree
            .selected
            .map(|n| app.link.store.tree.path(n))
            .as_deref(),
        Some("a/b")
    );
    assert_eq!(paths(&app), ["a", "a/a", "a/b", "a/e", "z"]);

    // The log: pause holds the view and counts what arrives.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    let seqs = |app: &App| {
        let (rows, _) = app.log_window(10);
        rows.iter().map(|e| e.seq()).collect::<Vec<_>>()
    };
    let before = seqs(&app);
    for i in 0..3 {
        app.mqtt(MqttEvent::Message(m("z", &i.to_string())), now);
    }
    assert_eq!(before, seqs(&app), "paused: the view holds");
    let new = app.link.store.log.last_seq().unwrap() - app.log.paused_at.unwrap();
    assert_eq!(new, 3);
    press(&mut app, KeyCode::Char(' '));
    let (after, _) = app.log_window(10);
    assert_eq!(
        after.last().map(|e| e.seq()),
        app.link.store.log.last_seq(),
        "resumed: following"
    );
    // Moving up selects; f follows again.
    press(&mut app, KeyCode::Up);
    assert!(app.log.selected.is_some());
    press(&mut app, KeyCode::Char('f'));
    assert!(app.log.selected.is_none());
    // Subtree scope: only messages under the tree's selection (a/b).
    press(&mut app, KeyCode::Char('s'));
    let (scoped, _) = app.log_window(20);
    assert!(
        scoped
            .iter()
            .all(|e| app.link.store.tree.path(e.node).starts_with("a/b/")),
        "{:?}",
        scoped
            .iter()
            .map(|e| app.link.store.tree.path(e.node))
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_profiles_disconnects_clears_and_connects() {
    let a = EmbeddedBroker::start(0, None).await.expect("broker a");
    let b = EmbeddedBroker::start(0, None).await.expect("broker b");
    for (broker, topic) in [(&a, "only/on/a"), (&b, "only/on/b")] {
        let mut c = Client::start(&client::settings(&broker.mqtt_url(), Protocol::V5));
        let id = c.publish(topic, "here", QoS::AtLeastOnce, true);
        c.outcome(id).await;
        c.stop().await;
    }
    let mut pa = Profile::adhoc(BrokerUrl::parse(&a.mqtt_url()).unwrap());
    pa.name = "alpha".into();
    let mut pb = Profile::adhoc(BrokerUrl::parse(&b.mqtt_url()).unwrap());
    pb.name = "beta".into();
    let mut app = App::new(vec![pa, pb], Limits::default(), Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &[], p));
    let sample = |app: &App| {
        let name = app
            .link
            .conn
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let topics = app
            .link
            .store
            .log
            .iter_from(0)
            .map(|e| app.link.store.tree.path(e.node))
            .collect();
        (name, topics)
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut ui, looped) =
        driver::start(&mut terminal, &mut app, &mut session, Some("alpha"), sample);
    let script = async {
        let on = |name: &'static str, topic: &'static str| {
            move |s: &(String, Vec<String>)| s.0 == name && s.1.iter().any(|t| t == topic)
        };
        ui.wait("(no words)", on("alpha", "only/on/a")).await;
        // P opens the picker (on the current profile); Down, Enter connects to beta.
        ui.key(KeyCode::Char('P'));
        ui.key(KeyCode::Down);
        ui.key(KeyCode::Enter);
        let seen = ui.wait("(no words)", on("beta", "only/on/b")).await.clone();
        assert!(
            !seen.1.iter().any(|t| t == "only/on/a"),
            "the view was cleared: {:?}",
            seen.1
        );
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    a.stop().await;
    b.stop().await;
}

/// A profile whose resolution blocks (as a slow password_command does) runs as a job: the
/// screen stays live, keys are answered, and the connection follows once it is resolved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_profile_resolution_does_not_block_the_loop() {
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let mut profile = Profile::adhoc(BrokerUrl::parse(&broker.mqtt_url()).unwrap());
    profile.name = "slow".into();
    profile.password = mqscope::config::PasswordSource::Command(vec!["pass".into()]);
    profile.username = Some("u".into());
    let mut app = App::new(vec![profile], Limits::default(), Instant::now());
    // The resolver blocks until the script lets it go, like a command that takes its time.
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let go_rx = std::sync::Mutex::new(go_rx);
    let resolver: mqscope::tui::session::Resolver = std::sync::Arc::new(move |p: &Profile| {
        let _ = go_rx.lock().unwrap().recv();
        let mut plain = p.clone();
        plain.password = mqscope::config::PasswordSource::None;
        let mut s = plain.settings();
        s.subscriptions = vec![mqscope::mqtt::Subscription::new("#", QoS::AtMostOnce)];
        Ok(s)
    });
    let mut session = Session::two_step(resolver, |settings, p: &Profile| {
        let handle =
            mqscope::mqtt::spawn(&settings, Default::default()).map_err(|e| e.to_string())?;
        Ok((
            handle,
            mqscope::app::ConnInfo::new(
                p.name.clone(),
                settings.url.to_string(),
                settings.protocol,
                false,
            ),
        ))
    });
    let sample = |app: &App| {
        let connected = matches!(
            app.link.conn.as_ref().map(|c| &c.state),
            Some(mqscope::mqtt::ConnState::Connected { .. })
        );
        (
            app.popup().is_some(),
            connected,
            app.notice_text().unwrap_or_default().to_string(),
        )
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut ui, looped) =
        driver::start(&mut terminal, &mut app, &mut session, Some("slow"), sample);
    let script = async {
        let running = ui
            .wait("the screen says what it waits for", |s| {
                s.2.contains("running password_command")
            })
            .await
            .clone();
        assert!(!running.1);
        // While the resolution is blocked, a key opens the help: the loop is live.
        ui.key(KeyCode::Char('?'));
        ui.wait("keys are answered while the profile resolves", |s| s.0)
            .await;
        go_tx.send(()).unwrap();
        ui.wait("connects once resolved", |s| s.1).await;
        ui.key(KeyCode::Esc);
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    broker.stop().await;
}

/// `y` and `Y` put the shown message's payload and topic on the clipboard with OSC 52: what
/// reaches the terminal is base64, never the wire's bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn y_and_shift_y_copy_payload_and_topic_with_osc52_and_e_exports() {
    use base64::Engine;
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let payload = b"hi \x1b]0;pwned\x07".to_vec();
    let mut c = Client::start(&client::settings(&broker.mqtt_url(), Protocol::V5));
    let id = c.publish("copy/me", payload.clone(), QoS::AtLeastOnce, true);
    c.outcome(id).await;
    c.stop().await;
    let mut profile = Profile::adhoc(BrokerUrl::parse(&broker.mqtt_url()).unwrap());
    profile.name = "b".into();
    let mut app = App::new(vec![profile], Limits::default(), Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &[], p));
    let copied = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Vec<u8>>::new()));
    let sink = copied.clone();
    let exports = tempfile::tempdir().unwrap();
    session.export_dir = Some(exports.path().to_path_buf());
    session.clipboard = Some(Box::new(move |seq: &[u8]| {
        sink.lock().unwrap().push(seq.to_vec());
        Ok(())
    }));
    let sample = |app: &App| {
        let shown = app.detail_entry().is_some();
        (shown, app.notice_text().unwrap_or_default().to_string())
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut ui, looped) = driver::start(&mut terminal, &mut app, &mut session, Some("b"), sample);
    let script = async {
        ui.wait("the retained message is shown", |s| s.0).await;
        ui.key(KeyCode::Char('y'));
        ui.wait("the payload is copied", |s| {
            s.1.contains("copied the payload")
        })
        .await;
        ui.key(KeyCode::Char('Y'));
        ui.wait("the topic is copied", |s| s.1.contains("copied the topic"))
            .await;
        // `e` exports the topic's kept messages as a job, and says where.
        ui.key(KeyCode::Char('e'));
        ui.wait("the export is written", |s| {
            s.1.starts_with("exported 1 message")
        })
        .await;
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    let copied = copied.lock().unwrap().clone();
    let decode = |seq: &[u8]| {
        let body = seq
            .strip_prefix(b"\x1b]52;c;")
            .and_then(|b| b.strip_suffix(b"\x07"))
            .expect("an OSC 52 sequence");
        assert!(!body.contains(&0x1b), "nothing raw from the wire");
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    };
    assert_eq!(copied.len(), 2);
    // The payload holds control bytes: the clipboard gets it as the screen shows it, never raw
    // (a shell it is pasted into would act on them).
    assert_eq!(
        String::from_utf8(decode(&copied[0])).unwrap(),
        "hi ␛]0;pwned␇"
    );
    assert_eq!(decode(&copied[1]), b"copy/me");
    let files: Vec<_> = std::fs::read_dir(exports.path()).unwrap().collect();
    assert_eq!(
        files.len(),
        1,
        "JSON Lines only: the payload is not a number"
    );
    let path = files[0].as_ref().unwrap().path();
    let line: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
    assert_eq!(line["topic"], "copy/me");
    assert_eq!(line["retain"], true);
    broker.stop().await;
}
