//! MQTT 3.1.1 through rumqttc's v4 stack.

use super::types::Subscription;
use std::sync::Arc;
use std::time::SystemTime;

use rumqttc::{
    AsyncClient, Event, EventLoop, LastWill, MqttOptions, Outgoing, Packet, Request,
    SubscribeFilter, SubscribeReasonCode, TlsConfiguration, Transport,
};

use super::errors::{describe_v4, refused_v4};
use super::link::{Link, Parked, Restored, Wire, qos_from_v4, qos_to_v4};
use super::settings::ConnectionSettings;
use super::types::{Message, PublishRequest};

pub struct V4Link {
    client: AsyncClient,
    eventloop: EventLoop,
    parked: Vec<Request>,
    /// The proxy, to name it when it fails.
    proxy: Option<crate::mqtt::Proxy>,
}

pub fn build(
    s: &ConnectionSettings,
    tls: Option<Arc<rustls::ClientConfig>>,
    request_capacity: usize,
) -> V4Link {
    let url = &s.url;
    let mut opts = if url.scheme.is_websocket() {
        MqttOptions::new(s.client_id.clone(), url.websocket_url(), url.port)
    } else {
        MqttOptions::new(s.client_id.clone(), url.host.clone(), url.port)
    };
    // Validated by ConnectionSettings::validate: zero or >= 1 s, so this setter cannot panic.
    opts.set_keep_alive(s.keep_alive);
    opts.set_clean_session(s.clean_session);
    opts.set_inflight(s.inflight);
    opts.set_max_packet_size(s.max_packet_size as usize, s.max_packet_size as usize);
    if let Some(user) = &s.username {
        let pass = s.password.as_ref().map(|p| p.expose().to_string());
        opts.set_credentials(user.clone(), pass.unwrap_or_default());
    }
    if let Some(will) = &s.will {
        opts.set_last_will(LastWill::new(
            will.topic.clone(),
            will.payload.to_vec(),
            qos_to_v4(will.qos),
            will.retain,
        ));
    }
    let transport = match (url.scheme.is_websocket(), tls) {
        (false, None) => Transport::Tcp,
        (false, Some(cfg)) => Transport::Tls(TlsConfiguration::Rustls(cfg)),
        (true, None) => Transport::Ws,
        (true, Some(cfg)) => Transport::Wss(TlsConfiguration::Rustls(cfg)),
    };
    opts.set_transport(transport);
    if let Some(p) = &s.proxy {
        opts.set_proxy(super::proxy::option(p));
    }
    let (client, mut eventloop) = AsyncClient::new(opts, request_capacity);
    let mut net = eventloop.network_options();
    net.set_connection_timeout(s.connect_timeout_s);
    eventloop.set_network_options(net);
    V4Link {
        client,
        eventloop,
        parked: Vec::new(),
        proxy: s.proxy.clone(),
    }
}

fn convert(event: Event) -> Wire {
    match event {
        Event::Incoming(Packet::ConnAck(ack)) => Wire::ConnAck {
            session_present: ack.session_present,
            info: Box::new(super::types::ConnAckInfo {
                session_present: ack.session_present,
                ..Default::default()
            }),
        },
        Event::Incoming(Packet::Publish(p)) => Wire::Message(Message {
            topic: p.topic.into(),
            payload: p.payload,
            qos: qos_from_v4(p.qos),
            retain: p.retain,
            dup: p.dup,
            // Stamped by the worker with the time of the read that brought it (`ReadClock`).
            received: SystemTime::UNIX_EPOCH,
            properties: None,
        }),
        Event::Incoming(Packet::PubAck(a)) => Wire::PubAck {
            pkid: a.pkid,
            error: None,
        },
        Event::Incoming(Packet::PubRec(a)) => Wire::PubRec {
            pkid: a.pkid,
            error: None,
        },
        Event::Incoming(Packet::PubComp(a)) => Wire::PubComp {
            pkid: a.pkid,
            error: None,
        },
        Event::Incoming(Packet::SubAck(a)) => Wire::SubAck {
            pkid: a.pkid,
            granted: a
                .return_codes
                .iter()
                .map(|c| match c {
                    SubscribeReasonCode::Success(q) => Ok(qos_from_v4(*q)),
                    SubscribeReasonCode::Failure => Err("refused by the broker".to_string()),
                })
                .collect(),
        },
        Event::Incoming(Packet::UnsubAck(a)) => Wire::UnsubAck {
            pkid: a.pkid,
            refused: None,
        },
        Event::Outgoing(Outgoing::Publish(pkid)) => Wire::OutPublish { pkid, tag: None },
        Event::Outgoing(Outgoing::Subscribe(pkid)) => Wire::OutSubscribe { pkid },
        Event::Outgoing(Outgoing::Unsubscribe(pkid)) => Wire::OutUnsubscribe { pkid },
        Event::Outgoing(Outgoing::Disconnect) => Wire::OutDisconnect,
        Event::Incoming(Packet::PingResp) => Wire::PingResp,
        Event::Outgoing(Outgoing::PingReq) => Wire::OutPingReq,
        Event::Outgoing(Outgoing::PubRel(pkid)) => Wire::OutPubRel { pkid },
        Event::Incoming(_) => Wire::Alive,
        _ => Wire::Other,
    }
}

