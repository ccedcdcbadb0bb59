//! The profile editor through the real loop, on a profile file with comments: a new profile
//! typed in, a field the loader refuses (its words shown, nothing saved), a test connection
//! against the embedded broker (the CONNACK shown), the save (comments and order kept, 0600),
//! and a removal after a confirmation.

mod common;
use common::driver;

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use mqscope::app::{App, Popup};
use mqscope::broker::EmbeddedBroker;
use mqscope::config::{ConfigFile, Profile};
use mqscope::tui::run::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::watch;

const WAIT: Duration = Duration::from_secs(15);

#[derive(Clone, Default, Debug)]
struct Seen {
    connected: bool,
    form_problem: Option<String>,
    tested: Option<String>,
    profiles: Vec<String>,
    notice: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_profile_checked_tested_saved_and_removed() {
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let url = broker.mqtt_url();
    let dir = tempfile::tempdir().unwrap();
    let cfg = common::write(
        dir.path(),
        "config.toml",
        format!("# my brokers\n[profiles.local]\nbroker = \"{url}\" # the embedded one\n"),
    );
    let file = ConfigFile::parse(&cfg, &std::fs::read_to_string(&cfg).unwrap()).unwrap();
    let mut app = App::new(file.profiles.clone(), Default::default(), Instant::now());
    app.config_path = Some(cfg.clone());
    let conn = mqscope::cli::ConnArgs::default();
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &[], p));
    session.config_path = Some(cfg.clone());
    let cfg_for_observe = cfg.clone();
    let sample = |app: &App| {
        let form = app.popups.iter().rev().find_map(|p| match p {
            Popup::Profile(f) => Some(f.clone()),
            _ => None,
        });
        Seen {
            connected: matches!(
                app.link.conn.as_ref().map(|c| &c.state),
                Some(mqscope::mqtt::ConnState::Connected { .. })
            ),
            form_problem: form
                .as_ref()
                .and_then(|f| f.profile(&cfg_for_observe).err()),
            tested: form.and_then(|f| f.tested),
            profiles: app.profiles.iter().map(|p| p.name.clone()).collect(),
            notice: app.notice_text().unwrap_or_default().to_string(),
        }
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut ui, looped) =
        driver::start(&mut terminal, &mut app, &mut session, Some("local"), sample);
    let script = async {
        ui.wait("connected", |s| s.connected).await;
        ui.key(KeyCode::Char('P'));
        ui.ctrl('n');
        ui.text("lab");
        ui.key(KeyCode::Enter); // broker
        ui.ctrl('u');
        ui.text(&url);
        for _ in 0..7 {
            ui.key(KeyCode::Enter); // on to keep alive
        }
        ui.text("abc");
        let problem = ui
            .wait("the loader's words for the field", |s| {
                s.form_problem
                    .as_deref()
                    .is_some_and(|p| p.contains("keep_alive_s"))
            })
            .await
            .form_problem
            .clone()
            .unwrap();
        assert!(
            problem.contains("expected"),
            "the loader's words: {problem}"
        );
        ui.ctrl('s'); // refused: nothing saved
        ui.ctrl('u');
        ui.text("20");
        ui.wait("valid", |s| s.form_problem.is_none()).await;
        assert!(
            !std::fs::read_to_string(&cfg)
                .unwrap()
                .contains("[profiles.lab]"),
            "nothing saved while invalid"
        );
        ui.ctrl('t');
        let tested = ui
            .wait("the test connection's CONNACK", |s| {
                s.tested
                    .as_deref()
                    .is_some_and(|t| t.starts_with("connected"))
            })
            .await
            .tested
            .clone()
            .unwrap();
        assert!(tested.contains("CONNACK reason: accepted"), "{tested}");
        ui.ctrl('s');
        ui.wait("saved", |s| s.notice.starts_with("profile 'lab' saved"))
            .await;
        let text = std::fs::read_to_string(&cfg).unwrap();
        assert!(
            text.starts_with("# my brokers") && text.contains("# the embedded one"),
            "{text}"
        );
        let saved = ConfigFile::parse(&cfg, &text).expect("loadable");
        assert_eq!(saved.profile("lab").unwrap().keep_alive_s, 20);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&cfg).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        // The picker is back, on "lab": Delete asks, Enter removes.
        ui.key(KeyCode::Delete);
        ui.key(KeyCode::Enter);
        ui.wait("removed", |s| s.notice.starts_with("profile removed"))
            .await;
        let text = std::fs::read_to_string(&cfg).unwrap();
        assert!(
            !text.contains("[profiles.lab]") && text.contains("# the embedded one"),
            "{text}"
        );
        assert_eq!(ui.now().profiles, ["local"]);
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    broker.stop().await;
}

/// A save that fails (here the profile file's folder is a file: "not a directory") keeps the
/// editor open with the reason in it, readable at 120×40 and 80×24, and the list unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_save_keeps_the_editor_open_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = common::write(dir.path(), "blocker", "a file, not a folder");
    let cfg = blocker.join("config.toml");
    let mut app = App::new(Vec::new(), Default::default(), Instant::now());
    app.config_path = Some(cfg.clone());
    let conn = mqscope::cli::ConnArgs::default();
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &[], p));
    session.config_path = Some(cfg.clone());
    let (screens_tx, mut screens_rx) = watch::channel((String::new(), String::new()));
    let sample = |app: &App| -> (Option<String>, Vec<String>, bool) {
        let form = app.popups.iter().rev().find_map(|p| match p {
            Popup::Profile(f) => Some(f.clone()),
            _ => None,
        });
        let open = form.is_some();
        let tested = form.and_then(|f| f.tested);
        if tested.as_deref().is_some_and(|t| t.contains("not saved")) {
            let _ = screens_tx.send((
                common::screen::text(app, 120, 40),
                common::screen::text(app, 80, 24),
            ));
        }
        (
            tested,
            app.profiles.iter().map(|p| p.name.clone()).collect(),
            open,
        )
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut ui, looped) = driver::start(&mut terminal, &mut app, &mut session, None, sample);
    let script = async {
        ui.key(KeyCode::Char('P'));
        ui.ctrl('n');
        for c in "lab".chars() {
            ui.key(KeyCode::Char(c));
        }
        ui.ctrl('s');
        let seen = ui
            .wait("the failure told", |s| {
                s.0.as_deref().is_some_and(|t| t.contains("not saved"))
            })
            .await;
        let tested = seen.0.unwrap();
        assert!(tested.contains("profile 'lab' not saved"), "{tested}");
        assert!(
            tested.to_lowercase().contains("not a directory"),
            "{tested}"
        );
        assert!(seen.2, "the editor stays open");
        assert!(seen.1.is_empty(), "the list did not take it: {:?}", seen.1);
        let (wide, narrow) = tokio::time::timeout(WAIT, screens_rx.wait_for(|s| !s.0.is_empty()))
            .await
            .expect("screens")
            .unwrap()
            .clone();
        for screen in [&wide, &narrow] {
            let flat: String = screen
                .replace('│', " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert!(flat.contains("not saved"), "{screen}");
            assert!(flat.to_lowercase().contains("not a directory"), "{screen}");
        }
        ui.key(KeyCode::Esc);
        ui.key(KeyCode::Esc);
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    assert!(!cfg.exists());
}
