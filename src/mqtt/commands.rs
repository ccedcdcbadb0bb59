//! The command task: callers' commands handed to rumqttc without waiting, held back while the
//! protocol is being settled, and the tracker told of each in the order rumqttc takes them.

use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};

use super::link::Requests;
use super::queue::EventQueue;
use super::tracker::Tracker;
use super::tracker::lock;
use super::types::{Command, MqttEvent, PublishOutcome};

pub(super) async fn command_task<R: Requests>(
    mut rx: mpsc::Receiver<Command>,
    requests: Arc<R>,
    tracker: Arc<Mutex<Tracker>>,
    events: Arc<EventQueue>,
    stop: watch::Sender<bool>,
    mut settled: watch::Receiver<bool>,
) {
    // Commands that arrive before the protocol is settled, in order.
    let mut held: Vec<Command> = Vec::new();
    loop {
        let unsettled = !*settled.borrow();
        let command = tokio::select! {
            c = rx.recv() => c,
            changed = settled.changed(), if unsettled => {
                if changed.is_err() {
                    break; // the poll task is gone
                }
                if *settled.borrow() {
                    for c in held.drain(..) {
                        apply_command(c, &*requests, &tracker, &events);
                    }
                }
                continue;
            }
        };
        match command {
            None | Some(Command::Disconnect) => break,
            Some(c) if !*settled.borrow() => held.push(c),
            Some(c) => apply_command(c, &*requests, &tracker, &events),
        }
    }
    // Disconnect asked for, or every handle dropped.
    for c in held {
        if let Command::Publish(req) = c {
            events.push(MqttEvent::Publish {
                id: req.id,
                outcome: PublishOutcome::Failed("stopped before the broker was reached".into()),
            });
        }
    }
    // The poll task writes the DISCONNECT once a received QoS 2 message's handshake is done.
    let _ = stop.send(true);
}

fn apply_command<R: Requests>(
    command: Command,
    requests: &R,
    tracker: &Mutex<Tracker>,
    events: &EventQueue,
) {
    match command {
        Command::Publish(req) => {
            let mut t = lock(tracker);
            let size = match t.checked_size(&req) {
                Ok(size) => size,
                Err(why) => {
                    drop(t);
                    events.push(MqttEvent::Publish {
                        id: req.id,
                        outcome: PublishOutcome::Failed(why),
                    });
                    return;
                }
            };
            match requests.try_publish(&req) {
                Ok(()) => {
                    t.queued_publish(req.id, req.qos, size);
                    if let Some(trace) = t.trace.as_mut() {
                        trace.queued(req.id, &req.topic);
                    }
                }
                Err(why) => {
                    drop(t);
                    events.push(MqttEvent::Publish {
                        id: req.id,
                        outcome: PublishOutcome::Failed(why),
                    });
                }
            }
        }
        Command::Subscribe(subs) => {
            let mut t = lock(tracker);
            // One SUBSCRIBE per subscription identifier.
            for group in super::types::by_id(subs) {
                match requests.try_subscribe(&group) {
                    Ok(()) => t.queued_subscribe(group, true),
                    Err(why) => {
                        // Remembered anyway: the next CONNACK subscribes again.
                        t.remember(&group);
                        tracing::warn!("subscribe not queued: {why}");
                    }
                }
            }
        }
        Command::Unsubscribe(filters) => {
            let mut t = lock(tracker);
            for f in filters {
                if requests.try_unsubscribe(&f).is_ok() {
                    t.queued_unsubscribe(f);
                }
            }
        }
        Command::Disconnect => {}
    }
}
