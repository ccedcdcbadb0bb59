//! Where each pane goes, as a pure function of the terminal size (drawing and mouse hit-testing
//! both use it).

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the app shows a one-line "terminal too small".
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

#[derive(Debug, Clone, Copy, Default)]
pub struct Areas {
    pub too_small: bool,
    pub tree: Rect,
    pub log: Rect,
    pub detail: Rect,
    pub compose: Rect,
    pub compose_label: Rect,
    pub compose_topic: Rect,
    pub compose_qos: Rect,
    pub compose_retain: Rect,
    pub compose_payload: Rect,
    pub compose_status: Rect,
    pub status: Rect,
}

/// Width of " QoS ‹0› 1 2  Retain ☐".
const QOS_W: u16 = 15;
const RETAIN_W: u16 = 10;

pub fn areas(size: Rect) -> Areas {
    if size.width < MIN_WIDTH || size.height < MIN_HEIGHT {
        return Areas {
            too_small: true,
            ..Areas::default()
        };
    }
    let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(size);
    // The right side holds the log, whose topics need the room; the tree's names are short.
    let tree_w = if size.width >= 70 {
        size.width * 36 / 100
    } else {
        size.width / 2
    };
    let [tree, right] =
        Layout::horizontal([Constraint::Length(tree_w), Constraint::Min(1)]).areas(body);
    // Narrow: QoS and retain get a line of their own, so the topic field keeps its width (at
    // 80 columns it was 6 columns wide beside them).
    let narrow = right.width.saturating_sub(2) < 60;
    let compose_h: u16 = match body.height {
        30.. => 8,
        18..=29 => 6 + u16::from(narrow),
        _ => 4,
    };
    let rest = body.height.saturating_sub(compose_h);
    let (log_h, detail_h) = if rest >= 10 {
        // Below 30 rows the log and the detail share evenly (the log had 4 rows at 80×24).
        let log_h = if body.height < 30 {
            rest / 2
        } else {
            (rest * 2 / 5).max(4)
        };
        (log_h, rest - log_h)
    } else {
        (rest, 0)
    };
    let [log, detail, compose] = Layout::vertical([
        Constraint::Length(log_h),
        Constraint::Length(detail_h),
        Constraint::Length(compose_h),
    ])
    .areas(right);
    let inner = Rect::new(
        compose.x + 1,
        compose.y + 1,
        compose.width.saturating_sub(2),
        compose.height.saturating_sub(2),
    );
    let [first, below] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let (label, topic_field, qos, retain, below) = if narrow && below.height >= 2 {
        let [label, topic_field] =
            Layout::horizontal([Constraint::Length(6), Constraint::Min(4)]).areas(first);
        let [second, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(below);
        let [qos, retain, _] = Layout::horizontal([
            Constraint::Length(QOS_W),
            Constraint::Length(RETAIN_W),
            Constraint::Min(0),
        ])
        .areas(second);
        (label, topic_field, qos, retain, rest)
    } else {
        let [label, topic_field, qos, retain] = Layout::horizontal([
            Constraint::Length(6),
            Constraint::Min(4),
            Constraint::Length(QOS_W),
            Constraint::Length(RETAIN_W),
        ])
        .areas(first);
        (label, topic_field, qos, retain, below)
    };
    let (payload, compose_status) = if below.height >= 2 {
        let [p, s] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(below);
        (p, s)
    } else {
        (below, Rect::default())
    };
    Areas {
        too_small: false,
        tree,
        log,
        detail,
        compose,
        compose_label: label,
        compose_topic: topic_field,
        compose_qos: qos,
        compose_retain: retain,
        compose_payload: payload,
        compose_status,
        status,
    }
}
