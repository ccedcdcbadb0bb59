//! The one driver for tests that run the real loop (`tui::run::run`) over a `TestBackend`: it
//! wires the input channel, the state the script waits on, and the profile opened first, so a
//! test is only its setup, its script and its checks.
//!
//! ```ignore
//! let (mut s, looped) = driver::start(&mut terminal, &mut app, &mut session, Some("m"), sample);
//! let script = async { s.wait("connected", |x| x.connected).await; s.key(KeyCode::Char('q')); };
//! driver::finish(looped, script).await;
//! ```

use std::future::Future;
use std::io;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::{App, Msg};
use mqscope::tui::run::{Session, run};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::{mpsc, watch};

/// How long a script waits for what it expects before the test fails (bounded, and far above
/// what a busy 2-core machine needs).
pub const WAIT: Duration = Duration::from_secs(20);

/// The script's side: keys in, the sampled state out.
pub struct Script<S> {
    tx: mpsc::UnboundedSender<io::Result<Event>>,
    pub seen: watch::Receiver<S>,
}

impl<S: Clone> Script<S> {
    /// Any terminal event.
    pub fn send(&self, event: Event) {
        // The loop may have ended (a quit key already sent): nothing left to tell it.
        let _ = self.tx.send(Ok(event));
    }

    pub fn key(&self, code: KeyCode) {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&self, c: char) {
        self.send(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    /// Each character as a key.
    pub fn text(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Ends the input: the loop returns (as when the terminal closes).
    pub fn end(self) {}

    /// Waits (at most `WAIT`) until the state drawn last satisfies `pred`; fails naming `what`.
    pub async fn wait(&mut self, what: &str, pred: impl FnMut(&S) -> bool) -> S {
        match tokio::time::timeout(WAIT, self.seen.wait_for(pred)).await {
            Ok(Ok(s)) => s.clone(),
            Ok(Err(_)) => panic!("the loop ended before: {what}"),
            Err(_) => panic!("not within {WAIT:?}: {what}; last seen drawn state differs"),
        }
    }

    /// The state drawn last.
    pub fn now(&self) -> S {
        self.seen.borrow().clone()
    }
}

/// Starts the loop over `app` and `session`, drawing on `terminal`, opening profile `open`
/// first; `sample` picks what the script may wait on from the state after every draw. The
/// returned future is the loop: run it beside the script with `finish`.
pub fn start<'a, S>(
    terminal: &'a mut Terminal<TestBackend>,
    app: &'a mut App,
    session: &'a mut Session<'_>,
    open: Option<&str>,
    sample: impl Fn(&App) -> S + 'a,
) -> (Script<S>, impl Future<Output = anyhow::Result<()>> + 'a)
where
    S: Clone + 'a,
{
    let initial: Vec<Msg> = open.map(|n| Msg::Open(n.to_string())).into_iter().collect();
    start_with(terminal, app, session, initial, sample)
}

/// `start`, with `initial` messages going in first (several profiles opened side by side).
pub fn start_with<'a, S>(
    terminal: &'a mut Terminal<TestBackend>,
    app: &'a mut App,
    session: &'a mut Session<'_>,
    initial: Vec<Msg>,
    sample: impl Fn(&App) -> S + 'a,
) -> (Script<S>, impl Future<Output = anyhow::Result<()>> + 'a)
where
    S: Clone + 'a,
{
    let (tx, mut rx) = mpsc::unbounded_channel();
    let input = Box::pin(futures::stream::poll_fn(move |cx| rx.poll_recv(cx)));
    let (seen_tx, seen) = watch::channel(sample(app));
    let looped = async move {
        let mut observe = move |app: &App| {
            let _ = seen_tx.send(sample(app));
        };
        run(
            terminal,
            app,
            session,
            input,
            initial,
            std::future::pending(),
            &mut observe,
        )
        .await
    };
    (Script { tx, seen }, looped)
}

/// Runs the loop and the script together; the loop must end cleanly.
pub async fn finish(
    looped: impl Future<Output = anyhow::Result<()>>,
    script: impl Future<Output = ()>,
) {
    let (result, ()) = tokio::join!(looped, script);
    result.expect("the loop ends cleanly");
}
