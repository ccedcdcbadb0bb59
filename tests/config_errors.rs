//! Profiles: the example loads, and each broken file gets its own one-line error naming the file,
//! the line and the key, with exit code 2 (and no connection attempt).

mod common;

use std::time::Duration;

use common::{mqscope, run, stderr};
use mqscope::config::ConfigFile;

#[test]
fn example_config_loads_with_every_profile() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = ConfigFile::parse(&path, &text).expect("config.example.toml is valid");
    assert_eq!(file.default_profile.as_deref(), Some("local"));
    let names: Vec<&str> = file.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["local", "production", "websocket"]);
    let prod = file.profile("production").unwrap();
    assert!(prod.tls.ca_file.is_some() && prod.will.is_some());
    assert_eq!(file.profile("local").unwrap().subscriptions.len(), 2);
    assert_eq!(file.limits.memory_budget, 256 * 1024 * 1024);
    assert_eq!(file.limits.per_topic, 100);
    assert_eq!(file.decoders.len(), 1, "the global [[decoders]] rule");
    assert_eq!(file.profile("local").unwrap().decoders.len(), 1);
}

#[test]
fn decoder_rules_pick_the_view_for_their_topics() {
    let path = std::path::Path::new("/tmp/mqscope-test.toml");
    let text = "[[decoders]]\nfilter = \"meter/#\"\nview = \"msgpack\"\n\n[profiles.a]\nbroker = \"mqtt://x\"\n[[profiles.a.decoders]]\ncontent_type = \"text/*\"\nview = \"hex\"\n";
    let file = ConfigFile::parse(path, text).expect("valid");
    let mut app = mqscope::app::App::new(
        file.profiles.clone(),
        Default::default(),
        std::time::Instant::now(),
    );
    app.global_rules = file.decoders.clone();
    app.use_decoders_of("a");
    let c = app.decoders.choose("meter/1", &[0x80], None);
    assert_eq!(c.candidates[0].id(), "msgpack");
    assert_eq!(c.why.to_string(), "rule meter/#");
    let props = mqscope::mqtt::Properties {
        content_type: Some("text/plain".into()),
        ..Default::default()
    };
    let c = app.decoders.choose("meter/1", b"x", Some(&props));
    assert_eq!(
        c.candidates[0].id(),
        "hex",
        "the profile's rule comes first"
    );
}

