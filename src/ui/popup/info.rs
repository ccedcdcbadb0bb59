//! The connection popup (`i`): what was asked and what the broker answered in CONNACK.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::App;
use crate::text::{clean, fit};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let mut rows: Vec<(String, String)> = Vec::new();
    match &app.link.conn {
        Some(c) => {
            rows.push(("profile".into(), clean(&c.name).into_owned()));
            rows.push(("broker".into(), clean(&c.url).into_owned()));
            rows.push(("protocol".into(), c.protocol.to_string()));
            rows.push(("state".into(), c.state.to_string()));
        }
        None => rows.push(("state".into(), "not connected".into())),
    }
    if let Some(note) = &app.link.protocol_note {
        rows.push(("protocol note".into(), clean(note).into_owned()));
    }
    match &app.link.connack {
        Some(info) => {
            for (k, v) in info.rows() {
                rows.push((format!("CONNACK {k}"), clean(&v).into_owned()));
            }
        }
        None => rows.push(("CONNACK".into(), "none yet".into())),
    }
    let popup = centered(area, 84, rows.len() as u16 + 2);
    f.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" Connection · any key closes ")
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let w = inner.width as usize;
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(format!("{k:<34}"), theme().dim),
                Span::raw(fit(&v, w.saturating_sub(34)).into_owned()),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
