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

    /// No request is waiting (the common case: nothing to match on arrival).
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// `draft` leaves at `now`: a request when it has a response topic, which is returned; it
    /// gets correlation data (generated unless given) and is remembered.
    pub fn send(&mut self, draft: &mut Draft, now: Instant) -> Option<String> {
        let response_topic = draft.properties.as_ref()?.response_topic.clone()?;
        let props = draft
            .publish
            .properties
            .get_or_insert_with(Default::default);
        let correlation = props
            .correlation_data
            .get_or_insert_with(crate::publish::props_input::new_correlation)
            .clone();
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(Pending {
            correlation,
            request_topic: draft.topic.clone(),
            response_topic: response_topic.clone(),
            sent: now,
        });
        Some(response_topic)
    }

    /// When the oldest request stops waiting for its response.
    pub fn deadline(&self) -> Option<Instant> {
        self.pending.front().map(|p| p.sent + RESPONSE_WAIT)
    }

    /// Requests whose response did not come within `RESPONSE_WAIT` by `now`, forgotten (a late
    /// response is then shown as matching none of ours), each in words.
    pub fn expire(&mut self, now: Instant) -> Vec<String> {
        let mut told = Vec::new();
        while self
            .pending
            .front()
            .is_some_and(|p| now.saturating_duration_since(p.sent) >= RESPONSE_WAIT)
        {
            if let Some(p) = self.pending.pop_front() {
                told.push(format!(
                    "no response on {} to the request on {} within {} s",
                    crate::text::clean(&p.response_topic),
                    crate::text::clean(&p.request_topic),
                    RESPONSE_WAIT.as_secs()
                ));
            }
        }
        told
    }

    /// A message arrived on `topic` as the store's `seq`, at `now`: the words when it answers
    /// one of our requests (a message on a response topic that answers none is noted too).
    pub fn note(
        &mut self,
        seq: u64,
        topic: &str,
        correlation: Option<&[u8]>,
        now: Instant,
    ) -> Option<String> {
        let on_response_topic = self.pending.iter().any(|p| p.response_topic == topic);
        let matched = correlation.and_then(|c| {
            self.pending
                .iter()
                .position(|p| p.response_topic == topic && p.correlation[..] == *c)
        });
        match matched.and_then(|i| self.pending.remove(i)) {
            Some(p) => {
                let rtt = now.saturating_duration_since(p.sent);
                let words = format!(
                    "response on {} to the request on {} after {:.1} ms",
                    crate::text::clean(topic),
                    crate::text::clean(&p.request_topic),
                    rtt.as_secs_f64() * 1000.0
                );
                self.remember(
                    seq,
                    Answer::Matched {
                        request_topic: p.request_topic,
                        rtt,
                    },
                );
                Some(words)
            }
            None => {
                if on_response_topic {
                    self.remember(seq, Answer::Unmatched);
                }
                None
            }
        }
    }
}

impl App {
    /// A compose publish: a response topic gets its subscription (first, unless one covers
    /// it) and the request is remembered (`Requests::send`).
    pub(in crate::app) fn request_effects(&mut self, mut draft: Draft) -> Vec<Effect> {
        let Some(response_topic) = self.requests.send(&mut draft, self.now) else {
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
        // The previous request's round trip is not this one's: say what is awaited now.
        self.tell(
            Level::Info,
            format!(
                "request on {} sent; waiting for the response on {}",
                crate::text::clean(&draft.topic),
                crate::text::clean(&response_topic)
            ),
        );
        effects.push(Effect::Publish(draft));
        effects
    }

    /// Requests that waited too long are told, once each.
    pub(in crate::app) fn expire_requests(&mut self, now: Instant) {
        for words in self.requests.expire(now) {
            self.tell(Level::Warning, words);
        }
    }

    /// A message arrived as the store's `seq`: a response to one of our requests is told.
    pub(in crate::app) fn note_response(
        &mut self,
        seq: u64,
        topic: &str,
        correlation: Option<&[u8]>,
        now: Instant,
    ) {
        if let Some(words) = self.requests.note(seq, topic, correlation, now) {
            self.tell(Level::Info, words);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(topic: &str, reply: Option<&str>) -> Draft {
        Draft::plain(crate::publish::Publish {
            topic: topic.into(),
            payload: Bytes::from_static(b"ping"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: reply.map(|r| {
                Box::new(crate::mqtt::Properties {
                    response_topic: Some(r.into()),
                    ..Default::default()
                })
            }),
        })
    }

    #[test]
    fn requests_are_matched_by_correlation_and_expire_at_their_deadline() {
        let t0 = Instant::now();
        let mut r = Requests::default();
        let mut plain = request("a", None);
        assert_eq!(
            r.send(&mut plain, t0),
            None,
            "no response topic: no request"
        );
        let mut ask = request("svc/req", Some("svc/reply"));
        assert_eq!(r.send(&mut ask, t0).as_deref(), Some("svc/reply"));
        let correlation = ask
            .properties
            .as_ref()
            .and_then(|p| p.correlation_data.clone())
            .expect("correlation data generated");
        assert_eq!(r.deadline(), Some(t0 + RESPONSE_WAIT));
        // A stranger's message on the response topic answers none of ours.
        assert_eq!(r.note(1, "svc/reply", Some(b"other"), t0), None);
        assert_eq!(r.answer(1), Some(&Answer::Unmatched));
        let words = r.note(
            2,
            "svc/reply",
            Some(&correlation),
            t0 + Duration::from_millis(5),
        );
        assert_eq!(
            words.as_deref(),
            Some("response on svc/reply to the request on svc/req after 5.0 ms")
        );
        assert!(r.is_empty());
        // Another that nobody answers: told once, at its deadline, not before.
        let mut again = request("svc/req", Some("svc/reply"));
        r.send(&mut again, t0);
        assert!(r.expire(t0 + Duration::from_secs(9)).is_empty());
        assert_eq!(r.expire(t0 + RESPONSE_WAIT).len(), 1);
        assert!(r.expire(t0 + RESPONSE_WAIT * 2).is_empty());
    }

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
        assert!(app.requests.is_empty());
    }
}
