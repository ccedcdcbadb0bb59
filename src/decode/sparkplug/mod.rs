//! Sparkplug B: `spBv1.0/GROUP/TYPE/EDGE[/DEVICE]` payloads, decoded from the official schema
//! (`assets/sparkplug/sparkplug_b.proto`, compiled once with protox). `births` keeps what each
//! edge node and device declared in its birth certificate, so data sent by alias reads by name,
//! type and unit, and sequence gaps and data without a birth are flagged. Only topics under
//! `spBv1.0/` are read as Sparkplug: plain payloads elsewhere are never taken for it.

mod births;
mod encode;
mod payload;

pub use births::{Births, MAX_DEFINITIONS};
pub use encode::{REBIRTH_METRIC, rebirth_command};
pub use payload::{Metric, MetricDef, SpPayload, Value, datatype, datatype_name, parse};

use super::{DecodeError, Decoded, Decoder};

/// The namespace prefix of Sparkplug B topics.
pub const NAMESPACE: &str = "spBv1.0";

/// A Sparkplug message type (the topic's third level).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    NBirth,
    NDeath,
    DBirth,
    DDeath,
    NData,
    DData,
    NCmd,
    DCmd,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "NBIRTH" => Kind::NBirth,
            "NDEATH" => Kind::NDeath,
            "DBIRTH" => Kind::DBirth,
            "DDEATH" => Kind::DDeath,
            "NDATA" => Kind::NData,
            "DDATA" => Kind::DData,
            "NCMD" => Kind::NCmd,
            "DCMD" => Kind::DCmd,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::NBirth => "NBIRTH",
            Kind::NDeath => "NDEATH",
            Kind::DBirth => "DBIRTH",
            Kind::DDeath => "DDEATH",
            Kind::NData => "NDATA",
            Kind::DData => "DDATA",
            Kind::NCmd => "NCMD",
            Kind::DCmd => "DCMD",
        }
    }

    /// Messages the edge node numbers with `seq` (commands come from a host; NDEATH is the
    /// broker's will).
    fn numbered(self) -> bool {
        !matches!(self, Kind::NCmd | Kind::DCmd | Kind::NDeath)
    }
}

/// A Sparkplug topic taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topic<'a> {
    pub group: &'a str,
    pub kind: Kind,
    pub edge: &'a str,
    pub device: Option<&'a str>,
}

impl Topic<'_> {
    /// `GROUP/EDGE`: the edge node this message is of.
    pub fn node_key(&self) -> String {
        format!("{}/{}", self.group, self.edge)
    }

    /// Where a Rebirth request for this message's edge node goes.
    pub fn rebirth_topic(&self) -> String {
        format!("{NAMESPACE}/{}/NCMD/{}", self.group, self.edge)
    }

    /// "edge node G/E" or "device G/E/D", for the detail.
    pub fn describe(&self) -> String {
        match self.device {
            Some(d) => format!("device {}/{}/{d}", self.group, self.edge),
            None => format!("edge node {}/{}", self.group, self.edge),
        }
    }
}

/// The parts of a Sparkplug B topic; None for anything else (including `spBv1.0/STATE/…`, a
/// host application's JSON).
pub fn topic(t: &str) -> Option<Topic<'_>> {
    let mut parts = t.split('/');
    if parts.next() != Some(NAMESPACE) {
        return None;
    }
    let group = parts.next()?;
    let kind = Kind::parse(parts.next()?)?;
    let edge = parts.next()?;
    let device = parts.next();
    let device_kind = matches!(kind, Kind::DBirth | Kind::DDeath | Kind::DData | Kind::DCmd);
    if parts.next().is_some() || device.is_some() != device_kind || group.is_empty() {
        return None;
    }
    Some(Topic {
        group,
        kind,
        edge,
        device,
    })
}

/// The view: a payload read from the schema, without what the births know (the detail adds
/// that through `Births::annotate`).
pub struct Sparkplug;

impl Decoder for Sparkplug {
    fn id(&self) -> &'static str {
        "sparkplug"
    }

    fn whole(&self) -> bool {
        true
    }

    fn decode(&self, bytes: &[u8]) -> Result<Decoded, DecodeError> {
        Ok(parse(bytes)?.to_decoded(None, None, &[]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_parse_only_in_the_namespace() {
        let t = topic("spBv1.0/plant/DDATA/edge-1/pump").unwrap();
        assert_eq!(
            (t.group, t.kind, t.edge, t.device),
            ("plant", Kind::DData, "edge-1", Some("pump"))
        );
        assert_eq!(t.rebirth_topic(), "spBv1.0/plant/NCMD/edge-1");
        assert!(topic("spBv1.0/plant/NDATA/edge-1").is_some());
        assert!(topic("spBv1.0/plant/NDATA/edge-1/extra").is_none());
        assert!(topic("spBv1.0/plant/DDATA/edge-1").is_none());
        assert!(topic("spBv1.0/STATE/host").is_none());
        assert!(topic("spAv1.0/plant/NDATA/edge-1").is_none());
        assert!(topic("plant/NDATA/edge-1").is_none());
    }
}
