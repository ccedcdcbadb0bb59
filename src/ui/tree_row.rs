//! One row of the topic tree: the name, the last payload, and the right-hand columns (message
//! count, rate, QoS and retained). The columns have fixed widths for a frame, taken from the
//! tree's totals (the widest any row can need), not from the rows on screen: they stay put while
//! counts grow, rows scroll and rates come and go.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::App;
use crate::store::tree::{Node, Retained, TopicTree};
use crate::store::{Entry, NodeId};
use crate::text::{clean, fit, short_count, width};
use crate::ui::theme::theme;

/// "9999/s", "999k/s", "1.2M/s".
const RATE_WIDTH: usize = 6;
/// Payload columns the widest name keeps before the rate column is given up (below
/// `RATE_FROM` columns).
const MIN_PREVIEW: usize = 12;
/// From this terminal width the rate is a fixed column, whatever the preview keeps (it once
/// needed about 160 columns to show at all); below it, the column comes while messages flow.
const RATE_FROM: u16 = 100;
/// How long a row's rate column stays after its last message, below `RATE_FROM` columns.
const RATE_LINGER_MS: u32 = 5_000;
/// "q1 R".
const QOS_WIDTH: usize = 4;

/// The right-hand columns' widths for one frame.
pub struct Columns {
    msgs: usize,
    /// From `RATE_FROM` columns always there; below, 0 unless a row on screen received
    /// something in the last five seconds or is stale: kept while messages flow (so rows do not
    /// shift every second as rates appear and vanish) and given back to the payload after.
    rate: usize,
    qos: usize,
    /// The store's clock (ms) for the rows' rates.
    now_ms: u32,
}

impl Columns {
    /// For rows `visible`, `w` columns wide. From `RATE_FROM` terminal columns the rate stays
    /// while messages flow; below, names come first, then payloads: the rate goes when the
    /// widest name would keep fewer than MIN_PREVIEW columns of payload. Then the message counts
    /// and the QoS go when a name would be cut.
    pub fn new(app: &App, visible: &[NodeId], w: usize) -> Columns {
        let tree = &app.link.store.tree;
        let now_ms = app.link.store.rate.current_millis(app.now);
        // From RATE_FROM columns the rate is a fixed column; below, it is there while messages
        // flow on the rows shown.
        let flowing = app.size.width >= RATE_FROM
            || visible.iter().any(|id| {
                let n = tree.node(*id);
                n.rates.recent(now_ms, RATE_LINGER_MS)
                    || n.rhythm.silence(now_ms).is_some_and(|s| s.stale)
            });
        let mut cols = Columns {
            msgs: widest_msgs(tree.msg_count()),
            rate: if flowing { RATE_WIDTH } else { 0 },
            qos: if tree.topic_count() > 0 { QOS_WIDTH } else { 0 },
            now_ms,
        };
        let names = visible
            .iter()
            .map(|id| width(&head(tree, &tree.node(*id), false, Flag::None)))
            .max()
            .unwrap_or(0);
        // Below RATE_FROM the rate (or a stale topic's "silent") needs room beside a payload
        // preview too: it goes first.
        if app.size.width < RATE_FROM && names + cols.width() + 3 + MIN_PREVIEW > w {
            cols.rate = 0;
        }
        let drops: [fn(&mut Columns); 2] = [|c| c.msgs = 0, |c| c.qos = 0];
        for drop in drops {
            if names + cols.width() <= w {
                break;
            }
            drop(&mut cols);
        }
        cols
    }

    /// The columns' width, a space before each.
    fn width(&self) -> usize {
        [self.msgs, self.rate, self.qos]
            .iter()
            .filter(|w| **w > 0)
            .map(|w| w + 1)
            .sum()
    }
}

/// What a row's marker says besides open or closed: an alert rule holds on the topic (`!`),
/// or its newest message broke its schema (`✗`); both show without colour too.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flag {
    None,
    Alert,
    Invalid,
}

/// Indent, marker and name.
fn head(tree: &TopicTree, node: &Node, open: bool, flag: Flag) -> String {
    let mark = match flag {
        Flag::None => " ",
        Flag::Alert => "!",
        Flag::Invalid => "✗",
    };
    let marker = match (node.children.is_empty(), open) {
        (true, _) if flag == Flag::None => "  ".to_string(),
        (true, _) => format!("{mark} "),
        (false, true) => format!("▾{mark}"),
        (false, false) => format!("▸{mark}"),
    };
    let indent = "  ".repeat(node.depth.saturating_sub(1) as usize);
    match tree.name_of(node) {
        "" => format!("{indent}{marker}(empty)"),
        name => format!("{indent}{marker}{}", clean(name)),
    }
}

/// The widest message count label of any row when the whole tree holds `total`: within each of
/// short_count's ranges (…9999, …999.9k, 1.0M…) wider means larger, so the widest is the
/// largest of each range up to `total`.
fn widest_msgs(total: u64) -> usize {
    [total, total.min(999_999), total.min(9_999)]
        .into_iter()
        .map(|n| width(&msgs_label(n.max(2))))
        .max()
        .unwrap_or(0)
}

fn msgs_label(n: u64) -> String {
    format!("{} {}", short_count(n), if n == 1 { "msg" } else { "msgs" })
}

fn topics_label(n: u32) -> String {
    format!(
        "{} {}",
        short_count(u64::from(n)),
        if n == 1 { "topic" } else { "topics" }
    )
}

