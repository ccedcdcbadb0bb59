//! An app as the screen tests want it: connected (so compose can send), and its screen as text.

use std::time::Instant;

use mqscope::app::{App, ConnInfo};
use mqscope::mqtt::{ConnState, Protocol};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// An app connected to a broker that is not there: the state, not a connection.
pub fn connected_app(name: &str) -> App {
    let mut app = App::new(Vec::new(), Default::default(), Instant::now());
    let mut info = ConnInfo::new(
        name.into(),
        "mqtt://127.0.0.1:1883".into(),
        Protocol::V5,
        false,
    );
    info.state = ConnState::Connected {
        session_present: false,
    };
    app.set_connection(info);
    app
}

/// The app drawn at `w`×`h`, row by row (wide characters' second cells included as drawn).
pub fn text(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| mqscope::ui::draw(f, app)).unwrap();
    let buf = term.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

/// The app drawn at `w`×`h` (its size set to it), row by row with trailing blanks trimmed and a
/// wide character's placeholder cell skipped: what a terminal shows.
pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    app.size = ratatui::layout::Rect::new(0, 0, w, h);
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| mqscope::ui::draw(f, app)).unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buf.area.width {
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            x += unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
