//! The loop: one `select!` over terminal input, batches of MQTT events and a frame tick. Keys are
//! handled and drawn at once; MQTT batches are absorbed as they come and drawn at most ~30 times
//! a second. The loop never awaits the network: commands go out with `try_send`.

use std::future::Future;
use std::io;
use std::time::{Duration, Instant};

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::time::MissedTickBehavior;

use crate::app::{App, ConnInfo, Effect};
use crate::config::Profile;
use crate::mqtt::{Command, MqttEvent, MqttHandle};

/// Frame period: at most ~30 draws a second for data; keys draw at once.
const FRAME: Duration = Duration::from_millis(33);

/// Opens a connection for a profile: the caller decides how settings are made.
pub type Connector<'a> = dyn FnMut(&Profile) -> Result<(MqttHandle, ConnInfo), String> + 'a;

/// The live connection, and how to open another one.
pub struct Session<'a> {
    pub handle: Option<MqttHandle>,
    pub connect: Box<Connector<'a>>,
}

impl<'a> Session<'a> {
    pub fn new(
        connect: impl FnMut(&Profile) -> Result<(MqttHandle, ConnInfo), String> + 'a,
    ) -> Self {
        Session {
            handle: None,
            connect: Box::new(connect),
        }
    }

    pub fn disconnect(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = h.try_send(Command::Disconnect);
        }
    }
}

fn apply(app: &mut App, session: &mut Session<'_>, effects: Vec<Effect>) {
    for effect in effects {
        match &effect {
            Effect::Publish {
                topic,
                payload,
                qos,
                retain,
            } => {
                let result = match &session.handle {
                    Some(h) => h
                        .publish(topic.clone(), payload.clone(), *qos, *retain, None)
                        .map_err(|e| e.to_string()),
                    None => Err("not connected".to_string()),
                };
                app.published(&effect, result);
            }
            Effect::Connect(i) => {
                session.disconnect();
                app.clear_data();
                let Some(profile) = app.profiles.get(*i).cloned() else {
                    continue;
                };
                match (session.connect)(&profile) {
                    Ok((handle, info)) => {
                        session.handle = Some(handle);
                        app.set_connection(info);
                        app.notice = None;
                    }
                    Err(e) => {
                        app.conn = None;
                        app.notice = Some(format!("{}: {e}", profile.name));
                        app.overlay = crate::app::Overlay::Picker { selected: *i };
                    }
                }
            }
        }
    }
}

/// Runs until the user quits, the input ends, or `stop` completes (a signal). `observe` sees
/// the state after every draw (tests use it to wait for what the screen shows).
pub async fn run<B, S, F>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    session: &mut Session<'_>,
    mut input: S,
    initial: Vec<Effect>,
    stop: F,
    observe: &mut dyn FnMut(&App),
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = io::Result<Event>> + Unpin,
    F: Future<Output = ()>,
{
    tokio::pin!(stop);
    if let Ok(size) = terminal.size() {
        app.size = ratatui::layout::Rect::new(0, 0, size.width, size.height);
    }
    apply(app, session, initial);
    let mut tick = tokio::time::interval(FRAME);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut batch: Vec<MqttEvent> = Vec::new();
    let mut need_draw = true;
    let mut data_changed = false;
    let mut last_draw = Instant::now();
    loop {
        if need_draw {
            app.now = Instant::now();
            terminal.draw(|f| crate::ui::draw(f, app))?;
            last_draw = app.now;
            need_draw = false;
            observe(app);
        }
        if app.quit {
            break;
        }
        let queue = session.handle.as_ref().map(|h| h.events().clone());
        tokio::select! {
            biased;
            _ = &mut stop => break,
            event = input.next() => match event {
                None => break,
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(event)) => {
                    let effects = app.on_event(event, Instant::now());
                    apply(app, session, effects);
                    need_draw = true;
                }
            },
            open = async {
                match &queue {
                    Some(q) => q.recv_batch(&mut batch).await,
                    None => std::future::pending().await,
                }
            } => {
                let now = Instant::now();
                for event in batch.drain(..) {
                    app.on_mqtt(event, now);
                }
                data_changed = true;
                if !open {
                    // The worker has stopped; keep its last state on screen.
                    session.handle = None;
                }
            }
            _ = tick.tick() => {
                // Data is drawn at the frame rate; the clock-driven parts (rate, countdown)
                // refresh once a second even when nothing arrives.
                if data_changed || last_draw.elapsed() >= Duration::from_secs(1) {
                    need_draw = true;
                    data_changed = false;
                }
            }
        }
    }
    session.disconnect();
    Ok(())
}