impl super::link::Requests for AsyncClient {
    fn try_publish(&self, req: &PublishRequest) -> Result<(), String> {
        // Tagged with our id, so the tracker reads which publish a packet id is (and the
        // payload is shared, not copied).
        let mut p = rumqttc::Publish::from_bytes(
            req.topic.clone(),
            qos_to_v4(req.qos),
            req.payload.clone(),
        );
        p.retain = req.retain;
        p.tag = req.id.0;
        self.try_publish_request(p)
            .map_err(|e| format!("could not queue: {e}"))
    }

    /// MQTT 3.1.1 has no subscription options: filter and QoS only.
    fn try_subscribe(&self, subs: &[Subscription]) -> Result<(), String> {
        let filters = subs
            .iter()
            .map(|s| SubscribeFilter::new(s.filter.clone(), qos_to_v4(s.qos)));
        self.try_subscribe_many(filters)
            .map_err(|e| format!("could not queue: {e}"))
    }

    fn try_unsubscribe(&self, filter: &str) -> Result<(), String> {
        self.try_unsubscribe(filter.to_string())
            .map_err(|e| format!("could not queue: {e}"))
    }

    fn try_disconnect(&self) -> Result<(), String> {
        self.try_disconnect()
            .map_err(|e| format!("could not queue: {e}"))
    }
}

impl V4Link {
    /// An event as the worker reads it: our publish named by its tag (QoS 1 and 2).
    fn wire_of(&self, event: Event) -> Wire {
        super::link::tagged(convert(event), |pkid| self.tag_of(pkid))
    }
}

impl Link for V4Link {
    type Requests = AsyncClient;

    fn requests(&self) -> AsyncClient {
        self.client.clone()
    }

    async fn poll(&mut self) -> Result<Wire, super::types::ConnError> {
        match self.eventloop.poll().await {
            Ok(event) => Ok(self.wire_of(event)),
            Err(rumqttc::ConnectionError::ConnectionRefused(code)) => Err(refused_v4(code)),
            Err(rumqttc::ConnectionError::Proxy(p)) => {
                Err(super::proxy::failure(self.proxy.as_ref(), &p))
            }
            Err(e) => Err(describe_v4(&e)),
        }
    }

    fn try_buffered(&mut self) -> Option<Wire> {
        let event = self.eventloop.try_buffered()?;
        Some(self.wire_of(event))
    }

    fn tag_of(&self, pkid: u16) -> Option<u64> {
        // In flight, or (an event read after the connection was lost) parked.
        self.eventloop.state.outgoing_tag(pkid).or_else(|| {
            self.parked.iter().find_map(|r| match r {
                rumqttc::Request::Publish(p) if p.pkid == pkid => Some(p.tag),
                _ => None,
            })
        })
    }

    fn awaiting_pubrel(&self) -> bool {
        self.eventloop.state.awaiting_pubrel()
    }

    fn drop_connection(&mut self) {
        self.eventloop.clean();
    }

    fn park(&mut self) -> Parked {
        let mut parked = Parked::default();
        for req in self.eventloop.pending.drain(..) {
            match req {
                Request::Publish(_) | Request::PubRel(_) => self.parked.push(req),
                Request::Subscribe(_) | Request::Unsubscribe(_) => {
                    parked.dropped_subscription_requests += 1
                }
                // Acks for the old connection and pings mean nothing on a new one.
                _ => {}
            }
        }
        parked
    }

    fn forget(&mut self, pkid: u16) {
        self.parked.retain(|r| match r {
            Request::Publish(p) => p.pkid != pkid,
            Request::PubRel(r) => r.pkid != pkid,
            _ => true,
        });
    }

    fn restore(&mut self, session_present: bool) -> Restored {
        let mut restored = Restored::default();
        for req in self.parked.drain(..) {
            match req {
                Request::Publish(mut p) if !session_present => {
                    restored.order.push((p.pkid != 0).then_some(p.pkid));
                    p.pkid = 0;
                    p.dup = false;
                    self.eventloop.pending.push_back(Request::Publish(p));
                }
                Request::PubRel(rel) if !session_present => restored.released.push(rel.pkid),
                // Sent again on a session the broker kept: MQTT requires DUP=1.
                Request::Publish(mut p) => {
                    if p.pkid != 0 {
                        p.dup = true;
                    } else {
                        restored.order.push(None);
                    }
                    self.eventloop.pending.push_back(Request::Publish(p));
                }
                other => self.eventloop.pending.push_back(other),
            }
        }
        restored
    }
}
