//! Every payload view on screen, at 120×40 and 80×24 (insta snapshots, times redacted): the
//! formats guessed or declared, Protobuf with a schema and raw, Sparkplug B with its births,
//! an external decoder's answer, and a big JSON document folded, with the position shown.

mod common;
use common::door::Door;

use std::sync::Arc;

use crossterm::event::KeyCode;
use mqscope::app::{App, Effect, Output};
use mqscope::decode::sparkplug::{Metric, SpPayload, Value, datatype};
use mqscope::decode::{External, Match, Rule};
use mqscope::mqtt::{Message, MqttEvent, QoS};

use common::screen::screen;
use common::views::{feed, key, msg, showing};

macro_rules! snap {
    ($name:expr, $text:expr) => {
        insta::with_settings!({filters => vec![(r"\d\d:\d\d:\d\d\.\d\d\d", "[time]")]}, {
            insta::assert_snapshot!($name, $text);
        });
    };
}

/// Snapshots at both sizes; `must` is checked at 120×40 (at 80×24 the detail has a few rows).
fn both_sizes(name: &str, app: &mut App, must: &str) {
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(app, w, h);
        if w == 120 {
            assert!(text.contains(must), "{name} {w}x{h}: '{must}' in\n{text}");
        }
        snap!(format!("{name}_{w}x{h}"), text);
    }
}

fn msgpack() -> Vec<u8> {
    let v = rmpv::Value::Map(vec![
        ("watts".into(), 912.into()),
        ("unit".into(), "W".into()),
    ]);
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &v).unwrap();
    out
}

fn cbor() -> Vec<u8> {
    let v = ciborium::value::Value::Map(vec![
        ("level".into(), 64.5.into()),
        ("ok".into(), true.into()),
    ]);
    let mut out = Vec::new();
    ciborium::ser::into_writer(&v, &mut out).unwrap();
    out
}

#[test]
fn the_formats_at_both_sizes() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(320u32.to_be_bytes());
    png.extend(240u32.to_be_bytes());
    let cases: Vec<(&str, Message, &str)> = vec![
        (
            "json",
            msg("s/hum", r#"{"rh":40.5,"tags":["a","b"]}"#, None),
            "\"rh\": 40.5,",
        ),
        ("number", msg("s/temp", "21.5", None), "21.5"),
        (
            "text",
            msg("s/door", "closed for the night", None),
            "closed for the night",
        ),
        (
            "hex",
            msg("s/raw", vec![0u8, 159, 146, 150, 1, 2], None),
            "00 9f 92 96 01 02",
        ),
        (
            "image",
            msg("cam/snap", png, None),
            "PNG image, 320 × 240 pixels",
        ),
        (
            "msgpack",
            msg("m/power", msgpack(), Some("application/msgpack")),
            "\"watts\": 912",
        ),
        (
            "cbor",
            msg("t/level", cbor(), Some("application/cbor")),
            "\"level\": 64.5",
        ),
    ];
    for (name, m, must) in cases {
        let mut app = showing(m, Vec::new());
        both_sizes(&format!("view_{name}"), &mut app, must);
    }
    // base64 is never guessed: picked with v.
    let mut app = showing(msg("b/64", "eyJhIjogMX0=", None), Vec::new());
    key(&mut app, KeyCode::Char('v'));
    let at = match &app.popups[0] {
        mqscope::app::Popup::View(v) => v.choices.iter().position(|c| *c == "base64").unwrap(),
        other => panic!("{other:?}"),
    };
    for _ in 0..at {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    both_sizes("view_base64", &mut app, "base64: picked with v");
}

#[test]
fn protobuf_with_the_rules_schema_and_raw() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.proto"),
        "syntax = \"proto3\";\npackage f;\nenum Mode { OFF = 0; AUTO = 1; }\nmessage Axis { double pos = 1; }\nmessage T { string id = 1; Mode mode = 2; Axis x = 3; repeated uint32 codes = 4; }\n",
    )
    .unwrap();
    let config = format!(
        "[[decoders]]\nfilter = \"factory/+/telemetry\"\nview = \"protobuf\"\nproto_file = \"{}\"\nmessage = \"f.T\"\n",
        dir.path().join("t.proto").display()
    );
    let path = dir.path().join("c.toml");
    let file = mqscope::config::ConfigFile::parse(&path, &config).expect("valid");
    // id = "m1", mode = AUTO, x = { pos = 1.5 }, codes = [3, 4]
    let mut bytes = vec![0x0a, 2, b'm', b'1', 0x10, 1, 0x1a, 9, 0x09];
    bytes.extend(1.5f64.to_le_bytes());
    bytes.extend([0x22, 2, 3, 4]);
    let mut app = showing(
        msg("factory/m1/telemetry", bytes.clone(), None),
        file.decoders,
    );
    both_sizes("view_protobuf_schema", &mut app, "\"mode\": \"AUTO\",");
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("protobuf f.T: rule factory/+/telemetry"),
        "{text}"
    );
    // The same bytes elsewhere, read raw with v → protobuf.
    let mut app = showing(msg("other/m1", bytes, None), Vec::new());
    key(&mut app, KeyCode::Char('v'));
    let at = match &app.popups[0] {
        mqscope::app::Popup::View(v) => v.choices.iter().position(|c| *c == "protobuf").unwrap(),
        other => panic!("{other:?}"),
    };
    for _ in 0..at {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    both_sizes("view_protobuf_raw", &mut app, "\"2\": 1,");
    // A payload of the wrong type under the rule: an error with the bytes, no panic.
    let mut app = showing(
        msg("factory/m2/telemetry", vec![0x0a, 0x05, b'x'], None),
        mqscope::config::ConfigFile::parse(&path, &config)
            .unwrap()
            .decoders,
    );
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("not a f.T"), "{text}");
    assert!(text.contains("0a 05 78"), "{text}");
}

