//! `mqscope [CONN] [-t FILTER]...` and `mqscope --demo`: choose the broker, then run the TUI.

use std::time::Instant;

use std::sync::{Arc, Mutex};

use crate::app::popup::{PickerPopup, Popup};
use crate::app::{App, Msg};
use crate::cli::ConnArgs;
use crate::config::Profile;
use crate::mqtt::topic::validate_filter;
use crate::mqtt::{BrokerUrl, ConnectionSettings, QoS};
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::{choose_profile, load_config};
use crate::session::open::{EXPLORER_QOS, resolve_at, start, subscriptions};
use crate::store::Limits;
use crate::tui::run::run;
use crate::tui::session::{Resolver, Session};
use crate::tui::terminal;

fn p_name(profiles: &[Profile], i: usize) -> String {
    profiles.get(i).map(|p| p.name.clone()).unwrap_or_default()
}

/// What the explorer is asked to do by the command line.
pub struct ExplorerArgs {
    pub conn: ConnArgs,
    pub filters: Vec<String>,
    /// `-q`: the QoS of `-t` filters.
    pub qos: Option<u8>,
    pub demo: bool,
    /// `--open FILE`: a recording browsed with no broker.
    pub open: Option<std::path::PathBuf>,
    /// `--mock RULES.toml`: devices that answer.
    pub mock: Option<std::path::PathBuf>,
    pub history_budget_mib: Option<u32>,
    pub history_per_topic: Option<u32>,
}

