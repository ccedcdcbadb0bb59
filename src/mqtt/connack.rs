//! What a broker answers in CONNACK, kept whole for the status popup (`i`) and `sub -d`.

/// What the broker said in CONNACK. MQTT 3.1.1 has only the session flag; the rest is MQTT 5's
/// properties, None where the broker left one out (its default then applies).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnAckInfo {
    pub session_present: bool,
    pub assigned_client_id: Option<String>,
    pub server_keep_alive: Option<u16>,
    pub session_expiry: Option<u32>,
    pub receive_maximum: Option<u16>,
    pub maximum_qos: Option<u8>,
    pub retain_available: Option<bool>,
    pub maximum_packet_size: Option<u32>,
    pub topic_alias_maximum: Option<u16>,
    pub wildcard_available: Option<bool>,
    pub subscription_ids_available: Option<bool>,
    pub shared_available: Option<bool>,
    pub reason_string: Option<String>,
    pub response_information: Option<String>,
    pub server_reference: Option<String>,
    pub user_properties: Vec<(String, String)>,
}

impl ConnAckInfo {
    /// Each field that was sent, as (name, value in words), for the status popup.
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let yes = |b: bool| {
            if b {
                "yes".to_string()
            } else {
                "no".to_string()
            }
        };
        let mut r = vec![("reason", "accepted (success)".to_string())];
        r.push(("session present", yes(self.session_present)));
        let mut opt = |name, v: Option<String>| {
            if let Some(v) = v {
                r.push((name, v));
            }
        };
        opt("assigned client id", self.assigned_client_id.clone());
        opt(
            "server keep-alive",
            self.server_keep_alive.map(|s| format!("{s} s")),
        );
        opt(
            "session expiry",
            self.session_expiry.map(|s| format!("{s} s")),
        );
        opt(
            "receive maximum",
            self.receive_maximum.map(|n| n.to_string()),
        );
        opt("maximum QoS", self.maximum_qos.map(|n| n.to_string()));
        opt("retain available", self.retain_available.map(yes));
        opt(
            "maximum packet size",
            self.maximum_packet_size.map(|n| format!("{n} bytes")),
        );
        opt(
            "topic alias maximum",
            self.topic_alias_maximum.map(|n| n.to_string()),
        );
        opt("wildcard subscriptions", self.wildcard_available.map(yes));
        opt(
            "subscription identifiers",
            self.subscription_ids_available.map(yes),
        );
        opt("shared subscriptions", self.shared_available.map(yes));
        opt("reason string", self.reason_string.clone());
        opt("response information", self.response_information.clone());
        opt("server reference", self.server_reference.clone());
        for (k, v) in &self.user_properties {
            r.push(("user property", format!("{k} = {v}")));
        }
        r
    }

    /// What a user should know at once (shown as a notice on connect), if anything.
    pub fn notable(&self) -> Option<String> {
        let mut n = Vec::new();
        if let Some(id) = &self.assigned_client_id {
            n.push(format!("assigned client id {id}"));
        }
        if let Some(q) = self.maximum_qos {
            n.push(format!("maximum QoS {q}"));
        }
        if self.retain_available == Some(false) {
            n.push("no retained messages".into());
        }
        if let Some(k) = self.server_keep_alive {
            n.push(format!("keep-alive set to {k} s by the broker"));
        }
        if let Some(r) = &self.server_reference {
            n.push(format!("the broker points to {r}"));
        }
        (!n.is_empty()).then(|| format!("CONNACK: {} (i shows all)", n.join(" · ")))
    }
}