/// (name, file contents, profile to select or "", expected line, words the error must contain)
const CASES: &[(&str, &str, &str, usize, &[&str])] = &[
    (
        "syntax",
        "[profiles.a]\nbroker = \"mqtt://x\n",
        "",
        2,
        &["string"],
    ),
    (
        "unknown_top_key",
        "defualt_profile = \"a\"\n",
        "",
        1,
        &["unknown key", "defualt_profile"],
    ),
    (
        "unknown_profile_key",
        "[profiles.a]\nbroker = \"mqtt://x\"\nbrokr = \"y\"\n",
        "",
        3,
        &["unknown key", "brokr", "broker"],
    ),
    (
        "missing_broker",
        "[profiles.a]\nprotocol = 5\n",
        "",
        1,
        &["missing key", "broker"],
    ),
    (
        "broker_type",
        "[profiles.a]\nbroker = 1883\n",
        "",
        2,
        &["string"],
    ),
    (
        "bad_scheme",
        "[profiles.a]\nbroker = \"http://x\"\n",
        "",
        2,
        &["profiles.a.broker", "scheme 'http'"],
    ),
    (
        "bad_port",
        "[profiles.a]\nbroker = \"mqtt://x:99999\"\n",
        "",
        2,
        &["profiles.a.broker", "port"],
    ),
    (
        "no_scheme",
        "[profiles.a]\nbroker = \"localhost:1883\"\n",
        "",
        2,
        &["missing scheme"],
    ),
    (
        "protocol",
        "[profiles.a]\nbroker = \"mqtt://x\"\nprotocol = 6\n",
        "",
        3,
        &["profiles.a.protocol", "3 (3.1.1) or 5"],
    ),
    (
        "keep_alive_negative",
        "[profiles.a]\nbroker = \"mqtt://x\"\nkeep_alive_s = -1\n",
        "",
        3,
        &["keep_alive_s", "0 to 65535"],
    ),
    (
        "keep_alive_big",
        "[profiles.a]\nbroker = \"mqtt://x\"\nkeep_alive_s = 70000\n",
        "",
        3,
        &["keep_alive_s"],
    ),
    (
        "max_packet",
        "[profiles.a]\nbroker = \"mqtt://x\"\nmax_packet_size = 10\n",
        "",
        3,
        &["max_packet_size", "1024"],
    ),
    (
        "inflight_zero",
        "[profiles.a]\nbroker = \"mqtt://x\"\ninflight = 0\n",
        "",
        3,
        &["inflight", "1 to 65535"],
    ),
    (
        "default_unknown",
        "default_profile = \"nope\"\n[profiles.a]\nbroker = \"mqtt://x\"\n",
        "",
        1,
        &["default_profile", "nope", "defined: a"],
    ),
    (
        "tls_on_plain",
        "[profiles.a]\nbroker = \"mqtt://x\"\n[profiles.a.tls]\ninsecure = true\n",
        "",
        2,
        &["not a TLS URL"],
    ),
    (
        "tls_missing_file",
        "[profiles.a]\nbroker = \"mqtts://x\"\n[profiles.a.tls]\nca_file = \"nowhere.pem\"\n",
        "a",
        4,
        &["profiles.a.tls.ca_file", "file not found"],
    ),
    (
        "tls_not_pem",
        "[profiles.a]\nbroker = \"mqtts://x\"\n[profiles.a.tls]\nca_file = \"junk.pem\"\n",
        "a",
        4,
        &["ca_file", "no PEM certificate"],
    ),
    (
        "cert_without_key",
        "[profiles.a]\nbroker = \"mqtts://x\"\n[profiles.a.tls]\ncert_file = \"junk.pem\"\n",
        "",
        4,
        &["cert_file and key_file go together"],
    ),
    (
        "password_no_user",
        "[profiles.a]\nbroker = \"mqtt://x\"\npassword_env = \"PW\"\n",
        "",
        3,
        &["needs a username"],
    ),
    (
        "two_passwords",
        "[profiles.a]\nbroker = \"mqtt://x\"\nusername = \"u\"\npassword = \"p\"\npassword_env = \"PW\"\n",
        "",
        5,
        &["only one of"],
    ),
    (
        "password_command_empty",
        "[profiles.a]\nbroker = \"mqtt://x\"\nusername = \"u\"\npassword_command = []\n",
        "",
        4,
        &["password_command", "program"],
    ),
    (
        "bad_filter",
        "[profiles.a]\nbroker = \"mqtt://x\"\nsubscriptions = [{ filter = \"a/#/b\" }]\n",
        "",
        3,
        &["subscriptions.filter", "'#' must be the last level"],
    ),
    (
        "bad_sub_qos",
        "[profiles.a]\nbroker = \"mqtt://x\"\nsubscriptions = [{ filter = \"a\", qos = 3 }]\n",
        "",
        3,
        &["subscriptions.qos", "0 to 2"],
    ),
    (
        "sub_unknown_key",
        "[profiles.a]\nbroker = \"mqtt://x\"\nsubscriptions = [{ filter = \"a\", qso = 1 }]\n",
        "",
        3,
        &["unknown key", "qso"],
    ),
    (
        "will_wildcard",
        "[profiles.a]\nbroker = \"mqtt://x\"\n[profiles.a.will]\ntopic = \"a/+\"\n",
        "",
        4,
        &["will.topic", "wildcard"],
    ),
    (
        "will_qos",
        "[profiles.a]\nbroker = \"mqtt://x\"\n[profiles.a.will]\ntopic = \"a\"\nqos = 5\n",
        "",
        5,
        &["will.qos"],
    ),
    (
        "tls_unknown_key",
        "[profiles.a]\nbroker = \"mqtts://x\"\n[profiles.a.tls]\nverify = false\n",
        "",
        4,
        &["unknown key", "verify"],
    ),
    (
        "empty_client_id_persistent",
        "[profiles.a]\nbroker = \"mqtt://x\"\nclient_id = \"\"\nclean_session = false\n",
        "",
        3,
        &["client_id", "clean_session = false"],
    ),
    (
        "clean_session_type",
        "[profiles.a]\nbroker = \"mqtt://x\"\nclean_session = \"yes\"\n",
        "",
        3,
        &["boolean"],
    ),
    ("profiles_type", "profiles = 5\n", "", 1, &["table"]),
    (
        "decoder_unknown_view",
        "[[decoders]]\nfilter = \"a/#\"\nview = \"protobuff\"\n",
        "",
        3,
        &["decoders.view", "protobuff", "allowed: json"],
    ),
    (
        "decoder_bad_filter",
        "[[decoders]]\nfilter = \"a/#/b\"\nview = \"json\"\n",
        "",
        2,
        &["decoders.filter"],
    ),
    (
        "decoder_no_match",
        "[[decoders]]\nview = \"json\"\n",
        "",
        1,
        &["decoders", "filter ="],
    ),
    (
        "profile_decoder_unknown_key",
        "[profiles.a]\nbroker = \"mqtt://x\"\n[[profiles.a.decoders]]\nfilter = \"a\"\nveiw = \"json\"\n",
        "",
        5,
        &["unknown key", "veiw"],
    ),
    (
        "decoder_proto_syntax",
        "[[decoders]]\nfilter = \"f/#\"\nview = \"protobuf\"\nproto_file = \"bad.proto\"\nmessage = \"T\"\n",
        "",
        4,
        &["decoders.proto_file", "bad.proto:4:1:", "expected ';'"],
    ),
    (
        "decoder_proto_no_message",
        "[[decoders]]\nfilter = \"f/#\"\nproto_file = \"ok.proto\"\nmessage = \"f.Nope\"\n",
        "",
        3,
        &["no message 'f.Nope'", "it has: f.T"],
    ),
    (
        "decoder_proto_missing_file",
        "[[decoders]]\nfilter = \"f/#\"\nproto_file = \"gone.proto\"\nmessage = \"T\"\n",
        "",
        3,
        &["gone.proto"],
    ),
    (
        "decoder_proto_without_message",
        "[[decoders]]\nfilter = \"f/#\"\nproto_file = \"ok.proto\"\n",
        "",
        3,
        &["proto_file needs message"],
    ),
    (
        "decoder_command_empty",
        "[[decoders]]\nfilter = \"f/#\"\ncommand = []\n",
        "",
        3,
        &["decoders.command", "the program and its arguments"],
    ),
    (
        "decoder_command_timeout",
        "[[decoders]]\nfilter = \"f/#\"\ncommand = [\"cat\"]\ntimeout_s = 600\n",
        "",
        4,
        &["decoders.timeout_s", "0.05 to 60"],
    ),
    (
        "decoder_timeout_without_command",
        "[[decoders]]\nfilter = \"f/#\"\nview = \"json\"\ntimeout_s = 1\n",
        "",
        4,
        &["only a rule with command"],
    ),
    (
        "mqtt5_receive_maximum",
        "[profiles.a]\nbroker = \"mqtt://x\"\n[profiles.a.mqtt5]\nreceive_maximum = 0\n",
        "",
        4,
        &["profiles.a.mqtt5.receive_maximum", "1 to 65535"],
    ),
    (
        "mqtt5_unknown_key",
        "[profiles.a]\nbroker = \"mqtt://x\"\n[profiles.a.mqtt5]\nsession_expiry = 5\n",
        "",
        4,
        &["unknown", "session_expiry"],
    ),
    (
        "subscription_bad_retain_handling",
        "[profiles.a]\nbroker = \"mqtt://x\"\nsubscriptions = [{ filter = \"a\", retain_handling = 3 }]\n",
        "",
        3,
        &["subscriptions.retain_handling", "0 to 2"],
    ),
    (
        "unknown_profile_selected",
        "[profiles.a]\nbroker = \"mqtt://x\"\n",
        "b",
        0,
        &["--profile b", "no such profile", "defined: a"],
    ),
];

