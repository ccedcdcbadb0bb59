//! The worker's event queue: the worker pushes without ever waiting, the reader takes everything
//! queued in one operation. A fast broker therefore costs the reader one lock per batch.
//! Bounded: past `capacity` queued events, messages are dropped (and counted); state changes
//! and acknowledgements are always kept, since they are few and the UI depends on them.

use std::sync::Mutex;

use tokio::sync::Notify;

use super::types::MqttEvent;

pub struct EventQueue {
    inner: Mutex<Inner>,
    notify: Notify,
    capacity: usize,
}

struct Inner {
    events: Vec<MqttEvent>,
    dropped: u64,
    closed: bool,
}

impl EventQueue {
    pub fn new(capacity: usize) -> EventQueue {
        EventQueue {
            inner: Mutex::new(Inner {
                events: Vec::new(),
                dropped: 0,
                closed: false,
            }),
            notify: Notify::new(),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep going.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Never waits. Returns false when the event was a message and had to be dropped.
    pub fn push(&self, event: MqttEvent) -> bool {
        let mut inner = self.lock();
        if inner.closed {
            return false;
        }
        if inner.events.len() >= self.capacity && matches!(event, MqttEvent::Message(_)) {
            inner.dropped += 1;
            return false;
        }
        let was_empty = inner.events.is_empty();
        inner.events.push(event);
        drop(inner);
        if was_empty {
            self.notify.notify_one();
        }
        true
    }

    /// Marks the end of the stream: the reader gets what is queued, then `false`.
    pub fn close(&self) {
        self.lock().closed = true;
        self.notify.notify_one();
    }

    /// Moves everything queued into `out` (which should be empty). Never waits.
    /// Returns false once the queue is closed and empty.
    pub fn drain_into(&self, out: &mut Vec<MqttEvent>) -> bool {
        let mut inner = self.lock();
        if inner.dropped > 0 {
            out.push(MqttEvent::Dropped(std::mem::take(&mut inner.dropped)));
        }
        if out.is_empty() {
            std::mem::swap(out, &mut inner.events);
        } else {
            out.append(&mut inner.events);
        }
        !(inner.closed && out.is_empty())
    }

    /// Waits until something is queued (or the queue closes), then drains it into `out`.
    /// Returns false when the queue is closed and nothing is left. Cancel-safe.
    pub async fn recv_batch(&self, out: &mut Vec<MqttEvent>) -> bool {
        loop {
            {
                let inner = self.lock();
                if !inner.events.is_empty() || inner.dropped > 0 || inner.closed {
                    drop(inner);
                    return self.drain_into(out);
                }
            }
            self.notify.notified().await;
        }
    }
}
