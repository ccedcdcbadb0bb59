//! The real event loop, driven by scripted keys on a TestBackend, against the embedded broker:
//! publishing at every QoS with and without retain (checked at a second client), the tree's keys,
//! pause and follow.

mod common;

use std::time::{Duration, Instant};

use common::client::{self, Client};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::{App, Effect};
use mqscope::broker::EmbeddedBroker;
use mqscope::config::Profile;
use mqscope::mqtt::{BrokerUrl, MqttEvent, Protocol, QoS};
use mqscope::store::Limits;
use mqscope::tui::run::{Session, run};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::{mpsc, watch};

const WAIT: Duration = Duration::from_secs(15);

fn key(code: KeyCode) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(c: char) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

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
        let mut session =
            Session::new(|p: &Profile| mqscope::tui::start::open(&conn, &["ui/#".to_string()], p));
        let (tx, rx) = mpsc::unbounded_channel();
        let input = tokio_stream_from(rx);
        let (seen_tx, mut seen_rx) = watch::channel(Seen::default());
        let mut observe = move |app: &App| {
            let _ = seen_tx.send(Seen {
                status: app.compose.status.as_ref().map(|s| s.0.clone()),
                topics: app.store.tree.topic_count(),
                ours: app.store.log.iter_from(0).filter(|e| e.outgoing()).count(),
                connected: matches!(
                    app.conn.as_ref().map(|c| &c.state),
                    Some(mqscope::mqtt::ConnState::Connected { .. })
                ),
            });
        };
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let script = async {
            tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.connected))
                .await
                .expect("connects")
                .unwrap();
            // Focus the topic field and type it once.
            tx.send(key(KeyCode::Tab)).unwrap();
            tx.send(key(KeyCode::Tab)).unwrap();
            for c in topic.chars() {
                tx.send(key(KeyCode::Char(c))).unwrap();
            }
            tx.send(key(KeyCode::Enter)).unwrap(); // on to the payload
            let mut retained = false;
            let mut sent = 0;
            for qos in [0u8, 1, 2] {
                for retain in [false, true] {
                    let payload = format!("q{qos} r{retain}");
                    tx.send(ctrl('a')).unwrap(); // start of line in the payload editor
                    tx.send(ctrl('k')).unwrap(); // delete to its end
                    for c in payload.chars() {
                        tx.send(key(KeyCode::Char(c))).unwrap();
                    }
                    tx.send(key(KeyCode::Tab)).unwrap(); // QoS
                    tx.send(key(KeyCode::Char(char::from(b'0' + qos)))).unwrap();
                    tx.send(key(KeyCode::Tab)).unwrap(); // retain
                    if retain != retained {
                        tx.send(key(KeyCode::Char(' '))).unwrap();
                        retained = retain;
                    }
                    tx.send(ctrl('s')).unwrap();
                    let want = match qos {
                        0 => "sent (QoS 0)",
                        1 => "acknowledged (PUBACK)",
                        _ => "completed (PUBCOMP)",
                    };
                    tokio::time::timeout(
                        WAIT,
                        // "12:01:03 acknowledged (PUBACK)": the outcome says when it came.
                        seen_rx
                            .wait_for(|s| s.status.as_deref().is_some_and(|t| t.ends_with(want))),
                    )
                    .await
                    .unwrap_or_else(|_| panic!("outcome '{want}' shown"))
                    .unwrap();
                    // Filed in the log once its outcome came (the status above may still be
                    // the previous message's, which reads the same).
                    sent += 1;
                    tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.ours == sent))
                        .await
                        .unwrap_or_else(|_| panic!("publish {sent} filed"))
                        .unwrap();
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
                    tx.send(Ok(Event::Key(KeyEvent::new(
                        KeyCode::BackTab,
                        KeyModifiers::SHIFT,
                    ))))
                    .unwrap();
                    tx.send(Ok(Event::Key(KeyEvent::new(
                        KeyCode::BackTab,
                        KeyModifiers::SHIFT,
                    ))))
                    .unwrap();
                    // The explorer itself subscribes to ui/#: its own message shows up too.
                    tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.topics >= 1))
                        .await
                        .unwrap()
                        .unwrap();
                }
            }
            tx.send(key(KeyCode::Esc)).unwrap();
            tx.send(key(KeyCode::Char('q'))).unwrap();
        };
        let looped = run(
            &mut terminal,
            &mut app,
            &mut session,
            input,
            vec![Effect::Connect(first)],
            std::future::pending(),
            &mut observe,
        );
        let (result, ()) = tokio::join!(looped, script);
        result.expect("loop ends cleanly");
        assert!(app.quit);
        // Our six publishes are in the log, marked as ours, and the broker kept the retained one.
        assert_eq!(
            app.store.log.iter_from(0).filter(|e| e.outgoing()).count(),
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

fn tokio_stream_from(
    mut rx: mpsc::UnboundedReceiver<std::io::Result<Event>>,
) -> impl futures::Stream<Item = std::io::Result<Event>> + Unpin {
    Box::pin(futures::stream::poll_fn(move |cx| rx.poll_recv(cx)))
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
        app.on_mqtt(MqttEvent::Message(m(t, "1")), now);
    }
    let press = |app: &mut App, code: KeyCode| {
        app.on_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), now);
    };
    let paths = |app: &App| -> Vec<String> {
        app.tree_rows()
            .iter()
            .map(|n| app.store.tree.path(*n))
            .collect()
    };
    // The first topic is opened and selected, so the first screen shows a message.
    assert_eq!(paths(&app), ["a", "a/b", "a/b/c", "a/b/d", "a/e", "z"]);
    assert_eq!(
        app.tree.selected.map(|n| app.store.tree.path(n)).as_deref(),
        Some("a/b/c")
    );
    assert!(app.detail_entry().is_some(), "its message is in the detail");
    press(&mut app, KeyCode::Char('-'));
    assert_eq!(paths(&app), ["a", "z"]);
    assert_eq!(
        app.tree.selected.map(|n| app.store.tree.path(n)).as_deref(),
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
        app.tree.selected.map(|n| app.store.tree.path(n)).as_deref(),
        Some("a/b")
    );
    press(&mut app, KeyCode::Left); // collapses a/b
    assert_eq!(paths(&app), ["a", "a/b", "a/e", "z"]);
    // New topics appear live without moving the selection.
    app.on_mqtt(MqttEvent::Message(m("a/a", "new")), now);
    assert_eq!(
        app.tree.selected.map(|n| app.store.tree.path(n)).as_deref(),
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
        app.on_mqtt(MqttEvent::Message(m("z", &i.to_string())), now);
    }
    assert_eq!(before, seqs(&app), "paused: the view holds");
    let new = app.store.log.last_seq().unwrap() - app.log.paused_at.unwrap();
    assert_eq!(new, 3);
    press(&mut app, KeyCode::Char(' '));
    let (after, _) = app.log_window(10);
    assert_eq!(
        after.last().map(|e| e.seq()),
        app.store.log.last_seq(),
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
            .all(|e| app.store.tree.path(e.node).starts_with("a/b/")),
        "{:?}",
        scoped
            .iter()
            .map(|e| app.store.tree.path(e.node))
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
    let mut session = Session::new(|p: &Profile| mqscope::tui::start::open(&conn, &[], p));
    let (tx, rx) = mpsc::unbounded_channel();
    let (seen_tx, mut seen_rx) = watch::channel((String::new(), Vec::<String>::new()));
    let mut observe = move |app: &App| {
        let name = app
            .conn
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let topics = app
            .store
            .log
            .iter_from(0)
            .map(|e| app.store.tree.path(e.node))
            .collect();
        let _ = seen_tx.send((name, topics));
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let script = async {
        let on = |name: &'static str, topic: &'static str| {
            move |s: &(String, Vec<String>)| s.0 == name && s.1.iter().any(|t| t == topic)
        };
        tokio::time::timeout(WAIT, seen_rx.wait_for(on("alpha", "only/on/a")))
            .await
            .unwrap()
            .unwrap();
        // P opens the picker (on the current profile); Down, Enter connects to beta.
        tx.send(key(KeyCode::Char('P'))).unwrap();
        tx.send(key(KeyCode::Down)).unwrap();
        tx.send(key(KeyCode::Enter)).unwrap();
        let seen = tokio::time::timeout(WAIT, seen_rx.wait_for(on("beta", "only/on/b")))
            .await
            .unwrap()
            .unwrap()
            .clone();
        assert!(
            !seen.1.iter().any(|t| t == "only/on/a"),
            "the view was cleared: {:?}",
            seen.1
        );
        tx.send(key(KeyCode::Char('q'))).unwrap();
    };
    let looped = run(
        &mut terminal,
        &mut app,
        &mut session,
        tokio_stream_from(rx),
        vec![Effect::Connect("alpha".into())],
        std::future::pending(),
        &mut observe,
    );
    let (result, ()) = tokio::join!(looped, script);
    result.expect("loop ends cleanly");
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
            mqscope::app::ConnInfo {
                name: p.name.clone(),
                url: settings.url.to_string(),
                protocol: settings.protocol,
                insecure: false,
                state: mqscope::mqtt::ConnState::Connecting { attempt: 1 },
                retry_at: None,
                last_error: None,
            },
        ))
    });
    let (tx, rx) = mpsc::unbounded_channel();
    let (seen_tx, mut seen_rx) = watch::channel((false, false, String::new()));
    let mut observe = move |app: &App| {
        let connected = matches!(
            app.conn.as_ref().map(|c| &c.state),
            Some(mqscope::mqtt::ConnState::Connected { .. })
        );
        let _ = seen_tx.send((
            app.popup().is_some(),
            connected,
            app.notice_text().unwrap_or_default().to_string(),
        ));
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let script = async {
        let running = tokio::time::timeout(
            WAIT,
            seen_rx.wait_for(|s| s.2.contains("running password_command")),
        )
        .await
        .expect("the screen says what it waits for")
        .unwrap()
        .clone();
        assert!(!running.1);
        // While the resolution is blocked, a key opens the help: the loop is live.
        tx.send(key(KeyCode::Char('?'))).unwrap();
        tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.0))
            .await
            .expect("keys are answered while the profile resolves")
            .unwrap();
        go_tx.send(()).unwrap();
        tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.1))
            .await
            .expect("connects once resolved")
            .unwrap();
        tx.send(key(KeyCode::Esc)).unwrap();
        tx.send(key(KeyCode::Char('q'))).unwrap();
    };
    let looped = run(
        &mut terminal,
        &mut app,
        &mut session,
        tokio_stream_from(rx),
        vec![Effect::Connect("slow".into())],
        std::future::pending(),
        &mut observe,
    );
    let (result, ()) = tokio::join!(looped, script);
    result.unwrap();
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
    let mut session = Session::new(|p: &Profile| mqscope::tui::start::open(&conn, &[], p));
    let copied = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Vec<u8>>::new()));
    let sink = copied.clone();
    let exports = tempfile::tempdir().unwrap();
    session.export_dir = Some(exports.path().to_path_buf());
    session.clipboard = Some(Box::new(move |seq: &[u8]| {
        sink.lock().unwrap().push(seq.to_vec());
        Ok(())
    }));
    let (tx, rx) = mpsc::unbounded_channel();
    let (seen_tx, mut seen_rx) = watch::channel((false, String::new()));
    let mut observe = move |app: &App| {
        let shown = app.detail_entry().is_some();
        let _ = seen_tx.send((shown, app.notice_text().unwrap_or_default().to_string()));
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let script = async {
        tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.0))
            .await
            .expect("the retained message is shown")
            .unwrap();
        tx.send(key(KeyCode::Char('y'))).unwrap();
        tokio::time::timeout(
            WAIT,
            seen_rx.wait_for(|s| s.1.contains("copied the payload")),
        )
        .await
        .expect("the payload is copied")
        .unwrap();
        tx.send(key(KeyCode::Char('Y'))).unwrap();
        tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.1.contains("copied the topic")))
            .await
            .expect("the topic is copied")
            .unwrap();
        // `e` exports the topic's kept messages as a job, and says where.
        tx.send(key(KeyCode::Char('e'))).unwrap();
        tokio::time::timeout(
            WAIT,
            seen_rx.wait_for(|s| s.1.starts_with("exported 1 message")),
        )
        .await
        .expect("the export is written")
        .unwrap();
        tx.send(key(KeyCode::Char('q'))).unwrap();
    };
    let looped = run(
        &mut terminal,
        &mut app,
        &mut session,
        tokio_stream_from(rx),
        vec![Effect::Connect("b".into())],
        std::future::pending(),
        &mut observe,
    );
    let (result, ()) = tokio::join!(looped, script);
    result.unwrap();
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
    assert_eq!(decode(&copied[0]), payload);
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
