//! Alerts in the explorer, through the real binary in tmux at 120×40 and 80×24 against
//! mosquitto: a rule from the profile file fires (the bar's count, the notice, the row's `!`),
//! `A` lists the rule and the firing with what its bell did, a new rule is written in the
//! editor, tried on the kept history, saved into the file (0600, the file's other rule and
//! comment kept) and fires at once.

mod common;

use common::mosquitto::Mosquitto;
use common::tmux::{Tmux, flat, have_tmux};
use common::{have_mosquitto, write};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

#[test]
fn alerts_fire_list_and_a_rule_is_written_tried_and_saved_at_both_sizes() {
    if !have_mosquitto("tmux_alerts") || !have_tmux("tmux_alerts") {
        return;
    }
    let m = Mosquitto::start();
    for size in SIZES {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path();
        let config = write(
            dir,
            "config.toml",
            "# the furnace\n[[alerts]]\nname = \"hot\"\nfilter = \"s/+/t\"\nabove = 30\nbell = true\n",
        );
        let args = format!("-b {} --config {} -t s/#", m.url(), config.display());
        let t = Tmux::start_sized(dir, &args, "", size);
        t.wait_for("● connected");
        m.publish("s/1/t", "20");
        t.wait_for("= 20");
        m.publish("s/1/t", "31");
        // The bar's count where there is room; on 80 columns it gives way to the counts, the
        // memory (the alerts' share named) and the help hint, and the notice tells.
        if size.0 >= 120 {
            t.wait_for("! 1 new alert · 1 holding");
        } else {
            t.wait_until("the bar's own segments", |l| {
                l.starts_with("● connected") && l.contains("2 msgs") && l.contains("(alerts ")
            });
        }
        let words = flat(&t.wait_for_words("alert hot: s/1/t 31 > 30"));
        assert!(words.contains("A lists them"), "{size:?}: {words}");
        t.wait_until("the row's mark", |l| l.contains("! t") && l.contains("31"));
        t.keys(&["A"]);
        t.wait_for("Alerts · 1 rule");
        t.wait_for("hot: s/+/t > 30 · bell");
        t.wait_until("the firing", |l| {
            l.contains("hot s/1/t 31 > 30 · bell: rung")
        });
        // A new rule in the editor: keys the list does not own are typed into its fields.
        t.keys(&["a"]);
        t.wait_for("New alert");
        t.text("cold");
        t.keys(&["Enter", "C-u"]);
        t.text("s/+/t");
        t.keys(&["Enter", "Enter", "C-u"]);
        t.text("< 25");
        t.wait_for("valid: cold: s/+/t < 25");
        t.keys(&["C-t"]);
        t.wait_for_words("tried on 2 messages kept: it would have fired 1 time");
        t.keys(&["C-s"]);
        t.wait_for_words("alert rule 'cold' saved to");
        t.wait_for("Alerts · 2 rules");
        let text = std::fs::read_to_string(&config).unwrap();
        assert!(
            text.starts_with("# the furnace\n[[alerts]]\nname = \"hot\""),
            "{text}"
        );
        assert!(
            text.contains("name = \"cold\"") && text.contains("below = 25"),
            "{text}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{size:?}");
        }
        // The saved rule runs at once.
        m.publish("s/1/t", "5");
        t.wait_until("the new rule's firing", |l| l.contains("cold s/1/t 5 < 25"));
        t.keys(&["Escape"]);
        t.wait_gone("Alerts · 2 rules");
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    }
}