#[test]
fn broken_files_each_get_their_own_error_and_exit_2() {
    assert!(CASES.len() >= 20);
    let home = tempfile::tempdir().unwrap();
    common::write(home.path(), "junk.pem", "not a certificate\n");
    common::write(
        home.path(),
        "bad.proto",
        "syntax = \"proto3\";\nmessage T {\n  double temp = 1\n}\n",
    );
    common::write(
        home.path(),
        "ok.proto",
        "syntax = \"proto3\";\npackage f;\nmessage T { double temp = 1; }\n",
    );
    for (name, text, profile, line, words) in CASES {
        let path = common::write(home.path(), &format!("{name}.toml"), text);
        let mut cmd = mqscope(home.path());
        // Port 1 is closed: any connection attempt would show up as "connection refused".
        cmd.arg("pub").arg("--config").arg(&path).args([
            "-b",
            "mqtt://127.0.0.1:1",
            "-t",
            "t",
            "-m",
            "m",
        ]);
        if !profile.is_empty() {
            cmd.args(["-P", profile]);
        }
        let out = run(cmd, Duration::from_secs(10));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: one line: {err}");
        if *line > 0 {
            let at = format!("{name}.toml:{line}:");
            assert!(err.contains(&at), "{name}: expected '{at}' in: {err}");
        } else {
            assert!(
                err.contains(&format!("{name}.toml")),
                "{name}: names the file: {err}"
            );
        }
        for w in *words {
            assert!(err.contains(w), "{name}: expected '{w}' in: {err}");
        }
    }
}

#[test]
fn missing_explicit_config_file_is_an_error_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "--config",
        "/nonexistent/mqscope.toml",
        "-t",
        "t",
        "-m",
        "m",
    ]);
    let out = run(cmd, Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/mqscope.toml: cannot read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_command_lines_exit_2() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["pub", "-t", "x"],                                 // no payload
        vec!["pub", "-t", "x", "-m", "y", "-q", "3"],           // bad QoS
        vec!["sub"],                                            // no filter
        vec!["sub", "-t", "a/#/b", "-b", "mqtt://127.0.0.1:1"], // bad filter
        vec!["sub", "-t", "a", "-b", "ftp://x"],                // bad URL
        vec!["sub", "-t", "a", "-b", "mqtt://x", "--insecure"], // TLS flag on plain URL
        vec!["--protocol", "4", "sub", "-t", "a"],              // flag in the wrong place
    ] {
        let mut cmd = mqscope(home.path());
        cmd.args(&args);
        let out = run(cmd, Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}