fn sp(seq: u64, metrics: Vec<Metric>) -> Vec<u8> {
    SpPayload {
        timestamp: Some(1_764_000_000_000),
        seq: Some(seq),
        metrics,
        ..SpPayload::default()
    }
    .encode()
    .unwrap()
}

#[test]
fn sparkplug_data_by_alias_reads_by_name() {
    let mut app = common::screen::connected_app("test");
    let birth = sp(
        0,
        vec![
            Metric {
                name: Some("bdSeq".into()),
                datatype: Some(datatype::INT64),
                value: Some(Value::Int(0)),
                ..Metric::default()
            },
            Metric {
                name: Some("Flow".into()),
                alias: Some(1),
                datatype: Some(datatype::FLOAT),
                unit: Some("m³/h".into()),
                value: Some(Value::Float(0.0)),
                ..Metric::default()
            },
        ],
    );
    feed(&mut app, msg("spBv1.0/plant/NBIRTH/edge", birth, None));
    let data = sp(
        1,
        vec![Metric {
            alias: Some(1),
            value: Some(Value::Float(42.5)),
            ..Metric::default()
        }],
    );
    feed(&mut app, msg("spBv1.0/plant/NDATA/edge", data, None));
    // The log's newest message.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::End);
    both_sizes("view_sparkplug", &mut app, "\"Flow\": {");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("\"unit\": \"m³/h\","), "{text}");
    assert!(text.contains("sparkplug: topic spBv1.0/#"), "{text}");
    // R asks before it sends.
    assert!(key(&mut app, KeyCode::Char('R')).is_empty());
    both_sizes("rebirth_confirm", &mut app, "Send a Sparkplug B Rebirth?");
    let effects = key(&mut app, KeyCode::Enter);
    // Built when confirmed: an NCMD at QoS 0 naming the Rebirth metric (payload_views.rs reads
    // what mosquitto delivers of it).
    let [Effect::Publish(d)] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(d.topic, "spBv1.0/plant/NCMD/edge");
    assert_eq!(d.qos, QoS::AtMostOnce);
    assert!(!d.retain);
    let name = b"Node Control/Rebirth";
    assert!(d.payload.windows(name.len()).any(|w| w == name));
}

#[test]
fn an_external_decoders_answer_replaces_running() {
    let e = Arc::new(External::new(vec!["legacy-decode".into(), "--json".into()]));
    let rule = Rule::custom(Match::Topic("legacy/#".into()), e);
    let mut app = common::screen::connected_app("test");
    app.global_rules = vec![rule];
    app.use_decoders_of("test");
    // The message that the detail then shows asks for the run, in the same update.
    let now = app.now;
    let runs = app.mqtt(
        MqttEvent::Message(msg("legacy/unit-7", vec![1u8, 2, 3], None)),
        now,
    );
    assert!(
        matches!(&runs[..], [Effect::Decode { command, .. }] if command.argv[0] == "legacy-decode"),
        "{runs:?}"
    );
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("running command legacy-decode --json…"),
        "{text}"
    );
    assert!(app.tick(now).is_empty(), "asked once");
    let again = app.done(
        Output::Decoded(br#"{"unit": 7, "state": "ok"}"#.to_vec()),
        now,
    );
    assert!(again.is_empty(), "answered: not run again: {again:?}");
    both_sizes("view_command", &mut app, "\"state\": \"ok\"");
}