/// A rate in at most six columns.
/// A decayed rate as the column shows it: "0.2/s" below ten, then whole, then k and M; blank
/// once it has decayed below 0.05 (a topic silent for about 15 s past one message).
fn rate_label(r: f32) -> String {
    match r {
        r if r.is_nan() || r < 0.05 => String::new(),
        r if r < 9.95 => format!("{r:.1}/s"),
        r if r < 9_999.5 => format!("{:.0}/s", r),
        r if r < 999_500.0 => format!("{:.0}k/s", r / 1000.0),
        r => format!("{:.1}M/s", r / 1_000_000.0),
    }
}

/// Values in a tree row's sparkline.
const SPARK: usize = 8;

/// The last `SPARK` kept values of a topic whose payloads are numbers, as ▁▂▃▄▅▆▇█ scaled
/// between their min and max; None unless there are two or more, all numbers. Reads only the
/// payloads it shows (eight short parses a row), so it costs the screen, not the history.
fn sparkline(app: &App, id: NodeId) -> Option<String> {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let values: Vec<f64> = app
        .link
        .store
        .history_back(id)
        .take(SPARK)
        .map(|e| crate::decode::number::value(app.link.store.payload(e)))
        .collect::<Option<Vec<f64>>>()?;
    if values.len() < 2 {
        return None;
    }
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    let span = (hi - lo).max(f64::EPSILON);
    Some(
        values
            .iter()
            .rev()
            .map(|v| BARS[(((v - lo) / span) * 7.0).round().clamp(0.0, 7.0) as usize])
            .collect(),
    )
}

/// Right-aligns `s` in `w` columns (cut when wider).
fn right(s: &str, w: usize) -> String {
    let s = fit(s, w);
    format!("{}{s}", " ".repeat(w.saturating_sub(width(&s))))
}

/// The row of node `id`, `w` columns wide. `open`: its children are shown below it.
pub fn line<'a>(app: &'a App, cols: &Columns, id: NodeId, open: bool, w: usize) -> Line<'a> {
    let node = app.link.store.tree.node(id);
    let last = app.link.store.last(id);
    let (mut counts, tail) = right_columns(&node, last, open, cols);
    let flag = if app.alerts.holds(app.link.id, id) {
        Flag::Alert
    } else if app.schemas.invalid(app.link.id, id) {
        Flag::Invalid
    } else {
        Flag::None
    };
    let head = head(&app.link.store.tree, &node, open, flag);
    // The topic count of a closed branch goes just left of the fixed columns: its right edge
    // lines up, and rows without it (leaves, open branches) do not pay for its width. It goes
    // when it would cut the name.
    if width(&head) + width(&counts) + width(&tail) > w {
        counts.clear();
    }
    let right_w = width(&counts) + width(&tail);
    let avail = w.saturating_sub(right_w);
    let head_fit = fit(&head, avail).into_owned();
    let mut used = width(&head_fit);
    let name_style = if flag != Flag::None {
        theme().error.add_modifier(Modifier::BOLD)
    } else if app.link.store.tree.name_of(&node).is_empty() {
        theme().dim.add_modifier(Modifier::ITALIC)
    } else if node.children.is_empty() {
        Style::default()
    } else {
        theme().bold
    };
    let mut spans = vec![Span::styled(head_fit, name_style)];
    if let Some(e) = last
        && avail > used + 4
    {
        let room = avail - used - 3;
        let preview = if node.retained == Retained::Cleared && e.payload_len() == 0 {
            fit("(cleared)", room).into_owned()
        } else {
            app.row_preview(e, room)
        };
        used += 3 + width(&preview);
        spans.push(Span::styled(" = ", theme().dim));
        spans.push(Span::styled(preview, theme().ok));
        // A numeric topic's recent values, where there is room for them.
        if avail >= used + 1 + SPARK
            && let Some(spark) = sparkline(app, id)
        {
            used += 1 + width(&spark);
            spans.push(Span::raw(" "));
            spans.push(Span::styled(spark, theme().number));
        }
    }
    spans.push(Span::raw(" ".repeat(w.saturating_sub(used + right_w))));
    let both = format!("{counts}{tail}");
    spans.push(Span::styled(fit(&both, w).into_owned(), theme().dim));
    Line::from(spans)
}

/// The topic count of a closed branch (or nothing), and the fixed columns, each after a space:
/// messages, rate, QoS and R (retained on the broker as far as we saw, not "this one arrived
/// retained").
fn right_columns(
    node: &Node,
    last: Option<&Entry>,
    open: bool,
    cols: &Columns,
) -> (String, String) {
    let counts = if !node.children.is_empty() && !open {
        format!(" {}", topics_label(node.topic_count))
    } else {
        String::new()
    };
    let mut tail = String::new();
    if cols.msgs > 0 {
        tail.push(' ');
        tail.push_str(&right(&msgs_label(node.msg_count), cols.msgs));
    }
    if cols.rate > 0 {
        // A topic silent for several of its usual intervals says so where its rate was.
        let stale = node.rhythm.silence(cols.now_ms).is_some_and(|s| s.stale);
        let shown = match stale {
            true => "silent".to_string(),
            false => rate_label(node.rates.msgs(cols.now_ms)),
        };
        tail.push(' ');
        tail.push_str(&right(&shown, cols.rate));
    }
    if cols.qos > 0 {
        let q = match last {
            Some(e) => {
                let held = node.retained == Retained::Held;
                format!("q{}{}", e.qos().as_u8(), if held { " R" } else { "  " })
            }
            None => String::new(),
        };
        tail.push(' ');
        tail.push_str(&right(&q, cols.qos));
    }
    (counts, tail)
}
