//! The worker: one task polls rumqttc's event loop and never waits on anyone else; one task takes
//! callers' commands and hands them to rumqttc without waiting (`commands.rs`). The poll task is
//! the I/O of a connection's life: it tells the reconnect policy (`policy.rs`, pure) what
//! happened and does what it decides (fallback, blame, backoff, stop). The two tasks share the
//! tracker, and each holds its lock while it queues a request, so the tracker's order always
//! matches rumqttc's.

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
use super::negotiate::{AUTO_PROBE_TIMEOUT_S, Negotiation};
use super::policy::{InFlight, Next, Policy};
use super::queue::EventQueue;
use super::settings::{ConnectionSettings, Protocol};
use super::tls::client_config;
use super::tracker::{PacketLimit, Tracker, lock};
use super::types::{Command, ConnError, ConnErrorKind, ConnState, MqttEvent};

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
    let mut t = Tracker::new(settings.subscriptions.clone());
    t.own_max = settings.max_packet_size as usize;
    if options.trace {
        t.trace = Some(super::trace::Trace::new(connect_words(settings)));
    }
    let tracker = Arc::new(Mutex::new(t));
    let cap = options.request_capacity;
    let (link, mut negotiation) = match settings.protocol {
        Protocol::V311 => (
            AnyLink::V4(Box::new(link_v4::build(settings, tls, cap))),
            Negotiation::fixed(),
        ),
        Protocol::V5 => (
            AnyLink::V5(Box::new(link_v5::build(settings, tls, cap))),
            Negotiation::fixed(),
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
    let policy = Policy::new(
        settings.client_id.clone(),
        settings.protocol,
        settings.protocol == Protocol::V311,
        negotiation.plain_tcp,
        settings.keep_alive,
    );
    start(link, negotiation, tracker, events.clone(), cmd_rx, policy)
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
    policy: Policy,
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
        policy,
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

/// The time of a socket read, for the packets it brought (a message's `received`): read anew
/// when the poll had to wait (the socket was drained, so what comes next is a new arrival),
/// after a pause for room in the queue, and at least every `READ_CLOCK_REUSE` packets, so a
/// flood that never waits is stamped within microseconds. `__vdso_clock_gettime` was 9% of
/// `sub`'s CPU in a client-bound flood, and two of its calls a message were these.
struct ReadClock {
    at: (std::time::Instant, std::time::SystemTime),
    uses: u32,
}

const READ_CLOCK_REUSE: u32 = 32;

impl ReadClock {
    fn new() -> ReadClock {
        ReadClock {
            at: (std::time::Instant::now(), std::time::SystemTime::now()),
            uses: 0,
        }
    }

    /// The next read takes the time anew.
    fn expire(&mut self) {
        self.uses = READ_CLOCK_REUSE;
    }

    fn read(&mut self, waited: bool) -> (std::time::Instant, std::time::SystemTime) {
        self.uses += 1;
        if waited || self.uses >= READ_CLOCK_REUSE {
            self.at = (std::time::Instant::now(), std::time::SystemTime::now());
            self.uses = 0;
        }
        self.at
    }
}

/// What the trace says of our CONNECT (never the password).
fn connect_words(s: &ConnectionSettings) -> String {
    let mut words = format!(
        "client id '{}', keep-alive {} s, clean start {}",
        s.client_id,
        s.keep_alive.as_secs(),
        if s.clean_session { "yes" } else { "no" }
    );
    if let Some(u) = &s.username {
        words.push_str(&format!(", user '{u}'"));
    }
    if let Some(w) = &s.will {
        words.push_str(&format!(", will on '{}'", w.topic));
    }
    if let Some(p) = &s.proxy {
        words.push_str(&format!(", via {p}"));
    }
    words
}

async fn poll_task(
    mut link: AnyLink,
    requests: Arc<SharedRequests>,
    tracker: Arc<Mutex<Tracker>>,
    events: Arc<EventQueue>,
    mut stop: watch::Receiver<bool>,
    mut negotiation: Negotiation,
    mut policy: Policy,
) {
    // A failure retrying cannot fix: the worker stops with it.
    let mut stopped_with: Option<ConnError> = None;
    // Why the protocol is not the one asked for, told with the first CONNACK.
    let mut note: Option<String> = None;
    let mut negotiated = false;
    let mut connected = false;
    let mut stopping: Option<Instant> = None;
    let mut disconnect_sent = false;
    events.push(MqttEvent::State(ConnState::Connecting {
        attempt: policy.attempt(),
    }));

    let mut clock = ReadClock::new();
    let never = Instant::now() + Duration::from_secs(365 * 24 * 3600);
    let silence_timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(silence_timer);
    let mut silence_armed = false;
    // The CONNECT of an attempt is traced once, before the poll that writes it.
    let mut connect_traced = false;
    'connection: loop {
        if !connected && !connect_traced {
            connect_traced = true;
            let mut t = lock(&tracker);
            if let Some(tr) = t.trace.as_mut() {
                let packet = tr.connect(std::time::Instant::now(), std::time::SystemTime::now());
                drop(t);
                events.push(MqttEvent::Packet(Box::new(packet)));
            }
        }
        if let Some(deadline) = stopping
            && (!connected || Instant::now() >= deadline)
        {
            break;
        }
        // Leaving: DISCONNECT once no QoS 2 message we received awaits its PUBREL, so its
        // PUBCOMP goes out first (`sub -C N` on a QoS 2 message), within the grace.
        if stopping.is_some() && !disconnect_sent && !link.awaiting_pubrel() {
            let _ = requests.try_disconnect();
            disconnect_sent = true;
        }
        // A full queue: read nothing more until the reader has taken what is queued.
        if stopping.is_none() && events.is_full() {
            tokio::select! {
                () = events.wait_room() => {
                    policy.resume_reading(std::time::Instant::now());
                    clock.expire();
                }
                _ = stop.changed() => {
                    stopping = Some(Instant::now() + DISCONNECT_GRACE);
                    continue;
                }
            }
        }
        // The silence watch: one timer for the connection's life, moved only when it fires and
        // traffic came meanwhile (a timer made anew for every message cost a timer-wheel
        // insertion per message on the ingest path).
        match policy.silence_deadline() {
            Some(d) if !silence_armed => {
                silence_timer.as_mut().reset(Instant::from_std(d));
                silence_armed = true;
            }
            None => silence_armed = false,
            Some(_) => {}
        }
        let mut silent = false;
        // What the last read brought comes first, without a poll: most of a flood's messages
        // (a read decodes up to ten), and no 10 KB future and `select!` for each.
        let buffered = link.try_buffered();
        // `waited`: the poll had to wait, so we had taken everything the socket held.
        let (polled, waited) = if let Some(wire) = buffered {
            (Ok(wire), false)
        } else {
            let mut waited = false;
            let poll = link.poll();
            tokio::pin!(poll);
            // The same poll goes on while the timer only moves: it is never dropped half-way.
            let polled = loop {
                tokio::select! {
                    polled = std::future::poll_fn(|cx| {
                        let p = poll.as_mut().poll(cx);
                        waited |= p.is_pending();
                        p
                    }) => break polled,
                    _ = stop.changed(), if stopping.is_none() => {
                        stopping = Some(Instant::now() + DISCONNECT_GRACE);
                        continue 'connection;
                    }
                    // `never`, not `Instant::now()`: the expression is evaluated on every
                    // select, even with the branch off (a clock read a poll).
                    _ = tokio::time::sleep_until(stopping.unwrap_or(never)), if stopping.is_some() => break 'connection,
                    // Nothing from the broker for 1.5× the keep-alive: the connection is dead.
                    _ = &mut silence_timer, if silence_armed && stopping.is_none() => {
                        match policy.silence_deadline().map(Instant::from_std) {
                            Some(d) if Instant::now() < d => silence_timer.as_mut().reset(d),
                            Some(_) => {
                                silent = true;
                                break Err(policy.silence_error());
                            }
                            None => silence_armed = false,
                        }
                    }
                }
            };
            (polled, waited)
        };
        if silent {
            link.drop_connection();
        }
        let (now, wall) = clock.read(waited);
        // Messages, and acks we write for them, are the ingest path: never traced, and they
        // do not take the tracker's lock for it.
        if !matches!(polled, Ok(Wire::Message(_) | Wire::Other | Wire::Alive)) {
            trace(&tracker, &events, &polled, now);
        }
        match polled {
            Ok(Wire::ConnAck {
                session_present,
                info,
            }) => {
                connected = true;
                policy.on_connack(now, info.server_keep_alive);
                let mut t = lock(&tracker);
                t.v5 = matches!(link, AnyLink::V5(_));
                t.limit = if t.v5 {
                    info.maximum_packet_size.map(|m| PacketLimit {
                        max: m as usize,
                        broker: true,
                    })
                } else {
                    Some(PacketLimit {
                        max: t.own_max,
                        broker: false,
                    })
                };
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
            Ok(Wire::Message(mut m)) => {
                m.received = wall;
                policy.on_received(now, true);
                events.push(MqttEvent::Message(m));
                if waited && stopping.is_none() {
                    // Blocking on purpose: see `start`.
                    std::thread::sleep(READ_COALESCE);
                }
            }
            Ok(Wire::OutPublish { pkid, tag }) => {
                let mut t = lock(&tracker);
                let ev = t.on_out_publish(pkid, tag);
                policy.on_written(pkid, t.last_written_size, now);
                drop(t);
                if let Some(ev) = ev {
                    events.push(ev);
                }
            }
            Ok(Wire::PubAck { pkid, error }) => {
                policy.on_received(now, true);
                if let Some(ev) = lock(&tracker).on_puback(pkid, error) {
                    events.push(ev);
                }
            }
            Ok(Wire::PubRec { pkid, error }) => {
                policy.on_received(now, true);
                if let Some(ev) = lock(&tracker).on_pubrec(pkid, error) {
                    events.push(ev);
                }
            }
            Ok(Wire::PubComp { pkid, error }) => {
                policy.on_received(now, true);
                if let Some(ev) = lock(&tracker).on_pubcomp(pkid, error) {
                    events.push(ev);
                }
            }
            Ok(Wire::OutSubscribe { pkid }) | Ok(Wire::OutUnsubscribe { pkid }) => {
                lock(&tracker).on_out_subscribe(pkid);
            }
            Ok(Wire::SubAck { pkid, granted }) => {
                policy.on_received(now, false);
                if let Some(ev) = lock(&tracker).on_suback(pkid, granted) {
                    events.push(ev);
                }
            }
            Ok(Wire::UnsubAck { pkid, refused }) => {
                policy.on_received(now, false);
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
                policy.on_received(now, false);
                tracing::info!("broker sent DISCONNECT: {reason}");
                // A takeover's words (with our client id) are written by the policy.
                let kind = if taken_over {
                    ConnErrorKind::SessionTakenOver
                } else {
                    ConnErrorKind::ClosedByBroker
                };
                policy.on_broker_disconnect(ConnError::new(
                    kind,
                    format!("disconnected by the broker: {reason}"),
                ));
            }
            Ok(Wire::Alive) | Ok(Wire::PingResp) => policy.on_received(now, false),
            Ok(Wire::Other) | Ok(Wire::OutPingReq) | Ok(Wire::OutPubRel { .. }) => {}
            Err(error) => {
                connected = false;
                connect_traced = false;
                let decision = {
                    let mut t = lock(&tracker);
                    let parked = link.park();
                    t.on_lost(&parked);
                    let decision = policy.on_lost(now, error, |pkid| {
                        t.in_flight(pkid)
                            .map(|(id, qos, size)| InFlight { id, qos, size })
                    });
                    // The same publish written, then the connection lost, again and again:
                    // the broker refuses it by hanging up. Give it up, in words.
                    if let Some((pkid, why)) = &decision.give_up {
                        if let Some(ev) = t.give_up(*pkid, why.clone()) {
                            events.push(ev);
                        }
                        link.forget(*pkid);
                    }
                    decision
                };
                if stopping.is_some() {
                    break;
                }
                match decision.next {
                    Next::FallBack { note: why } => {
                        tracing::info!("MQTT 5 refused; connecting again with 3.1.1");
                        if let Some(fallback) = negotiation.fallback.take() {
                            link = fallback();
                            requests.replace(link.requests());
                        }
                        note = Some(why.into());
                        events.push(MqttEvent::State(ConnState::Connecting {
                            attempt: policy.attempt(),
                        }));
                    }
                    Next::Stop(error) => {
                        tracing::info!("connection failed: {error}; not retrying");
                        stopped_with = Some(error);
                        break;
                    }
                    Next::Retry {
                        after,
                        attempt,
                        error,
                    } => {
                        tracing::info!(
                            "connection attempt {attempt} failed: {error}; retrying in {after:?}"
                        );
                        events.push(MqttEvent::State(ConnState::Reconnecting {
                            after,
                            error,
                            never_connected: !policy.ever_connected(),
                        }));
                        tokio::select! {
                            _ = tokio::time::sleep(after) => {}
                            _ = stop.changed() => break,
                        }
                        events.push(MqttEvent::State(ConnState::Connecting {
                            attempt: policy.attempt(),
                        }));
                    }
                }
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

/// The trace's packet for what was polled, if tracing and if it is one it shows.
fn trace(
    tracker: &Mutex<Tracker>,
    events: &EventQueue,
    polled: &Result<Wire, ConnError>,
    now: std::time::Instant,
) {
    let mut t = lock(tracker);
    if t.trace.is_none() {
        return;
    }
    let wall = std::time::SystemTime::now();
    let ours = match polled {
        Ok(Wire::OutPublish { pkid, tag }) => t.about_to_write(*pkid, *tag),
        _ => None,
    };
    let filters = match polled {
        Ok(Wire::OutSubscribe { .. } | Wire::OutUnsubscribe { .. }) => t.about_to_subscribe(),
        _ => None,
    };
    let Some(tr) = t.trace.as_mut() else { return };
    let packet = match polled {
        Ok(wire) => tr.on_wire(wire, ours, now, wall).map(|mut p| {
            if let Some(f) = filters {
                p.detail = f;
            }
            p
        }),
        Err(e) => Some(tr.lost(&e.words, wall)),
    };
    drop(t);
    if let Some(p) = packet {
        events.push(MqttEvent::Packet(Box::new(p)));
    }
}