#[test]
fn a_big_json_document_is_parsed_whole_and_folds() {
    let items: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                r#"{{"id":{i},"name":"sensor-{i}","readings":[{i},{}]}}"#,
                i + 1
            )
        })
        .collect();
    let doc = format!(
        r#"{{"site":"plant","sensors":[{}],"end":true}}"#,
        items.join(",")
    );
    assert!(doc.len() > 64 * 1024);
    let mut app = showing(msg("big/doc", doc, None), Vec::new());
    let text = screen(&mut app, 120, 40);
    assert!(!text.contains("page 1 of"), "whole, not paged: {text}");
    assert!(text.contains("rows 1–"), "{text}");
    // Z folds everything below the top level: the document is three lines and a folded list.
    key(&mut app, KeyCode::Char('Z'));
    both_sizes("json_folded", &mut app, "\"sensors\": [… 2000 items],");
    // Z again opens them all; } goes to the end, z folds the list the end is in.
    key(&mut app, KeyCode::Char('Z'));
    key(&mut app, KeyCode::Char('}'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("\"end\": true"), "{text}");
    assert!(text.contains("of 16,006"), "{text}");
    key(&mut app, KeyCode::Char('{'));
    key(&mut app, KeyCode::Down);
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("rows 1–"), "{text}");
    // J moves the cursor a row at a time (it once scrolled three, and rows between could not
    // be folded): three rows down is the first sensor, which z folds; K back up and z on
    // "site" (a leaf of the root, which never folds) changes nothing.
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('J'));
    }
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("row 4 of 16,006"), "{text}");
    key(&mut app, KeyCode::Char('z'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("1 folded"), "{text}");
    assert!(text.contains("{… 3 keys},"), "{text}");
    for _ in 0..2 {
        key(&mut app, KeyCode::Char('K'));
    }
    key(&mut app, KeyCode::Char('z'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("1 folded"), "{text}");
    assert!(text.contains("row 2 of 15,999"), "{text}");
}

#[test]
fn malformed_input_to_each_decoder_is_an_error_view() {
    for (view, bytes) in [
        ("msgpack", vec![0x82, 0xa3, b'k']),
        ("cbor", vec![0xbf, 0x61]),
        ("protobuf", vec![0x12, 0x09, 0x01]),
        ("sparkplug", vec![0xff, 0xff, 0xff]),
        ("json", b"{\"a\": [1, 2".to_vec()),
    ] {
        let mut app = showing(msg("bad/x", bytes, None), Vec::new());
        key(&mut app, KeyCode::Char('v'));
        let at = match &app.popups[0] {
            mqscope::app::Popup::View(v) => v.choices.iter().position(|c| *c == view).unwrap(),
            other => panic!("{other:?}"),
        };
        for _ in 0..at {
            key(&mut app, KeyCode::Down);
        }
        key(&mut app, KeyCode::Enter);
        let text = screen(&mut app, 80, 24);
        assert!(
            text.contains(&format!("{view}: picked with v")),
            "{view}: {text}"
        );
        assert!(
            text.contains("00000000"),
            "{view}: the bytes in hex: {text}"
        );
    }
}

/// JSON as written: a number past f64 shown digit for digit, `1e400` a number (not text), and a
/// key given twice shown twice, the second marked. Hand-written bytes, at both sizes.
#[test]
fn json_numbers_as_written_and_duplicate_keys_marked() {
    let doc = br#"{"a":1,"a":2,"big":12345678901234567890123,"huge":1e400}"#.to_vec();
    let mut app = showing(msg("j/doc", doc, None), Vec::new());
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&mut app, w, h);
        assert!(text.contains("· json"), "{w}x{h}: read as JSON:\n{text}");
        assert!(text.contains("12345678901234567890123"), "{w}x{h}:\n{text}");
        if w == 120 {
            // (At 80×24 the detail shows its first four rows.)
            assert!(text.contains("1e400"), "{w}x{h}:\n{text}");
        }
        assert!(
            text.contains("\"a\": (duplicate key) 2"),
            "{w}x{h}: the second a, marked:\n{text}"
        );
        assert!(text.contains("\"a\": 1"), "{w}x{h}: the first a:\n{text}");
    }
}

/// MessagePack and CBOR without a content type, made by their reference libraries: one map with
/// text keys is shown decoded and says it was guessed; anything looser stays hex.
#[test]
fn binary_maps_are_guessed_and_other_binary_stays_hex() {
    let list_of_maps = {
        let v = ciborium::value::Value::Array(vec![ciborium::value::Value::Map(vec![(
            "t".into(),
            21.into(),
        )])]);
        let mut out = Vec::new();
        ciborium::ser::into_writer(&v, &mut out).unwrap();
        out
    };
    let int_keys = {
        let v = rmpv::Value::Map(vec![(1.into(), 2.into())]);
        let mut out = Vec::new();
        rmpv::encode::write_value(&mut out, &v).unwrap();
        out
    };
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("m/pack", msgpack(), "msgpack", "\"watts\": 912"),
        ("m/cbor", cbor(), "cbor", "\"level\": 64.5"),
        ("m/list", list_of_maps, "cbor", "\"t\": 21"),
        ("m/ints", int_keys, "binary", "81 01 02"),
        (
            "m/rand",
            vec![0x93, 0xff, 0x00, 0x17, 0xfe],
            "binary",
            "93 ff 00 17 fe",
        ),
    ];
    for (topic, payload, view, shows) in cases {
        let mut app = showing(msg(topic, payload, None), Vec::new());
        for (w, h) in [(120, 40), (80, 24)] {
            let text = screen(&mut app, w, h);
            assert!(
                text.contains(&format!("· {view}")),
                "{topic} {w}x{h}:\n{text}"
            );
            assert!(text.contains(shows), "{topic} {w}x{h}:\n{text}");
            if view != "binary" {
                assert!(
                    text.contains(&format!("{view} (guessed)")),
                    "{topic} {w}x{h}: says so:\n{text}"
                );
            }
        }
    }
}
