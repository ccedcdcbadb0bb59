//! `c`: the shown topic's numbers over time, from its kept history: a number payload, or one
//! numeric field of a structured one (`c` again moves to the next field, past the last it
//! closes). The series is built once per new message of the topic, each payload decoded once,
//! not once a frame: a chart costs the screen, not the history.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::SystemTime;

use crate::app::App;
use crate::decode::{Payload, decode_first_page, series};
use crate::store::NodeId;

/// Fields offered for one topic.
const MAX_FIELDS: usize = 32;

#[derive(Debug)]
pub struct Series {
    /// The numeric fields of the newest payload ("" for a number payload).
    pub fields: Vec<String>,
    pub field: String,
    /// Seconds since the Unix epoch, and the value.
    pub points: Vec<(f64, f64)>,
    /// Each point's value as written (the title's min, max and last are these, not floats).
    pub written: Vec<String>,
    /// Values a 64-bit float does not hold as written (drawn rounded, or left out when past
    /// its range), and the first of them as written.
    pub rounded: usize,
    pub rounded_example: Option<String>,
    /// Values found in the history, drawn or not.
    pub read: usize,
}

type Key = (NodeId, u64, usize);

#[derive(Debug, Default)]
pub struct ChartView {
    pub open: bool,
    /// Which of the fields is charted.
    pub field: usize,
    cache: RefCell<Option<(Key, Rc<Series>)>>,
}

fn secs(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl App {
    /// The series of the topic the detail shows, or None when its payloads hold no number.
    pub fn chart_series(&self) -> Option<Rc<Series>> {
        let node = self.detail_entry()?.node;
        let last = self.link.store.last(node)?.seq();
        let key = (node, last, self.chart.field);
        if let Some((k, s)) = self.chart.cache.borrow().as_ref()
            && *k == key
        {
            return Some(s.clone());
        }
        let topic = self.link.store.tree.path(node);
        let view = self.views.get(&node).copied();
        let decode = |e: &crate::store::Entry| {
            let msg = Payload {
                seq: e.seq(),
                topic: &topic,
                bytes: self.link.store.payload(e),
                properties: self.link.store.properties(e),
                births: Some(&self.sparkplug),
            };
            decode_first_page(&self.decoders, &msg, view).ok()
        };
        let newest = decode(self.link.store.last(node)?)?;
        let fields = series::numeric_fields(&newest, MAX_FIELDS);
        let field = fields.get(self.chart.field % fields.len().max(1))?.clone();
        let (mut points, mut written, mut rounded, mut rounded_example, mut read) =
            (Vec::new(), Vec::new(), 0, None, 0);
        for e in self.link.store.history(node) {
            let Some(d) = decode(e) else { continue };
            let Some((v, text, fits)) = series::number_at(&d, &field) else {
                continue;
            };
            read += 1;
            if !fits {
                rounded += 1;
                rounded_example.get_or_insert_with(|| text.to_string());
            }
            if v.is_finite() {
                points.push((secs(e.received()), v));
                written.push(text.to_string());
            }
        }
        let s = Rc::new(Series {
            fields,
            field,
            points,
            written,
            rounded,
            rounded_example,
            read,
        });
        *self.chart.cache.borrow_mut() = Some((key, s.clone()));
        Some(s)
    }

    /// `c`: open the chart, then step through the fields, then close.
    pub fn chart_key(&mut self) {
        if !self.chart.open {
            self.chart.open = true;
            self.chart.field = 0;
            return;
        }
        let n = self.chart_series().map_or(0, |s| s.fields.len());
        self.chart.field += 1;
        if self.chart.field >= n {
            self.chart.open = false;
            self.chart.field = 0;
        }
    }
}
