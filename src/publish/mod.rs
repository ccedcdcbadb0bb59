//! One publish (`Publish`: topic, payload bytes, QoS, retain, properties) and what it is made
//! of before it reaches the worker: a payload read from a file, a FIFO, a device or standard
//! input within a size limit (`pub -f`, `pub -s`, compose Ctrl+F), the templates expanded at
//! send time, and MQTT 5 properties typed as text.

mod bounded;
mod draft;
pub mod history_item;
pub mod lines;
pub mod props_input;
pub mod recorded;
pub mod replay_plan;
pub mod template;

pub use crate::mqtt::Publish;
pub use bounded::{MQTT_PAYLOAD_MAX, TooBig, read_capped, read_file_capped};
pub use draft::Draft;
