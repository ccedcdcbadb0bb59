//! The worker: one task polls rumqttc's event loop and never waits on anyone else; one task takes
//! callers' commands and hands them to rumqttc without waiting (`commands.rs`). The poll task
//! is one loop over a connection's life; what it decides when a connection is lost (fallback,
//! blame, backoff, stop) stays in it, in the order it is decided. They share the tracker, and each
//! holds its lock while it queues a request, so the tracker's order always matches rumqttc's.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::commands::command_task;
pub use super::handle::{MqttHandle, QueueFull, SpawnError, WorkerOptions};
use super::link::{Link, Requests, Wire};
use super::link_any::{AnyLink, SharedRequests};
use super::link_v4;
use super::link_v5;
use super::negotiate::{AUTO_PROBE_TIMEOUT_S, Negotiation, explain_forced_v5, refuses_v5};
use super::queue::EventQueue;
use super::settings::{ConnectionSettings, Protocol};
use super::tls::client_config;
use super::tracker::{Tracker, lock};
use super::types::{Command, ConnError, ConnErrorKind, ConnState, MqttEvent, PublishId};

/// Backoff between connection attempts: 0.5 s doubling to 30 s. It starts again at 0.5 s only
/// after a connection that stayed up `STABLE` or carried traffic: a broker that accepts and
/// then hangs up (garbage, a session taken over, a publish it refuses) must not be hammered
/// twice a second forever.
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
const STABLE: Duration = Duration::from_secs(10);
/// A connection lost this soon after one of our publishes was written is blamed on it; after
/// `STRIKES` such losses in a row the publish fails instead of being sent again.
const LOST_AFTER_SEND: Duration = Duration::from_secs(2);
const STRIKES: u32 = 3;
/// A close this soon after CONNACK, twice running, on 3.1.1 (which has no DISCONNECT reason):
/// most likely another client with our client id.
const QUICK_CLOSE: Duration = Duration::from_secs(1);
/// How long a DISCONNECT may take to be written before the worker stops anyway.
const DISCONNECT_GRACE: Duration = Duration::from_secs(2);
/// How long to let a flow build up once we have read everything there was. A reader that keeps
/// up with a flood takes it a packet or two at a time: a recv() (and a TCP window update) per
/// message, three times the CPU of reading the same flood in batches, and the broker, sharing
/// the cores, then delivers slower. Pausing this long whenever the socket ran dry makes the next
/// read take a batch (about 75 messages at 75k msg/s), for a millisecond or two of added
/// latency; while we are behind, the socket never runs dry and there is no pause.
const READ_COALESCE: Duration = Duration::from_millis(1);
/// Starts the worker on a thread of its own. Fails only when the TLS material cannot be loaded
/// or the thread cannot be started; connection failures arrive as events.
pub fn spawn(
    settings: &ConnectionSettings,
    options: WorkerOptions,
) -> Result<MqttHandle, SpawnError> {
    let tls = if settings.url.scheme.is_tls() {
        Some(Arc::new(client_config(&settings.tls)?))
    } else {
        None
    };
    let events = Arc::new(EventQueue::new(options.queue_bytes));
    let (cmd_tx, cmd_rx) = mpsc::channel(options.command_capacity.max(1));
    let tracker = Arc::new(Mutex::new(Tracker::new(settings.subscriptions.clone())));
    let cap = options.request_capacity;
    let (link, mut negotiation) = match settings.protocol {
        Protocol::V311 => (
            AnyLink::V4(Box::new(link_v4::build(settings, tls, cap))),
            Negotiation::fixed(Protocol::V311),
        ),
        Protocol::V5 => (
            AnyLink::V5(Box::new(link_v5::build(settings, tls, cap))),
            Negotiation::fixed(Protocol::V5),
        ),
        Protocol::Auto => {
            let (s, t) = (settings.clone(), tls.clone());
            // Some brokers without MQTT 5 (amqtt) answer its CONNECT with a 3.1.1 CONNACK that
            // rumqttc's v5 stack waits on until its timeout: the probe gets a short one.
            let mut probe = settings.clone();
            probe.connect_timeout_s = probe.connect_timeout_s.min(AUTO_PROBE_TIMEOUT_S);
            (
                AnyLink::V5(Box::new(link_v5::build(&probe, tls, cap))),
                Negotiation::auto(Box::new(move || {
                    AnyLink::V4(Box::new(link_v4::build(&s, t, cap)))
                })),
            )
        }
    };
    negotiation.plain_tcp = !settings.url.scheme.is_tls() && !settings.url.scheme.is_websocket();
    start(
        link,
        negotiation,
        tracker,
        events.clone(),
        cmd_rx,
        settings.client_id.clone(),
    )
    .map_err(SpawnError::Thread)?;
    Ok(MqttHandle {
        commands: cmd_tx,
        events,
        next_id: AtomicU64::new(1),
        settings: Arc::new(settings.clone()),
    })
}

