//! `B`, the broker's own numbers, through the real binary under tmux at 120×40 and 80×24:
//! against mosquitto publishing `$SYS` every second (version, clients, subscriptions, counters
//! turned into rates, heap), against amqtt's `$SYS` plugin (the seed's broker), and against a
//! mosquitto that publishes none, where the panel says why that may be.

mod common;

use common::have_mosquitto;
use common::mosquitto::Mosquitto;
use common::tmux::{Tmux, flat, have_tmux};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

#[test]
fn the_panel_reads_mosquittos_sys_and_turns_counters_into_rates() {
    let test = "tmux_broker_panel_mosquitto";
    if !have_mosquitto(test) || !have_tmux(test) {
        return;
    }
    let m = Mosquitto::start_with("sys_interval 1\n");
    for size in SIZES {
        let home = tempfile::tempdir().unwrap();
        let t = Tmux::start_sized(home.path(), &format!("-b {} -t 'x/#'", m.url()), "", size);
        t.wait_for("● connected");
        t.keys(&["B"]);
        t.wait_for("Broker ($SYS)");
        let words = flat(&t.wait_for_words("mosquitto version"));
        for shown in ["clients connected", "subscriptions", "heap", "we observe"] {
            assert!(words.contains(shown), "{size:?}: {shown}: {words}");
        }
        // A second sample turns the counters into rates.
        let words = flat(&t.wait_for_words("total, "));
        assert!(words.contains("/s"), "{size:?}: {words}");
        // B subscribed to $SYS/#: the subscriptions manager lists it.
        t.keys(&["Escape"]);
        t.wait_gone("Broker ($SYS)");
        t.keys(&["S"]);
        t.wait_for("$SYS/#");
        t.keys(&["Escape"]);
        t.wait_gone("Subscriptions:");
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    }
}

#[test]
fn the_panel_reads_amqtts_sys() {
    let test = "tmux_broker_panel_amqtt";
    if !have_tmux(test) {
        return;
    }
    let plugin = "  amqtt.plugins.sys.broker.BrokerSysPlugin:\n    sys_interval: 1\n";
    let Some(b) = common::brokers::amqtt_with(test, plugin) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start_sized(
        home.path(),
        &format!("-b {} -t 'x/#'", b.url()),
        "",
        (120, 40),
    );
    t.wait_for("● connected");
    t.keys(&["B"]);
    let words = flat(&t.wait_for_words("$SYS/broker/load/bytes/received"));
    assert!(words.contains("clients connected"), "{words}");
    t.wait_for_words("$SYS/broker/messages/subscriptions/count");
    t.keys(&["x"]);
    t.wait_gone("Broker ($SYS)");
    t.keys(&["q"]);
    t.wait_for("EXIT=0");
}

#[test]
fn without_sys_the_panel_says_why_after_a_few_seconds() {
    let test = "tmux_broker_panel_none";
    if !have_mosquitto(test) || !have_tmux(test) {
        return;
    }
    let m = Mosquitto::start_with("sys_interval 0\n");
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start_sized(home.path(), &format!("-b {}", m.url()), "", (80, 24));
    t.wait_for("● connected");
    t.keys(&["B"]);
    let words = flat(&t.wait_for_words("nothing from $SYS in 5 s"));
    assert!(words.contains("an ACL forbids it"), "{words}");
    t.keys(&["x"]);
    t.wait_gone("Broker ($SYS)");
    t.keys(&["q"]);
    t.wait_for("EXIT=0");
}
