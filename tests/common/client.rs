//! A library-level MQTT client for tests: the real worker, with helpers that await events.

use std::time::Duration;

use bytes::Bytes;
use mqscope::mqtt::{
    self, BrokerUrl, Command, ConnState, ConnectionSettings, Message, MqttEvent, MqttHandle,
    Protocol, PublishId, PublishOutcome, QoS, WorkerOptions,
};

pub const WAIT: Duration = Duration::from_secs(15);

pub struct Client {
    pub handle: MqttHandle,
    queued: std::collections::VecDeque<MqttEvent>,
    /// Non-message events seen, for the message of a failed wait.
    trace: Vec<String>,
}

pub fn settings(url: &str, protocol: Protocol) -> ConnectionSettings {
    let mut s = ConnectionSettings::new(BrokerUrl::parse(url).expect("url"));
    s.protocol = protocol;
    s
}

impl Client {
    pub fn start(settings: &ConnectionSettings) -> Client {
        Client {
            handle: mqtt::spawn(settings, WorkerOptions::default()).expect("spawn worker"),
            queued: Default::default(),
            trace: Vec::new(),
        }
    }

    /// Waits (at most WAIT) for the first event that `pick` accepts; earlier ones are dropped.
    pub async fn wait_for<T>(
        &mut self,
        what: &str,
        mut pick: impl FnMut(&MqttEvent) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            while let Some(ev) = self.queued.pop_front() {
                if !matches!(ev, MqttEvent::Message(_)) {
                    self.trace.push(format!("{ev:?}"));
                }
                if let Some(t) = pick(&ev) {
                    return t;
                }
            }
            let mut batch = Vec::new();
            let got =
                tokio::time::timeout_at(deadline, self.handle.events().recv_batch(&mut batch))
                    .await;
            match got {
                Ok(true) => self.queued.extend(batch),
                Ok(false) => panic!("worker stopped while waiting for {what}"),
                Err(_) => panic!(
                    "timed out waiting for {what}; events seen: {:#?}",
                    self.trace
                ),
            }
        }
    }

    pub async fn connected(&mut self) {
        self.wait_for("CONNACK", |e| {
            matches!(e, MqttEvent::State(ConnState::Connected { .. })).then_some(())
        })
        .await
    }

    pub async fn subscribe(&mut self, filter: &str, qos: QoS) -> QoS {
        self.handle
            .try_send(Command::Subscribe(vec![mqscope::mqtt::Subscription::new(
                filter, qos,
            )]))
            .expect("queue subscribe");
        self.subscribed(filter).await
    }

    /// Subscribes with every option of `sub`; the SUBACK's answer for it.
    pub async fn subscribe_with(
        &mut self,
        sub: mqscope::mqtt::Subscription,
    ) -> Result<QoS, String> {
        let f = sub.filter.clone();
        self.handle
            .try_send(Command::Subscribe(vec![sub]))
            .expect("queue subscribe");
        self.wait_for("SUBACK", |e| match e {
            MqttEvent::Subscribed(rs) => {
                rs.iter().find(|r| r.filter == f).map(|r| r.granted.clone())
            }
            _ => None,
        })
        .await
    }

    pub async fn subscribed(&mut self, filter: &str) -> QoS {
        let f = filter.to_string();
        self.wait_for("SUBACK", |e| match e {
            MqttEvent::Subscribed(rs) => rs
                .iter()
                .find(|r| r.filter == f)
                .map(|r| r.granted.clone().expect("granted")),
            _ => None,
        })
        .await
    }

    pub async fn message(&mut self) -> Message {
        self.wait_for("a message", |e| match e {
            MqttEvent::Message(m) => Some(m.clone()),
            _ => None,
        })
        .await
    }

    pub fn publish(
        &self,
        topic: &str,
        payload: impl Into<Bytes>,
        qos: QoS,
        retain: bool,
    ) -> PublishId {
        self.handle
            .publish(mqscope::publish::Publish {
                topic: topic.to_string(),
                payload: payload.into(),
                qos,
                retain,
                properties: None,
            })
            .expect("queue publish")
    }

    /// Waits for the final outcome of publish `id`.
    pub async fn outcome(&mut self, id: PublishId) -> PublishOutcome {
        self.wait_for("the publish outcome", |e| match e {
            MqttEvent::Publish { id: got, outcome } if *got == id && outcome.is_final() => {
                Some(outcome.clone())
            }
            _ => None,
        })
        .await
    }

    pub async fn stop(mut self) {
        let _ = self.handle.try_send(Command::Disconnect);
        let _ = tokio::time::timeout(WAIT, async {
            let mut b = Vec::new();
            while self.handle.events().recv_batch(&mut b).await {
                b.clear();
            }
        })
        .await;
        self.queued.clear();
    }
}
