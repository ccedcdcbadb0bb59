//! `L` under `--open FILE`: a strip above the status bar that says where the recording's time
//! stands (playing or paused, the moment, how far from the first message, the speed), so the
//! panes above stay in view while it plays.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::App;
use crate::text::fit;
use crate::ui::theme::theme;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let Some(o) = &app.opened else {
        return;
    };
    let h = &o.time;
    if area.height < 4 {
        return;
    }
    let strip = Rect::new(area.x, area.y + area.height - 4, area.width, 3);
    f.render_widget(Clear, strip);
    let title = " Recording's time · Space play/pause · ← → a message · PgUp PgDn 10 s · Home End · + - speed · Esc ";
    let block = Block::bordered()
        .title(fit(title, strip.width.saturating_sub(2) as usize).into_owned())
        .border_style(theme().accent);
    let inner = block.inner(strip);
    f.render_widget(block, strip);
    let speed = if h.speed > 0.0 { h.speed } else { 1.0 };
    let state = match (&h.playing, h.gate) {
        (Some(_), _) => format!("▶ playing {speed}×"),
        (None, None) => "■ the end: every message".to_string(),
        (None, Some(_)) => format!("⏸ paused ({speed}× on Space)"),
    };
    let moment = h
        .gate
        .or(h.at)
        .map(crate::text::time_of)
        .unwrap_or_else(|| "no message yet".into());
    let mut words = format!("{state} · {moment}");
    if let Some(off) = h.offset_words() {
        words.push_str(&format!(" · {off}"));
    }
    words.push_str(&format!(
        " · {} shown",
        crate::text::count(app.link.store.tree.msg_count(), "message", "messages")
    ));
    let line = Line::styled(fit(&words, inner.width as usize).into_owned(), theme().bold);
    f.render_widget(Paragraph::new(line), inner);
}
