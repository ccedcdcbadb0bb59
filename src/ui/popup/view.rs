//! The view chooser (`v`): a short list beside the detail.

use crate::ui::theme::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::app::popup::ViewPopup;
use crate::text::{clean, fit};

/// What each choice does, in a few words.
fn what(id: &str) -> &'static str {
    match id {
        "auto" => "rules, then the content type, then the best guess",
        "json" => "a tree of keys and values",
        "number" => "one number in text",
        "image" => "PNG, JPEG or GIF: type and size, then the bytes",
        "msgpack" => "MessagePack as a tree",
        "cbor" => "CBOR as a tree",
        "base64" => "decoded, then shown as what it holds",
        "text" => "UTF-8 text as it is",
        "hex" => "a hex dump with ASCII",
        "protobuf" => "the wire format, fields by number (a rule names the schema)",
        "sparkplug" => "Sparkplug B metrics, aliases named from the births",
        id if id.starts_with("protobuf ") => "this message type of the rule's .proto",
        id if id.starts_with("command ") => "the rule's command, its output (JSON as a tree)",
        _ => "",
    }
}

pub fn draw(f: &mut Frame, area: Rect, view: &ViewPopup) {
    let popup = centered(area, 64, (view.choices.len() as u16).saturating_add(2));
    f.render_widget(Clear, popup);
    let title = " View of this topic · Enter picks · Esc closes ";
    let block = Block::bordered()
        .title(fit(title, popup.width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().accent);
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let w = inner.width as usize;
    let lines: Vec<Line> = view
        .choices
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let marker = if i == view.selected { "› " } else { "  " };
            let line =
                Line::raw(fit(&format!("{marker}{:<9} {}", clean(id), what(id)), w).into_owned());
            if i == view.selected {
                line.style(theme().selected)
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
