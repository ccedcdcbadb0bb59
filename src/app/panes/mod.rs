//! The panes (tree, log, detail, compose), each owning its view state and taking the store
//! it shows as a parameter; the filter syntax the tree and the log share; the detail's folds.

pub mod compose;
pub mod detail;
pub mod detail_header;
pub mod filter;
pub mod fold;
pub mod log;
pub mod log_index;
pub mod preview;
pub mod tree;
pub mod tree_order;
