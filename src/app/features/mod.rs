//! One file per feature, each owning its state: the retained clean-up, requests and their
//! responses, repeat, publish history and snippets, subscriptions, profiles, Sparkplug,
//! external decoders, whole reads of big payloads, the chart, copy-as-command (`pub_command`), export.

pub mod alert_rules;
pub mod alerts;
pub mod all_tree;
pub mod chart;
pub mod cleanup;
pub mod compare;
pub mod connections;
pub mod export;
pub mod external;
pub mod floods;
pub mod history;
pub mod latency;
pub mod mock;
pub mod opened;
pub mod playback;
pub mod profiles;
pub mod pub_command;
pub mod record;
pub mod repeat;
pub mod replay;
pub mod requests;
pub mod schemas;
pub mod sparkplug;
pub mod subscriptions;
pub mod sys_panel;
pub mod whole_read;
