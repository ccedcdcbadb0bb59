//! Request/response from compose: a publish with a response topic subscribes to that topic first
//! (unless a subscription covers it), gets correlation data (generated unless given), and is
//! remembered; a message that comes back on a response topic is matched by its correlation data
//! and shown as the response, with the round trip, or as a response to none of ours.

use crate::app::Level;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::app::effect::Draft;
use crate::app::{App, Effect};
use crate::mqtt::topic::filter_matches;
use crate::mqtt::{QoS, Subscription};

/// Requests remembered while they wait (the oldest go first).
const MAX_PENDING: usize = 256;
/// Responses remembered for the detail.
const MAX_ANSWERS: usize = 1024;
/// How long a request waits for its response before "no response" is said (`rr`'s default).
pub const RESPONSE_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
struct Pending {
    correlation: Bytes,
    request_topic: String,
    response_topic: String,
    sent: Instant,
}

/// What a message on a response topic was.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The response to our request on `request_topic`, after `rtt`.
    Matched {
        request_topic: String,
        rtt: Duration,
    },
    /// On a response topic of ours, but no request of ours has its correlation data.
    Unmatched,
}

#[derive(Debug, Default)]
pub struct Requests {
    pending: VecDeque<Pending>,
    /// (message seq, what it was), oldest first.
    answers: VecDeque<(u64, Answer)>,
}

impl Requests {
    pub fn answer(&self, seq: u64) -> Option<&Answer> {
        self.answers
            .binary_search_by_key(&seq, |(s, _)| *s)
            .ok()
            .map(|i| &self.answers[i].1)
    }

    fn remember(&mut self, seq: u64, a: Answer) {
        if self.answers.len() >= MAX_ANSWERS {
            self.answers.pop_front();
        }
        self.answers.push_back((seq, a));
    }
}

impl App {
    /// No request of ours is waiting (the common case: nothing to match on arrival).
    pub(in crate::app) fn requests_empty(&self) -> bool {
        self.requests.pending.is_empty()
    }

    /// A compose publish: a response topic gets its subscription (first) and correlation data.
    pub(in crate::app) fn request_effects(&mut self, mut draft: Draft) -> Vec<Effect> {
        let Some(response_topic) = draft
            .properties
            .as_ref()
            .and_then(|p| p.response_topic.clone())
        else {
            return vec![Effect::Publish(draft)];
        };
        let mut effects = Vec::new();
        let covered = self
            .link
            .subscriptions
            .iter()
            .any(|s| s.enabled && filter_matches(&s.sub.filter, &response_topic));
        if !covered {
            effects.extend(
                self.add_subscription(Subscription::new(response_topic.clone(), QoS::AtLeastOnce)),
            );
        }
        let props = draft
            .publish
            .properties
            .get_or_insert_with(Default::default);
        let correlation = props
            .correlation_data
            .get_or_insert_with(crate::publish::props_input::new_correlation)
            .clone();
        if self.requests.pending.len() >= MAX_PENDING {
            self.requests.pending.pop_front();
        }
        // The previous request's round trip is not this one's: say what is awaited now.
        self.tell(
            Level::Info,
            format!(
                "request on {} sent; waiting for the response on {}",
                crate::text::clean(&draft.topic),
                crate::text::clean(&response_topic)
            ),
        );
        self.requests.pending.push_back(Pending {
            correlation,
            request_topic: draft.topic.clone(),
            response_topic,
            sent: self.now,
        });
        effects.push(Effect::Publish(draft));
        effects
    }

    /// When the oldest request stops waiting for its response.
    pub(in crate::app) fn requests_deadline(&self) -> Option<Instant> {
        self.requests
            .pending
            .front()
            .map(|p| p.sent + RESPONSE_WAIT)
    }

    /// Requests whose response did not come within `RESPONSE_WAIT` are told as such, once,
    /// and forgotten (a late response is then shown as matching none of ours).
    pub(in crate::app) fn expire_requests(&mut self, now: Instant) {
        while let Some(p) = self.requests.pending.front() {
            if now.saturating_duration_since(p.sent) < RESPONSE_WAIT {
                break;
            }
            let Some(p) = self.requests.pending.pop_front() else {
                break;
            };
            self.tell(
                Level::Warning,
                format!(
                    "no response on {} to the request on {} within {} s",
                    crate::text::clean(&p.response_topic),
                    crate::text::clean(&p.request_topic),
                    RESPONSE_WAIT.as_secs()
                ),
            );
        }
    }

    /// A message arrived as the store's `seq`: is it a response to one of our requests?
    pub(in crate::app) fn note_response(
        &mut self,
        seq: u64,
        topic: &str,
        correlation: Option<&[u8]>,
        now: Instant,
    ) {
        let on_response_topic = self
            .requests
            .pending
            .iter()
            .any(|p| p.response_topic == topic);
        let matched = correlation.and_then(|c| {
            self.requests
                .pending
                .iter()
                .position(|p| p.response_topic == topic && p.correlation[..] == *c)
        });
        match matched.and_then(|i| self.requests.pending.remove(i)) {
            Some(p) => {
                let rtt = now.saturating_duration_since(p.sent);
                self.tell(
                    Level::Info,
                    format!(
                        "response on {} to the request on {} after {:.1} ms",
                        crate::text::clean(topic),
                        crate::text::clean(&p.request_topic),
                        rtt.as_secs_f64() * 1000.0
                    ),
                );
                self.requests.remember(
                    seq,
                    Answer::Matched {
                        request_topic: p.request_topic,
                        rtt,
                    },
                );
            }
            None if on_response_topic => self.requests.remember(seq, Answer::Unmatched),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request nobody answers is told as such (it once waited silently, the status keeping
    /// the previous request's round trip).
    #[test]
    fn a_request_without_a_response_says_so_after_the_wait() {
        let t0 = Instant::now();
        let mut app = App::new(Vec::new(), Default::default(), t0);
        let draft = Draft::plain(crate::publish::Publish {
            topic: "svc/req".into(),
            payload: Bytes::from_static(b"x"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Some(Box::new(crate::mqtt::Properties {
                response_topic: Some("svc/resp".into()),
                ..Default::default()
            })),
        });
        app.request_effects(draft);
        assert!(
            app.notice_text()
                .unwrap_or("")
                .contains("waiting for the response")
        );
        app.update(
            crate::app::Msg::Tick,
            crate::app::Clock::at(t0 + Duration::from_secs(9)),
        );
        assert!(!app.notice_text().unwrap_or("").contains("no response"));
        app.update(
            crate::app::Msg::Tick,
            crate::app::Clock::at(t0 + RESPONSE_WAIT),
        );
        assert_eq!(
            app.notice_text(),
            Some("no response on svc/resp to the request on svc/req within 10 s")
        );
        assert!(app.requests_empty());
    }
}