/// Terminal events from a dedicated thread blocked in `crossterm::event::read`. crossterm's own
/// `EventStream` polls its global reader on every `poll_next`, contending (spinning) with its
/// wake-up thread; the loop polls its input on every MQTT batch, so under a flood that cost more
/// CPU than filing the messages. A channel costs nothing while no key is pressed.
fn terminal_input() -> impl futures::Stream<Item = std::io::Result<crossterm::event::Event>> + Unpin
{
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    std::thread::spawn(move || {
        loop {
            let event = crossterm::event::read();
            let failed = event.is_err();
            if tx.blocking_send(event).is_err() || failed {
                break;
            }
        }
    });
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

pub async fn run_explorer(args: ExplorerArgs) -> Result<(), Failure> {
    let ExplorerArgs {
        conn,
        filters,
        qos,
        demo,
        open,
        mock,
        history_budget_mib,
        history_per_topic,
    } = args;
    // Opened before the screen changes: a file that is not there is one line, not a screen.
    let opened = match &open {
        Some(path) => Some(super::open_file::OpenFile::start(path).map_err(usage)?),
        None => None,
    };
    for f in &filters {
        validate_filter(f).map_err(|e| usage(format!("-t '{f}': {e}")))?;
    }
    // Read before the screen changes: a broken rules file is one line naming its line.
    let mocking = match &mock {
        Some(path) => {
            let shown = crate::text::clean(&path.display().to_string()).into_owned();
            let text = std::fs::read_to_string(path)
                .map_err(|e| usage(format!("--mock {shown}: cannot read it: {e}")))?;
            let rules = crate::mock::file::parse(path, &text).map_err(|e| usage(e.to_string()))?;
            Some(crate::app::features::mock::Mocking::new(
                crate::mock::Mock::new(rules),
                shown,
            ))
        }
        None => None,
    };
    let qos = qos.and_then(QoS::from_u8).unwrap_or(EXPLORER_QOS);
    let file = load_config(&conn)?;
    let mut profiles = file.profiles.clone();
    let mut initial = Vec::new();
    let mut resolved: Vec<(String, ConnectionSettings)> = Vec::new();
    #[cfg(feature = "embedded-broker")]
    let mut broker = None;
    if opened.is_some() {
        // No broker: the file's messages are the session.
    } else if demo {
        #[cfg(feature = "embedded-broker")]
        {
            let b = crate::broker::EmbeddedBroker::start(0, None)
                .await
                .map_err(|e| runtime(format!("{e:#}")))?;
            crate::demo::start(&b.mqtt_url()).map_err(|e| runtime(format!("{e:#}")))?;
            let url = BrokerUrl::parse(&b.mqtt_url()).map_err(|e| runtime(e.to_string()))?;
            let mut p = Profile::adhoc(url);
            p.name = "demo".into();
            p.decoders = crate::demo::rules().map_err(|e| runtime(format!("{e:#}")))?;
            profiles.insert(0, p);
            initial.push(Msg::Open(p_name(&profiles, 0)));
            broker = Some(b);
        }
        #[cfg(not(feature = "embedded-broker"))]
        return Err(usage("--demo needs the embedded-broker feature"));
    } else {
        // One profile per -b/-P (several: side by side, the first in focus). Settings errors
        // (bad overrides, missing secrets) end here, before the screen changes. Resolved once:
        // the first connection of each uses these (a password_command runs once).
        let mut opened: Vec<String> = Vec::new();
        for (_, one) in conn.each() {
            let Some(mut chosen) = choose_profile(&one, &file)? else {
                continue;
            };
            let mut connected_as = crate::session::connect::with_overrides(&one, &chosen)?;
            let settings = crate::session::connect::resolved(&connected_as)?;
            if opened.contains(&chosen.name) {
                // The same broker twice (`-b URL -b URL`): two connections, two names.
                let name = format!("{} #{}", chosen.name, opened.len() + 1);
                (chosen.name, connected_as.name) = (name.clone(), name);
            }
            resolved.push((chosen.name.clone(), settings));
            let idx = match profiles.iter().position(|p| p.name == chosen.name) {
                Some(i) => {
                    profiles[i] = chosen;
                    i
                }
                None => {
                    // A session from the command line (`-b URL -u … --password-env …`): its
                    // profile holds what it connects with, so saving it (its subscriptions,
                    // `s`) writes a profile that connects the same way.
                    profiles.insert(0, connected_as);
                    0
                }
            };
            let name = p_name(&profiles, idx);
            initial.push(match opened.is_empty() {
                true => Msg::Open(name.clone()),
                false => Msg::OpenBeside(name.clone()),
            });
            opened.push(name);
        }
        if opened.len() > 1 {
            initial.push(Msg::Focus(crate::app::ConnId::FIRST));
        }
        if opened.is_empty() && profiles.is_empty() {
            let url =
                BrokerUrl::parse("mqtt://localhost:1883").map_err(|e| usage(e.to_string()))?;
            profiles.push(Profile::adhoc(url));
        }
    }
    let mut limits: Limits = file.limits.clone();
    if let Some(m) = history_budget_mib {
        limits.memory_budget = m as usize * 1024 * 1024;
    }
    if let Some(n) = history_per_topic {
        limits.per_topic = n as usize;
    }
    let mut app = App::new(profiles, limits, Instant::now());
    app.global_rules = file.decoders.clone();
    app.latency_rules = file.latency.clone();
    app.set_alert_rules(file.alerts.clone());
    app.mocking = mocking;
    app.schemas = crate::app::features::schemas::Schemas::new(file.schemas.clone());
    app.config_path = Some(file.path.clone());
    // The history file is read once here, before the screen changes (it is bounded).
    let history_path = crate::config::history_file::default_path();
    let (kept, lines) = history_path
        .as_deref()
        .map(crate::config::history_file::load_counted)
        .unwrap_or_default();
    app.history =
        crate::app::history::History::new(kept, file.snippets.clone()).with_file_lines(lines);
    app.colour = crate::ui::theme::colour_wanted();
    if let Some(path) = &open {
        app.opened = Some(crate::app::features::opened::Opened {
            file: crate::text::clean(&path.display().to_string()).into_owned(),
            ..Default::default()
        });
    } else if initial.is_empty() {
        app.popups.push(Popup::Picker(PickerPopup::at(0)));
    }
    let mut guard =
        terminal::enter().map_err(|e| runtime(format!("cannot set up the terminal: {e}")))?;
    // The first profile was resolved before the screen changed; later ones (a profile switch)
    // are resolved as jobs, so a slow password_command never freezes the screen.
    let first = Arc::new(Mutex::new(resolved));
    let resolver: Resolver = {
        let (conn, filters) = (conn.clone(), filters.clone());
        Arc::new(move |p: &Profile| {
            let pre = first.lock().ok().and_then(|mut r| {
                let i = r.iter().position(|(name, _)| *name == p.name)?;
                Some(r.remove(i))
            });
            match pre {
                Some((_, mut settings)) => {
                    settings.subscriptions = subscriptions(&filters, qos, &settings);
                    Ok(settings)
                }
                None => resolve_at(&conn, &filters, qos, p),
            }
        })
    };
    let mut session = Session::two_step(resolver, start);
    session.config_path = Some(file.path.clone());
    session.history_path = history_path;
    session.open_file = opened;
    #[cfg(unix)]
    {
        session.suspend = Some(Box::new(terminal::suspend));
    }
    session.clipboard = Some(Box::new(crate::tui::clipboard::to_stdout));
    let input = terminal_input();
    let result = run(
        &mut guard.terminal,
        &mut app,
        &mut session,
        input,
        initial,
        crate::process::signals::stop_requested(),
        &mut |_| {},
    )
    .await;
    drop(guard);
    #[cfg(feature = "embedded-broker")]
    if let Some(b) = broker {
        b.stop().await;
    }
    result.map_err(|e| runtime(format!("{e:#}")))
}
