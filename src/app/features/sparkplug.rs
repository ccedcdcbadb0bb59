//! `R` on a Sparkplug B topic: after a confirmation, an NCMD asks the edge node to send its
//! births again (`Node Control/Rebirth`), the way a host application recovers aliases it has
//! not seen. The payload is made when the user confirms, stamped with that message's clock.

use crate::app::Level;
use crate::app::popup::{ConfirmPopup, Popup, Yes};
use crate::app::{App, Effect};
use crate::decode::sparkplug;
use crate::text::clean;

impl App {
    pub fn rebirth_key(&mut self) {
        let topic = match (self.detail_entry(), self.tree.selected) {
            (Some(e), _) => self.link.store.tree.path(e.node),
            (None, Some(id)) => self.link.store.tree.path(id),
            (None, None) => String::new(),
        };
        let Some(t) = sparkplug::topic(&topic) else {
            self.tell(Level::Warning,
                "R asks a Sparkplug B edge node for a rebirth: select one of its topics (spBv1.0/GROUP/TYPE/EDGE…)"
                    .into(),
            );
            return;
        };
        let target = t.rebirth_topic();
        let state = match self.sparkplug.online(t.group, t.edge) {
            Some(true) => "online, its birth seen",
            Some(false) => "offline, or no birth seen",
            None => "not seen yet",
        };
        self.popups.push(Popup::Confirm(ConfirmPopup {
            title: "Send a Sparkplug B Rebirth?".into(),
            lines: vec![
                format!("Edge node {}/{}: {state}", clean(t.group), clean(t.edge)),
                format!("publishes NCMD to {}", clean(&target)),
                format!(
                    "with metric \"{}\" = true (QoS 0)",
                    sparkplug::REBIRTH_METRIC
                ),
                "The node answers with NBIRTH and its devices' DBIRTHs.".into(),
            ],
            yes: Yes::Rebirth(target),
        }));
    }

    /// The confirmed Rebirth: an NCMD with the metric set, stamped now, at QoS 0.
    pub fn rebirth(&mut self, topic: String) -> Vec<Effect> {
        let now_ms = self
            .wall
            .duration_since(std::time::SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        match sparkplug::rebirth_command(now_ms) {
            Ok(payload) => vec![Effect::Publish(crate::app::effect::Draft::plain(
                crate::publish::Publish {
                    topic,
                    payload: payload.into(),
                    qos: crate::mqtt::QoS::AtMostOnce,
                    retain: false,
                    properties: None,
                },
            ))],
            Err(e) => {
                self.tell(Level::Error, format!("no Rebirth sent: {e}"));
                Vec::new()
            }
        }
    }
}
