//! MQTT 5 through rumqttc's v5 stack.

use super::types::Subscription;
use std::sync::Arc;
use std::time::SystemTime;

use rumqttc::v5::mqttbytes::v5::{
    Filter, LastWill, Packet, PubAckReason, PubCompReason, PubRecReason, PublishProperties,
    RetainForwardRule, SubscribeProperties, SubscribeReasonCode, UnsubAckReason,
};
use rumqttc::v5::{AsyncClient, Event, EventLoop, MqttOptions, Request};
use rumqttc::{Outgoing, TlsConfiguration, Transport};

use super::TopicText;
use super::errors::{describe_v5, refused_v5};
use super::link::{Link, Parked, Restored, Wire, qos_from_v5, qos_to_v5, words};
use super::settings::ConnectionSettings;
use super::types::{ConnAckInfo, Message, Properties, PublishRequest};

pub struct V5Link {
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
) -> V5Link {
    let url = &s.url;
    let mut opts = if url.scheme.is_websocket() {
        MqttOptions::new(s.client_id.clone(), url.websocket_url(), url.port)
    } else {
        MqttOptions::new(s.client_id.clone(), url.host.clone(), url.port)
    };
    // Validated by ConnectionSettings::validate: zero or >= 1 s, so this setter cannot panic.
    opts.set_keep_alive(s.keep_alive);
    opts.set_clean_start(s.clean_session);
    if !s.clean_session {
        // A persistent session in MQTT 5 needs an expiry; keep it as long as the broker allows.
        opts.set_session_expiry_interval(Some(u32::MAX));
    }
    let c = &s.connect;
    if c.session_expiry.is_some() {
        opts.set_session_expiry_interval(c.session_expiry);
    }
    opts.set_receive_maximum(c.receive_maximum);
    opts.set_topic_alias_max(c.topic_alias_maximum);
    opts.set_request_response_info(c.request_response_information.map(u8::from));
    opts.set_request_problem_info(c.request_problem_information.map(u8::from));
    if !c.user_properties.is_empty() {
        opts.set_user_properties(c.user_properties.clone());
    }
    opts.set_outgoing_inflight_upper_limit(s.inflight);
    opts.set_max_packet_size(Some(s.max_packet_size));
    opts.set_connection_timeout(s.connect_timeout_s);
    if let Some(user) = &s.username {
        let pass = s.password.as_ref().map(|p| p.expose().to_string());
        opts.set_credentials(user.clone(), pass.unwrap_or_default());
    }
    if let Some(will) = &s.will {
        opts.set_last_will(LastWill::new(
            will.topic.clone(),
            will.payload.to_vec(),
            qos_to_v5(will.qos),
            will.retain,
            None,
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
    let (client, eventloop) = AsyncClient::new(opts, request_capacity);
    V5Link {
        client,
        eventloop,
        parked: Vec::new(),
        proxy: s.proxy.clone(),
    }
}

fn properties_from(p: PublishProperties) -> Properties {
    Properties {
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        topic_alias: p.topic_alias,
        response_topic: p.response_topic,
        correlation_data: p.correlation_data,
        user_properties: p.user_properties,
        subscription_identifiers: p.subscription_identifiers,
        content_type: p.content_type,
    }
}

fn properties_to(p: &Properties) -> PublishProperties {
    PublishProperties {
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        topic_alias: None,
        response_topic: p.response_topic.clone(),
        correlation_data: p.correlation_data.clone(),
        user_properties: p.user_properties.clone(),
        subscription_identifiers: Vec::new(),
        content_type: p.content_type.clone(),
    }
}

fn convert(event: Event) -> Wire {
    match event {
        Event::Incoming(Packet::ConnAck(ack)) => {
            let flag = |v: Option<u8>| v.map(|b| b != 0);
            let mut info = ConnAckInfo {
                session_present: ack.session_present,
                ..ConnAckInfo::default()
            };
            if let Some(p) = ack.properties {
                info.assigned_client_id = p.assigned_client_identifier;
                info.server_keep_alive = p.server_keep_alive;
                info.session_expiry = p.session_expiry_interval;
                info.receive_maximum = p.receive_max;
                info.maximum_qos = p.max_qos;
                info.retain_available = flag(p.retain_available);
                info.maximum_packet_size = p.max_packet_size;
                info.topic_alias_maximum = p.topic_alias_max;
                info.wildcard_available = flag(p.wildcard_subscription_available);
                info.subscription_ids_available = flag(p.subscription_identifiers_available);
                info.shared_available = flag(p.shared_subscription_available);
                info.reason_string = p.reason_string;
                info.response_information = p.response_information;
                info.server_reference = p.server_reference;
                info.user_properties = p.user_properties;
            }
            Wire::ConnAck {
                session_present: ack.session_present,
                info: Box::new(info),
            }
        }
        Event::Incoming(Packet::Publish(p)) => Wire::Message(Message {
            topic: TopicText::from_utf8_lossy(p.topic),
            payload: p.payload,
            qos: qos_from_v5(p.qos),
            retain: p.retain,
            dup: p.dup,
            // Stamped by the worker with the time of the read that brought it (`ReadClock`).
            received: SystemTime::UNIX_EPOCH,
            properties: p
                .properties
                .map(|p| properties_from(*p))
                .filter(|p| !p.is_empty())
                .map(Box::new),
        }),
        Event::Incoming(Packet::PubAck(a)) => Wire::PubAck {
            pkid: a.pkid,
            error: match a.reason {
                PubAckReason::Success | PubAckReason::NoMatchingSubscribers => None,
                other => Some(words(&other)),
            },
        },
        Event::Incoming(Packet::PubRec(a)) => Wire::PubRec {
            pkid: a.pkid,
            error: match a.reason {
                PubRecReason::Success | PubRecReason::NoMatchingSubscribers => None,
                other => Some(words(&other)),
            },
        },
        Event::Incoming(Packet::PubComp(a)) => Wire::PubComp {
            pkid: a.pkid,
            error: match a.reason {
                PubCompReason::Success => None,
                other => Some(words(&other)),
            },
        },
        Event::Incoming(Packet::SubAck(a)) => Wire::SubAck {
            pkid: a.pkid,
            granted: a
                .return_codes
                .iter()
                .map(|c| match c {
                    SubscribeReasonCode::Success(q) => Ok(qos_from_v5(*q)),
                    other => Err(words(other)),
                })
                .collect(),
        },
        Event::Incoming(Packet::UnsubAck(a)) => Wire::UnsubAck {
            pkid: a.pkid,
            // "No subscription existed" is still unsubscribed; anything else was refused.
            refused: a
                .reasons
                .iter()
                .find(|r| {
                    !matches!(
                        r,
                        UnsubAckReason::Success | UnsubAckReason::NoSubscriptionExisted
                    )
                })
                .map(words),
        },
        Event::Incoming(Packet::Disconnect(d)) => Wire::ServerDisconnect {
            reason: words(&d.reason_code),
            taken_over: matches!(
                d.reason_code,
                rumqttc::v5::mqttbytes::v5::DisconnectReasonCode::SessionTakenOver
            ),
        },
        Event::Outgoing(Outgoing::Publish(pkid)) => Wire::OutPublish { pkid, tag: None },
        Event::Outgoing(Outgoing::Subscribe(pkid)) => Wire::OutSubscribe { pkid },
        Event::Outgoing(Outgoing::Unsubscribe(pkid)) => Wire::OutUnsubscribe { pkid },
        Event::Outgoing(Outgoing::Disconnect) => Wire::OutDisconnect,
        Event::Incoming(Packet::PingResp(_)) => Wire::PingResp,
        Event::Outgoing(Outgoing::PingReq) => Wire::OutPingReq,
        Event::Outgoing(Outgoing::PubRel(pkid)) => Wire::OutPubRel { pkid },
        Event::Incoming(_) => Wire::Alive,
        _ => Wire::Other,
    }
}

impl super::link::Requests for AsyncClient {
    fn try_publish(&self, req: &PublishRequest) -> Result<(), String> {
        // Tagged with our id, so the tracker reads which publish a packet id is.
        let mut p = rumqttc::v5::mqttbytes::v5::Publish::new(
            req.topic.clone(),
            qos_to_v5(req.qos),
            req.payload.clone(),
            req.properties.as_deref().map(properties_to),
        );
        p.retain = req.retain;
        p.tag = req.id.0;
        self.try_publish_request(p)
            .map_err(|e| format!("could not queue: {e}"))
    }

    /// One SUBSCRIBE with each filter's options. A packet carries one subscription identifier,
    /// so callers group subscriptions by it (`by_id`); the first one's id is sent.
    fn try_subscribe(&self, subs: &[Subscription]) -> Result<(), String> {
        let filters: Vec<Filter> = subs
            .iter()
            .map(|s| Filter {
                path: s.filter.clone(),
                qos: qos_to_v5(s.qos),
                nolocal: s.no_local,
                preserve_retain: s.retain_as_published,
                retain_forward_rule: match s.retain_handling {
                    1 => RetainForwardRule::OnNewSubscribe,
                    2 => RetainForwardRule::Never,
                    _ => RetainForwardRule::OnEverySubscribe,
                },
            })
            .collect();
        let result = match subs.first().and_then(|s| s.id) {
            Some(id) => self.try_subscribe_many_with_properties(
                filters,
                SubscribeProperties {
                    id: Some(id as usize),
                    user_properties: Vec::new(),
                },
            ),
            None => self.try_subscribe_many(filters),
        };
        result.map_err(|e| format!("could not queue: {e}"))
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

impl V5Link {
    /// An event as the worker reads it: our publish named by its tag (QoS 1 and 2).
    fn wire_of(&self, event: Event) -> Wire {
        super::link::tagged(convert(event), |pkid| self.tag_of(pkid))
    }
}

impl Link for V5Link {
    type Requests = AsyncClient;

    fn requests(&self) -> AsyncClient {
        self.client.clone()
    }

    async fn poll(&mut self) -> Result<Wire, super::types::ConnError> {
        match self.eventloop.poll().await {
            Ok(event) => Ok(self.wire_of(event)),
            Err(rumqttc::v5::ConnectionError::ConnectionRefused(code)) => Err(refused_v5(code)),
            Err(rumqttc::v5::ConnectionError::Proxy(p)) => {
                Err(super::proxy::failure(self.proxy.as_ref(), &p))
            }
            Err(e) => Err(describe_v5(&e)),
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
                Request::Publish(p) if p.pkid == pkid => Some(p.tag),
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
