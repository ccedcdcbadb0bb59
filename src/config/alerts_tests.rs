//! `[[alerts]]` read and refused, each mistake with its line.
use crate::alert::{Condition, ValueOf};
use crate::config::ConfigFile;
use std::path::Path;
use std::time::Duration;

fn parse(text: &str) -> Result<ConfigFile, String> {
    ConfigFile::parse(Path::new("/tmp/c.toml"), text).map_err(|e| e.to_string())
}

#[test]
fn every_condition_and_action_is_read() {
    let file = parse(
        "[[alerts]]\nname = \"hot\"\nfilter = \"s/+/t\"\njson = \"env.temp\"\nabove = 30\n\
         hysteresis = 0.5\ncooldown_s = 60\nbell = true\n\
         publish = { topic = \"alerts/{{topic}}\", payload = \"{{value}}\", qos = 1 }\n\
         command = [\"notify-send\", \"hot\"]\ntimeout_s = 2\nmax_output_kib = 4\n\
         [[alerts]]\nname = \"cold\"\nfilter = \"t\"\nbelow = \"-1.5\"\n\
         [[alerts]]\nname = \"open\"\nfilter = \"door\"\nequals = \"open\"\n\
         [[alerts]]\nname = \"mode\"\nfilter = \"m\"\nchanged = true\n\
         [[alerts]]\nname = \"err\"\nfilter = \"log\"\nmatches = \"^ERR\"\n\
         [[alerts]]\nname = \"beat\"\nfilter = \"dev/+/beat\"\nsilent_s = 1.5\n",
    )
    .unwrap();
    let a = &file.alerts;
    assert_eq!(a.len(), 6);
    assert_eq!(a[0].value, ValueOf::Json("env.temp".into()));
    assert_eq!(a[0].summary(), "hot: s/+/t env.temp > 30");
    assert_eq!(a[0].hysteresis.as_deref(), Some("0.5"));
    assert_eq!(a[0].cooldown, Duration::from_secs(60));
    let p = a[0].publish.as_ref().unwrap();
    assert_eq!(
        (p.topic.as_str(), p.qos, p.retain),
        ("alerts/{{topic}}", 1, false)
    );
    let c = a[0].command.as_ref().unwrap();
    assert_eq!((c.time_limit, c.output_cap), (Duration::from_secs(2), 4096));
    assert_eq!(a[1].summary(), "cold: t < -1.5");
    assert!(matches!(a[3].when, Condition::Changed));
    assert_eq!(a[5].summary(), "beat: dev/+/beat silent 1.5 s");
}

#[test]
fn mistakes_name_their_line_and_what_is_allowed() {
    // (the rule's body after `[[alerts]]`, the line of the error, what it says)
    let cases = [
        ("name = \"a\"\nfilter = \"t\"\n", 1, "give one condition"),
        (
            "name = \"a\"\nfilter = \"t\"\nabove = 1\nbelow = 0\n",
            5,
            "one condition a rule",
        ),
        (
            "name = \"a\"\nfilter = \"t/#/x\"\nchanged = true\n",
            3,
            "alerts.filter",
        ),
        (
            "name = \"a\"\nfilter = \"t\"\nabove = \"hot\"\n",
            4,
            "not a number",
        ),
        (
            "name = \"a\"\nfilter = \"t\"\nmatches = \"(\"\n",
            4,
            "not a regex",
        ),
        (
            "name = \"a\"\nfilter = \"t\"\nsilent_s = 0\n",
            4,
            "from 0.1",
        ),
        (
            "name = \"a\"\nfilter = \"t\"\nchanged = true\nhysteresis = 1\n",
            5,
            "only with above",
        ),
        (
            "name = \"a\"\nfilter = \"t\"\nchanged = true\ntimeout_s = 1\n",
            5,
            "only a rule with command",
        ),
        (
            "name = \"a\"\nfilter = \"t\"\nchanged = true\ncommand = []\n",
            5,
            "the program",
        ),
        (
            "name = \"a\"\nfilter = \"t\"\nchanged = true\npublish = { topic = \"a/+\" }\n",
            5,
            "publish.topic",
        ),
        (
            "name = \"a\"\nfilter = \"t\"\nchanged = true\nsound = true\n",
            5,
            "unknown key",
        ),
        (
            "name = \" \"\nfilter = \"t\"\nchanged = true\n",
            2,
            "needs a name",
        ),
    ];
    for (body, line, says) in cases {
        let err = parse(&format!("[[alerts]]\n{body}")).unwrap_err();
        let at = format!("c.toml:{line}:");
        assert!(err.contains(&at) && err.contains(says), "{body}: {err}");
    }
    let twice = "[[alerts]]\nname = \"a\"\nfilter = \"t\"\nchanged = true\n";
    let err = parse(&format!("{twice}{twice}")).unwrap_err();
    assert!(
        err.contains("c.toml:6:") && err.contains("names another rule"),
        "{err}"
    );
}
