//! The loop: one `select!` over terminal input, finished jobs, the app's timer, a backlog of
//! MQTT events and a frame tick. Whatever wakes it becomes one `Msg` for `App::update` (the one
//! door); the effects that come out go to the runner, whose answers go back in as
//! `Msg::Done` until nothing is left, and then the screen is drawn from the state. Keys are
//! handled and drawn at once; MQTT events are drained from the worker's queue once a frame
//! (~30 times a second), or as soon as the backlog is filed during a burst, absorbed in
//! slices, and drawn. The loop never awaits the network: commands go out with `try_send`, and
//! the worker never waits on the loop. Slow work (a password_command, a file write) runs as a
//! job and comes back on its own branch.

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::time::{Duration, Instant};

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::time::MissedTickBehavior;

use super::runner::Runner;
pub use super::session::Session;
use crate::app::{App, Clock, Msg};

/// Frame period: at most ~30 draws a second for data; keys draw at once.
const FRAME: Duration = Duration::from_millis(33);

/// Draw times, logged every ten seconds while frames are drawn (for diagnosing slow screens).
#[derive(Default)]
struct FrameStats {
    since: Option<Instant>,
    count: u32,
    total: Duration,
    worst: Duration,
}

impl FrameStats {
    fn record(&mut self, took: Duration) {
        let since = *self.since.get_or_insert_with(Instant::now);
        self.count += 1;
        self.total += took;
        self.worst = self.worst.max(took);
        if since.elapsed() >= Duration::from_secs(10) {
            tracing::info!(
                "frames: {} in {:?}, mean {:?}, worst {:?}",
                self.count,
                since.elapsed(),
                self.total / self.count.max(1),
                self.worst
            );
            *self = FrameStats::default();
        }
    }
}

/// Hands `msg` to the app, the effects it returns to the runner, and the runner's answers back
/// to the app, until nothing is left.
fn feed(app: &mut App, session: &mut Session<'_>, runner: &mut Runner, msg: Msg) {
    let mut msgs = VecDeque::from([msg]);
    while let Some(msg) = msgs.pop_front() {
        let effects = app.update(msg, Clock::read());
        msgs.extend(runner.apply(session, effects).into_iter().map(Msg::Done));
    }
}

/// Runs until the user quits, the input ends, or `stop` completes (a signal). `initial` goes in
/// first (the profile chosen on the command line). `observe` sees the state after every draw
/// (tests use it to wait for what the screen shows).
pub async fn run<B, S, F>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    session: &mut Session<'_>,
    mut input: S,
    initial: Vec<Msg>,
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
    let mut runner = Runner::default();
    if let Ok(size) = terminal.size() {
        let resize = Event::Resize(size.width, size.height);
        feed(app, session, &mut runner, Msg::Term(resize));
    }
    for msg in initial {
        feed(app, session, &mut runner, msg);
    }
    // SIGTSTP (kill -TSTP, or a job-control Ctrl+Z from outside) suspends like Ctrl+Z; only
    // caught where there is a terminal to give back.
    #[cfg(unix)]
    let mut tstp = match session.suspend {
        Some(_) => {
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(libc::SIGTSTP))
                .ok()
        }
        None => None,
    };
    let mut tick = tokio::time::interval(FRAME);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut intake = super::intake::Intake::default();
    let mut need_draw = true;
    let mut data_changed = false;
    let mut last_draw = Instant::now();
    let mut frames = FrameStats::default();
    let mut trimmer = super::memory::Trimmer::default();
    loop {
        // Data is drawn at most once a frame, whichever branch ran: during a flood the backlog
        // branch may win every turn, and the tick must not be the only way to a draw.
        if data_changed && last_draw.elapsed() >= FRAME {
            need_draw = true;
            data_changed = false;
        }
        if need_draw {
            let started = Instant::now();
            terminal.draw(|f| crate::ui::draw(f, app))?;
            frames.record(started.elapsed());
            last_draw = started;
            need_draw = false;
            observe(app);
        }
        if app.quit {
            break;
        }
        if std::mem::take(&mut runner.suspend)
            && let Some(suspend) = session.suspend.as_mut()
        {
            tracing::info!("suspending");
            suspend()?;
            // Resumed: whatever the shell drew is on the screen now. `resize` clears and forces a
            // full redraw; `clear` would ask the terminal for the cursor position, whose answer
            // the input thread (blocked in its read) would swallow: a 2 s stall, then an error.
            let size = terminal.size()?;
            terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
            tracing::info!("resumed; redrawing");
            need_draw = true;
            continue;
        }
        let wake = runner.wake;
        tokio::select! {
            biased;
            _ = &mut stop => break,
            event = input.next() => match event {
                None => break,
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(event)) => {
                    feed(app, session, &mut runner, Msg::Term(event));
                    need_draw = true;
                }
            },
            Some(()) = async {
                #[cfg(unix)]
                if let Some(s) = tstp.as_mut() {
                    return s.recv().await;
                }
                std::future::pending::<Option<()>>().await
            } => {
                runner.suspend = true;
            }
            done = runner.jobs.next() => {
                if let Some(output) = runner.finished(session, done) {
                    feed(app, session, &mut runner, Msg::Done(output));
                }
                need_draw = true;
            }
            () = async {
                match wake {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            } => {
                runner.wake = None;
                feed(app, session, &mut runner, Msg::Tick);
                need_draw = true;
            }
            () = std::future::ready(()), if intake.waiting() => {
                if let Some((conn, slice)) = intake.next_slice(session) {
                    feed(app, session, &mut runner, Msg::Mqtt(conn, slice));
                    data_changed = true;
                }
            }
            _ = tick.tick() => {
                // MQTT events are taken here, once a frame, without waiting: the workers queue
                // them meanwhile, and the loop is not woken for every small batch of a flood.
                if intake.drain(session) {
                    data_changed = true;
                }
                // `--open FILE`: what its reader has ready, through the same door.
                let read = session.open_file.as_mut().map(|o| o.take()).unwrap_or_default();
                for fed in read {
                    let msg = match fed {
                        super::open_file::Feed::Messages(batch) => {
                            Msg::Mqtt(crate::app::ConnId::FIRST, batch)
                        }
                        super::open_file::Feed::Read(output) => Msg::Done(output),
                    };
                    feed(app, session, &mut runner, msg);
                    data_changed = true;
                }
                // `L`: how the replay goes.
                let news = runner.replaying.as_mut().map(|r| r.take()).unwrap_or_default();
                for output in news {
                    if matches!(output, crate::app::Output::ReplayEnded { .. }) {
                        runner.replaying = None;
                    }
                    feed(app, session, &mut runner, Msg::Done(output));
                }
                let released = app.links().iter().map(|l| l.store.released_bytes).sum();
                trimmer.tick(released, Instant::now());
                // Data is drawn at the frame rate (the clock-driven parts are redrawn by the
                // app's own once-a-second timer).
                if data_changed {
                    need_draw = true;
                    data_changed = false;
                }
            }
        }
    }
    // A recording under way keeps what came: its last lines reach the disk before the exit
    // (a flush takes milliseconds; the limit is for a disk that hangs).
    if let Some(r) = runner.recording.take() {
        r.finish(std::time::Duration::from_secs(3));
    }
    session.disconnect_all();
    Ok(())
}
