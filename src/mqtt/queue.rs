//! The worker's event queue: the worker pushes without waiting, the reader takes everything
//! queued in one operation. A fast broker therefore costs the reader one lock per batch.
//!
//! Bounded in bytes, not by dropping: once the queued messages weigh `capacity` bytes, the worker
//! stops reading the socket (`wait_room`) until the reader has taken them. A burst then waits in
//! TCP's flow control and the broker's queue rather than in our memory, nothing is lost here,
//! and what the queue holds (its messages pin the network buffers they arrived in) stays
//! bounded. State changes and acknowledgements are always queued; they are few.

use std::sync::Mutex;

use tokio::sync::Notify;

use super::types::MqttEvent;

/// What a queued message holds besides its payload and topic bytes: the event itself and the
/// network frame around the payload.
const MESSAGE_OVERHEAD: usize = std::mem::size_of::<MqttEvent>() + 16;

pub struct EventQueue {
    inner: Mutex<Inner>,
    /// Something was queued (for `recv_batch`).
    notify: Notify,
    /// The reader took what was queued (for `wait_room`).
    room: Notify,
    capacity: usize,
}

struct Inner {
    events: Vec<MqttEvent>,
    /// Weight of the queued messages.
    bytes: usize,
    closed: bool,
}

/// What a queued event counts against the bound.
fn weight(event: &MqttEvent) -> usize {
    match event {
        MqttEvent::Message(m) => m.payload.len() + m.topic.len() + MESSAGE_OVERHEAD,
        _ => 0,
    }
}

impl EventQueue {
    /// Bounded at `capacity` bytes of queued messages.
    pub fn new(capacity: usize) -> EventQueue {
        EventQueue {
            inner: Mutex::new(Inner {
                events: Vec::new(),
                bytes: 0,
                closed: false,
            }),
            notify: Notify::new(),
            room: Notify::new(),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep going.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Never waits, never drops: the bound is kept by the worker calling `wait_room` before
    /// it reads more. Returns false once the queue is closed.
    pub fn push(&self, event: MqttEvent) -> bool {
        let w = weight(&event);
        let mut inner = self.lock();
        if inner.closed {
            return false;
        }
        let was_empty = inner.events.is_empty();
        inner.events.push(event);
        inner.bytes += w;
        drop(inner);
        if was_empty {
            self.notify.notify_one();
        }
        true
    }

    /// Bytes of messages queued now.
    pub fn queued_bytes(&self) -> usize {
        self.lock().bytes
    }

    /// The queued messages weigh the bound or more: the writer should `wait_room`.
    pub fn is_full(&self) -> bool {
        self.lock().bytes >= self.capacity
    }

    /// Returns once the queued messages weigh less than the bound (or the queue is closed).
    /// Cancel-safe.
    pub async fn wait_room(&self) {
        loop {
            {
                let inner = self.lock();
                if inner.bytes < self.capacity || inner.closed {
                    return;
                }
            }
            // A take between the check and here left a permit: no wake-up is lost.
            self.room.notified().await;
        }
    }

    /// Marks the end of the stream: the reader gets what is queued, then `false`.
    pub fn close(&self) {
        self.lock().closed = true;
        self.notify.notify_one();
        self.room.notify_one();
    }

    /// Moves everything queued into `out` (which should be empty). Never waits.
    /// Returns false once the queue is closed and empty.
    pub fn drain_into(&self, out: &mut Vec<MqttEvent>) -> bool {
        let mut inner = self.lock();
        if out.is_empty() {
            std::mem::swap(out, &mut inner.events);
        } else {
            out.append(&mut inner.events);
        }
        let had = std::mem::take(&mut inner.bytes);
        let open = !(inner.closed && out.is_empty());
        drop(inner);
        if had > 0 {
            self.room.notify_one();
        }
        open
    }

    /// Waits until something is queued (or the queue closes), then drains it into `out`.
    /// Returns false when the queue is closed and nothing is left. Cancel-safe.
    pub async fn recv_batch(&self, out: &mut Vec<MqttEvent>) -> bool {
        loop {
            {
                let inner = self.lock();
                if !inner.events.is_empty() || inner.closed {
                    drop(inner);
                    return self.drain_into(out);
                }
            }
            self.notify.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{Message, QoS};
    use std::time::Duration;

    fn msg(n: usize) -> MqttEvent {
        MqttEvent::Message(Message {
            topic: "t".into(),
            payload: vec![0; n].into(),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            received: std::time::SystemTime::UNIX_EPOCH,
            properties: None,
        })
    }

    #[tokio::test]
    async fn a_full_queue_holds_the_writer_back_and_drops_nothing() {
        let q = std::sync::Arc::new(EventQueue::new(10_000));
        for _ in 0..20 {
            assert!(q.push(msg(1000)), "pushes never drop");
        }
        assert!(q.queued_bytes() >= 20_000);
        let waiting = tokio::spawn({
            let q = q.clone();
            async move { q.wait_room().await }
        });
        // Nothing was taken: the writer waits (bounded, so the test cannot hang).
        assert!(
            tokio::time::timeout(Duration::from_millis(50), async {
                while !waiting.is_finished() {
                    tokio::task::yield_now().await;
                }
            })
            .await
            .is_err(),
            "waits while full"
        );
        let mut out = Vec::new();
        assert!(q.drain_into(&mut out));
        assert_eq!(out.len(), 20);
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("room after the take")
            .expect("task");
        assert_eq!(q.queued_bytes(), 0);
    }
}
