//! Compose beyond one publish, through the real loop on the embedded broker: templates expanded
//! at send time (and kept so in the history), send N times with a key to stop, and the history
//! kept across a restart in its file, loaded back into compose.

mod common;

use std::time::{Duration, Instant};

use common::client::{self, Client};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::App;
use mqscope::broker::EmbeddedBroker;
use mqscope::config::Profile;
use mqscope::mqtt::{BrokerUrl, Protocol, QoS};
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_repeat_with_stop_and_history_across_a_restart() {
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let url = broker.mqtt_url();
    let mut watcher = Client::start(&client::settings(&url, Protocol::V5));
    watcher.subscribe("tpl/#", QoS::AtLeastOnce).await;
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.jsonl");
    let home = std::env::var("HOME").unwrap_or_default();

    let mut profile = Profile::adhoc(BrokerUrl::parse(&url).unwrap());
    profile.name = "b".into();
    let mut app = App::new(vec![profile.clone()], Default::default(), Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let filters = vec!["none/#".to_string()];
    let mut session = Session::new(|p: &Profile| mqscope::tui::start::open(&conn, &filters, p));
    session.history_path = Some(history.clone());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let input = Box::pin(futures::stream::poll_fn(move |cx| rx.poll_recv(cx)));
    let (seen_tx, mut seen_rx) = watch::channel((false, String::new(), 0usize));
    let mut observe = move |app: &App| {
        let connected = matches!(
            app.conn.as_ref().map(|c| &c.state),
            Some(mqscope::mqtt::ConnState::Connected { .. })
        );
        let status = app
            .compose
            .status
            .as_ref()
            .map(|s| s.0.clone())
            .unwrap_or_default();
        let _ = seen_tx.send((connected, status, app.history.saved));
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let script = async {
        tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.0))
            .await
            .expect("connected")
            .unwrap();
        tx.send(key(KeyCode::Tab)).unwrap();
        tx.send(key(KeyCode::Tab)).unwrap();
        for c in "tpl/{{seq}}".chars() {
            tx.send(key(KeyCode::Char(c))).unwrap();
        }
        tx.send(key(KeyCode::Enter)).unwrap();
        for c in "at {{timestamp}} in {{env HOME}}".chars() {
            tx.send(key(KeyCode::Char(c))).unwrap();
        }
        tx.send(ctrl('s')).unwrap();
        let m = watcher.message().await;
        assert_eq!(m.topic, "tpl/1", "expanded at send time");
        let text = String::from_utf8_lossy(&m.payload).into_owned();
        let words: Vec<&str> = text.split(' ').collect();
        assert_eq!(words[0], "at");
        assert!(
            words[1].parse::<u64>().is_ok_and(|t| t > 1_700_000_000),
            "{text}"
        );
        assert_eq!(words[3..].join(" "), home, "{text}");
        // Ctrl+R: three times, every 50 ms; each a fresh expansion.
        tx.send(ctrl('r')).unwrap();
        tx.send(key(KeyCode::Backspace)).unwrap();
        tx.send(key(KeyCode::Backspace)).unwrap();
        tx.send(key(KeyCode::Char('3'))).unwrap();
        tx.send(key(KeyCode::Tab)).unwrap();
        tx.send(key(KeyCode::Backspace)).unwrap();
        for c in "0.05".chars() {
            tx.send(key(KeyCode::Char(c))).unwrap();
        }
        tx.send(key(KeyCode::Enter)).unwrap();
        for n in 2..=4 {
            assert_eq!(watcher.message().await.topic, format!("tpl/{n}"));
        }
        tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.1 == "repeat done: 3 sent"))
            .await
            .expect("repeat done")
            .unwrap();
        // A long repeat, stopped with Ctrl+R once two have gone: no more are sent.
        tx.send(ctrl('r')).unwrap();
        tx.send(key(KeyCode::Tab)).unwrap();
        tx.send(key(KeyCode::Backspace)).unwrap();
        for c in "0.2".chars() {
            tx.send(key(KeyCode::Char(c))).unwrap();
        }
        tx.send(key(KeyCode::Enter)).unwrap();
        assert_eq!(watcher.message().await.topic, "tpl/5");
        assert_eq!(watcher.message().await.topic, "tpl/6");
        // Each publish's outcome shows beside the progress, never instead of it.
        tokio::time::timeout(
            WAIT,
            seen_rx.wait_for(|s| s.1.starts_with("repeating: ") && s.1.contains(" · last: ")),
        )
        .await
        .expect("the progress stays with the last outcome")
        .unwrap();
        tx.send(ctrl('r')).unwrap();
        let stopped = tokio::time::timeout(
            WAIT,
            seen_rx.wait_for(|s| s.1.starts_with("repeat stopped")),
        )
        .await
        .expect("stopped")
        .unwrap()
        .1
        .clone();
        let sent: u64 = stopped
            .trim_start_matches("repeat stopped: ")
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap();
        // Then one more by hand: what arrives is the rest of the repeats, then this one.
        tx.send(ctrl('s')).unwrap();
        let mut repeats = 2;
        loop {
            let m = watcher.message().await;
            let n: u64 = m.topic.trim_start_matches("tpl/").parse().unwrap();
            if n == 5 + sent {
                break;
            }
            repeats += 1;
        }
        assert_eq!(
            repeats, sent,
            "nothing after the stop but the publish by hand"
        );
        // Every compose publish, written to the history file (its jobs count them).
        let total = 1 + 3 + sent as usize + 1;
        tokio::time::timeout(WAIT, seen_rx.wait_for(|s| s.2 == total))
            .await
            .expect("the history file took every compose publish")
            .unwrap();
        tx.send(key(KeyCode::Esc)).unwrap();
        tx.send(key(KeyCode::Char('q'))).unwrap();
    };
    let looped = run(
        &mut terminal,
        &mut app,
        &mut session,
        input,
        vec![mqscope::app::Effect::Connect("b".into())],
        std::future::pending(),
        &mut observe,
    );
    let (result, ()) = tokio::join!(looped, script);
    result.unwrap();
    let kept = mqscope::config::history_file::load(&history);
    assert!(kept.len() >= 7, "{kept:?}");
    assert_eq!(kept[0].topic, "tpl/1", "kept as sent");
    assert!(
        kept.iter()
            .all(|i| i.outcome == "acknowledged (PUBACK)" || i.outcome.starts_with("sent")),
        "{kept:?}"
    );
    // A restart: the history comes back and Ctrl+P + Enter loads the newest into compose.
    let mut again = common::screen::connected_app("b");
    again.history = mqscope::app::history::History::new(kept.clone(), Vec::new());
    let now = again.now;
    again.on_event(
        Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
        now,
    );
    again.on_event(
        Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
        now,
    );
    again.on_event(
        Event::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
        now,
    );
    again.on_event(
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now,
    );
    assert_eq!(again.compose.topic_text(), kept.last().unwrap().topic);
    watcher.stop().await;
    broker.stop().await;
}