fn start(
    link: AnyLink,
    negotiation: Negotiation,
    tracker: Arc<Mutex<Tracker>>,
    events: Arc<EventQueue>,
    cmd_rx: mpsc::Receiver<Command>,
    client_id: String,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let requests = Arc::new(SharedRequests::new(link.requests()));
    let commands = command_task(
        cmd_rx,
        requests.clone(),
        tracker.clone(),
        events.clone(),
        stop_tx,
        negotiation.settled.subscribe(),
    );
    let poll = poll_task(
        link,
        requests,
        tracker,
        events,
        stop_rx,
        negotiation,
        client_id,
    );
    // The worker has a thread and a single-threaded runtime of its own, so its read pause
    // (READ_COALESCE) can block the thread: with no thread in epoll_wait meanwhile, the segments
    // arriving during the pause wake nobody. Paused on a tokio timer instead, the thread waits
    // in epoll_wait, and with edge-triggered epoll every segment that lands wakes it: 250k
    // wake-ups (4.4 CPU s) for a 1M-message flood through mosquitto, against 1.1 CPU s for all
    // the rest.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("mqtt-worker".into())
        .spawn(move || {
            rt.block_on(async move {
                tokio::spawn(commands);
                poll.await;
            })
        })?;
    Ok(())
}

async fn poll_task(
    mut link: AnyLink,
    requests: Arc<SharedRequests>,
    tracker: Arc<Mutex<Tracker>>,
    events: Arc<EventQueue>,
    mut stop: watch::Receiver<bool>,
    mut negotiation: Negotiation,
    client_id: String,
) {
    // When the current connection's CONNACK came, and whether it carried traffic.
    let mut up_since: Option<Instant> = None;
    let mut traffic = false;
    // Our last publish written on this connection, and how often a loss followed each one.
    let mut last_out: Option<(u16, Instant)> = None;
    let mut strikes: std::collections::HashMap<PublishId, u32> = Default::default();
    let mut quick_closes = 0u32;
    // A failure retrying cannot fix: the worker stops with it.
    let mut stopped_with: Option<ConnError> = None;
    // Why the protocol is not the one asked for, told with the first CONNACK.
    let mut note: Option<String> = None;
    let mut negotiated = false;
    let mut backoff = BACKOFF_FIRST;
    let mut attempt: u32 = 1;
    let mut connected = false;
    let mut ever_connected = false;
    let mut stopping: Option<Instant> = None;
    let mut final_error: Option<ConnError> = None;
    events.push(MqttEvent::State(ConnState::Connecting { attempt }));

    loop {
        if let Some(deadline) = stopping
            && (!connected || Instant::now() >= deadline)
        {
            break;
        }
        // A full queue: read nothing more until the reader has taken what is queued.
        if stopping.is_none() && events.is_full() {
            tokio::select! {
                () = events.wait_room() => {}
                _ = stop.changed() => {
                    stopping = Some(Instant::now() + DISCONNECT_GRACE);
                    continue;
                }
            }
        }
        // `waited`: the poll had to wait, so we had taken everything the socket held.
        let (polled, waited) = {
            let mut waited = false;
            let poll = link.poll();
            tokio::pin!(poll);
            let polled = tokio::select! {
                polled = std::future::poll_fn(|cx| {
                    let p = poll.as_mut().poll(cx);
                    waited |= p.is_pending();
                    p
                }) => polled,
                _ = stop.changed(), if stopping.is_none() => {
                    stopping = Some(Instant::now() + DISCONNECT_GRACE);
                    continue;
                }
                _ = tokio::time::sleep_until(stopping.unwrap_or_else(Instant::now)), if stopping.is_some() => break,
            };
            (polled, waited)
        };
        match polled {
            Ok(Wire::ConnAck {
                session_present,
                info,
            }) => {
                connected = true;
                ever_connected = true;
                up_since = Some(Instant::now());
                traffic = false;
                last_out = None;
                let mut t = lock(&tracker);
                let restored = link.restore(session_present);
                for ev in t.on_restored(&restored) {
                    events.push(ev);
                }
                let subs = t.subscriptions().to_vec();
                for group in super::types::by_id(subs) {
                    match requests.try_subscribe(&group) {
                        Ok(()) => t.queued_subscribe(group, false),
                        Err(why) => tracing::warn!("resubscribe not queued: {why}"),
                    }
                }
                drop(t);
                if !negotiated {
                    negotiated = true;
                    let protocol = match &link {
                        AnyLink::V4(_) => Protocol::V311,
                        AnyLink::V5(_) => Protocol::V5,
                    };
                    events.push(MqttEvent::Negotiated {
                        protocol,
                        note: note.take(),
                    });
                    negotiation.settled.send_replace(true);
                }
                events.push(MqttEvent::ConnAck(info));
                events.push(MqttEvent::State(ConnState::Connected { session_present }));
            }
            Ok(Wire::Message(m)) => {
                traffic = true;
                events.push(MqttEvent::Message(m));
                if waited && stopping.is_none() {
                    // Blocking on purpose: see `start`.
                    std::thread::sleep(READ_COALESCE);
                }
            }
            Ok(Wire::OutPublish { pkid }) => {
                if pkid != 0 {
                    last_out = Some((pkid, Instant::now()));
                }
                if let Some(ev) = lock(&tracker).on_out_publish(pkid) {
                    events.push(ev);
                }
            }
            Ok(Wire::PubAck { pkid, error }) => {
                traffic = true;
                if let Some(ev) = lock(&tracker).on_puback(pkid, error) {
                    events.push(ev);
                }
            }
            Ok(Wire::PubRec { pkid, error }) => {
                traffic = true;
                if let Some(ev) = lock(&tracker).on_pubrec(pkid, error) {
                    events.push(ev);
                }
            }
            Ok(Wire::PubComp { pkid, error }) => {
                traffic = true;
                if let Some(ev) = lock(&tracker).on_pubcomp(pkid, error) {
                    events.push(ev);
                }
            }
            Ok(Wire::OutSubscribe { pkid }) | Ok(Wire::OutUnsubscribe { pkid }) => {
                lock(&tracker).on_out_subscribe(pkid);
            }
            Ok(Wire::SubAck { pkid, granted }) => {
                if let Some(ev) = lock(&tracker).on_suback(pkid, granted) {
                    events.push(ev);
                }
            }
            Ok(Wire::UnsubAck { pkid, refused }) => {
                if let Some(ev) = lock(&tracker).on_unsuback(pkid, refused) {
                    events.push(ev);
                }
            }
            Ok(Wire::OutDisconnect) => {
                if stopping.is_some() {
                    break;
                }
            }
            Ok(Wire::ServerDisconnect { reason, taken_over }) => {
                tracing::info!("broker sent DISCONNECT: {reason}");
                // A takeover's words (with our client id) are written where the loss is handled.
                let kind = if taken_over {
                    ConnErrorKind::SessionTakenOver
                } else {
                    ConnErrorKind::ClosedByBroker
                };
                final_error = Some(ConnError::new(
                    kind,
                    format!("disconnected by the broker: {reason}"),
                ));
            }
            Ok(Wire::Other) => {}
            Err(error) => {
                connected = false;
                let lasted = up_since.take().map(|t| t.elapsed());
                // Whether the loss followed one of our publishes (then it is not a takeover).
                let mut blamed = false;
                {
                    let mut t = lock(&tracker);
                    let parked = link.park();
                    t.on_lost(&parked);
                    // The same publish written, then the connection lost, again and again: the
                    // broker refuses it by hanging up (NATS on QoS 2). Give it up, in words.
                    if let Some((pkid, at)) = last_out.take()
                        && at.elapsed() <= LOST_AFTER_SEND
                        && let Some((id, qos)) = t.in_flight(pkid)
                    {
                        blamed = true;
                        let n = strikes.entry(id).or_default();
                        *n += 1;
                        if *n >= STRIKES {
                            let why = format!(
                                "the broker closed the connection each time this QoS {} publish \
                                 was sent ({STRIKES} times); it may not support QoS {}",
                                qos.as_u8(),
                                qos.as_u8()
                            );
                            if let Some(ev) = t.give_up(pkid, why) {
                                events.push(ev);
                            }
                            link.forget(pkid);
                            strikes.remove(&id);
                        }
                    }
                }
                if stopping.is_some() {
                    break;
                }
                let mut error = final_error.take().unwrap_or(error);
                if error.kind == ConnErrorKind::SessionTakenOver {
                    error.words = format!("another client is using client id {client_id}");
                }
                if lasted.is_some_and(|d| d >= STABLE) || traffic {
                    backoff = BACKOFF_FIRST;
                }
                // 3.1.1 has no "session taken over": a close right after CONNACK, twice in a
                // row, most likely is one.
                let quick = lasted.is_some_and(|d| d < QUICK_CLOSE)
                    && error.kind == ConnErrorKind::ClosedByBroker
                    && !traffic
                    && !blamed;
                quick_closes = if quick { quick_closes + 1 } else { 0 };
                if quick_closes >= 2 && matches!(link, AnyLink::V4(_)) {
                    error = ConnError::new(
                        ConnErrorKind::SessionTakenOver,
                        format!(
                            "the broker closes the connection right after accepting it: another \
                             client is probably using client id {client_id}"
                        ),
                    );
                }
                // `auto`, first attempt, MQTT 5 refused: 3.1.1 at once, for the session.
                if !ever_connected
                    && let Some(why) = refuses_v5(&error)
                    && let Some(fallback) = negotiation.fallback.take()
                {
                    tracing::info!("MQTT 5 refused ({error}); connecting again with 3.1.1");
                    link = fallback();
                    requests.replace(link.requests());
                    note = Some(why.into());
                    events.push(MqttEvent::State(ConnState::Connecting { attempt }));
                    continue;
                }
                if !ever_connected && negotiation.asked == Protocol::V5 {
                    explain_forced_v5(&mut error);
                }
                if !ever_connected
                    && negotiation.plain_tcp
                    && negotiation.fallback.is_none()
                    && matches!(
                        error.kind,
                        ConnErrorKind::ClosedByBroker | ConnErrorKind::Protocol
                    )
                    && !error.words.contains("mqtts://")
                {
                    error.words.push_str(" (is this a TLS port? try mqtts://)");
                }
                if !error.kind.retry_can_help() {
                    tracing::info!("connection attempt {attempt} failed: {error}; not retrying");
                    stopped_with = Some(error);
                    break;
                }
                tracing::info!(
                    "connection attempt {attempt} failed: {error}; retrying in {backoff:?}"
                );
                events.push(MqttEvent::State(ConnState::Reconnecting {
                    after: backoff,
                    error: error.clone(),
                    never_connected: !ever_connected,
                }));
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.changed() => break,
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
                attempt = attempt.saturating_add(1);
                events.push(MqttEvent::State(ConnState::Connecting { attempt }));
            }
        }
    }
    let why = match &stopped_with {
        Some(e) => format!("not sent: {e}"),
        None => "the connection was closed before the broker acknowledged it".into(),
    };
    for ev in lock(&tracker).fail_all(&why) {
        events.push(ev);
    }
    events.push(MqttEvent::State(ConnState::Disconnected {
        error: stopped_with,
    }));
    events.close();
}
