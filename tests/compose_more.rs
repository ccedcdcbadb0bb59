//! Compose beyond one publish, through the real loop on the embedded broker: templates expanded
//! at send time (and kept so in the history), send N times with a key to stop, and the history
//! kept across a restart in its file, loaded back into compose.

mod common;
use common::door::Door;
use common::driver;

use std::time::Instant;

use common::client::{self, Client};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::App;
use mqscope::broker::EmbeddedBroker;
use mqscope::config::Profile;
use mqscope::mqtt::{BrokerUrl, Protocol, QoS};
use mqscope::tui::run::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

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
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &filters, p));
    session.history_path = Some(history.clone());
    let sample = |app: &App| {
        let connected = matches!(
            app.link.conn.as_ref().map(|c| &c.state),
            Some(mqscope::mqtt::ConnState::Connected { .. })
        );
        let status = app
            .compose
            .status
            .as_ref()
            .map(|s| s.0.clone())
            .unwrap_or_default();
        (connected, status, app.history.saved)
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut ui, looped) = driver::start(&mut terminal, &mut app, &mut session, Some("b"), sample);
    let script = async {
        ui.wait("connected", |s| s.0).await;
        ui.key(KeyCode::Tab);
        ui.key(KeyCode::Tab);
        for c in "tpl/{{seq}}".chars() {
            ui.key(KeyCode::Char(c));
        }
        ui.key(KeyCode::Enter);
        for c in "at {{timestamp}} in {{env HOME}}".chars() {
            ui.key(KeyCode::Char(c));
        }
        ui.ctrl('s');
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
        ui.ctrl('r');
        ui.key(KeyCode::Backspace);
        ui.key(KeyCode::Backspace);
        ui.key(KeyCode::Char('3'));
        ui.key(KeyCode::Tab);
        ui.key(KeyCode::Backspace);
        for c in "0.05".chars() {
            ui.key(KeyCode::Char(c));
        }
        ui.key(KeyCode::Enter);
        for n in 2..=4 {
            assert_eq!(watcher.message().await.topic, format!("tpl/{n}"));
        }
        // The last publish's outcome may follow at once ("… · last: sent (QoS 0)"): a loaded
        // machine drew only that (a fresh-clone run waited 20 s for the bare words).
        ui.wait("repeat done", |s| s.1.starts_with("repeat done: 3 sent"))
            .await;
        // A long repeat, stopped with Ctrl+R once two have gone: no more are sent.
        ui.ctrl('r');
        ui.key(KeyCode::Tab);
        ui.key(KeyCode::Backspace);
        for c in "0.2".chars() {
            ui.key(KeyCode::Char(c));
        }
        ui.key(KeyCode::Enter);
        assert_eq!(watcher.message().await.topic, "tpl/5");
        assert_eq!(watcher.message().await.topic, "tpl/6");
        // Each publish's outcome shows beside the progress, never instead of it.
        ui.wait("the progress stays with the last outcome", |s| {
            s.1.starts_with("repeating: ") && s.1.contains(" · last: ")
        })
        .await;
        ui.ctrl('r');
        let stopped = ui
            .wait("stopped", |s| s.1.starts_with("repeat stopped"))
            .await
            .1
            .clone();
        let sent: u64 = stopped
            .trim_start_matches("repeat stopped: ")
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap();
        // Then one more by hand: what arrives is the rest of the repeats, then this one.
        ui.ctrl('s');
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
        ui.wait("the history file took every compose publish", |s| {
            s.2 == total
        })
        .await;
        ui.key(KeyCode::Esc);
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
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
    again.event(
        Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
        now,
    );
    again.event(
        Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
        now,
    );
    again.event(
        Event::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
        now,
    );
    again.event(
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now,
    );
    assert_eq!(again.compose.topic_text(), kept.last().unwrap().topic);
    watcher.stop().await;
    broker.stop().await;
}
