//! Values inside structured payloads as they were sent, on screen at 120×40 and 80×24: CBOR
//! tags and `undefined`, MessagePack timestamps and extensions, bytes opened whole with `z` at
//! the cursor row, a Protobuf field that cannot be read marked in place, binary that would
//! decode hinted, and a document past the size read at once shown as text pages until `W`
//! reads it whole. Payloads come from the reference libraries (ciborium, rmpv) or by hand.

mod common;
use common::door::Door;

use crossterm::event::KeyCode;
use mqscope::app::{Effect, Output};
use mqscope::decode::{Match, Rule};

use common::screen::screen;
use common::views::{key, msg, showing};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

fn cbor(v: &ciborium::value::Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

fn msgpack(v: &rmpv::Value) -> Vec<u8> {
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, v).unwrap();
    out
}

/// Moves the detail's cursor to the first row holding `words` (J, at most `limit` rows).
fn cursor_to(app: &mut mqscope::app::App, words: &str, limit: usize) {
    for _ in 0..limit {
        let rows = app.detail_outline().expect("a tree");
        let at = app.detail_cursor(rows.rows.len());
        let text = format!("{:?}", rows.rows[at]);
        if text.contains(words) {
            return;
        }
        key(app, KeyCode::Char('J'));
    }
    panic!("no row with {words}");
}

#[test]
fn cbor_tags_and_undefined_are_read_and_named() {
    use ciborium::value::Value as C;
    let doc = C::Map(vec![
        (
            "at".into(),
            C::Tag(0, Box::new("2013-03-21T20:04:00Z".into())),
        ),
        ("epoch".into(), C::Tag(1, Box::new(1_363_896_240.into()))),
        (
            "big".into(),
            C::Tag(2, Box::new(C::Bytes(vec![1, 0, 0, 0, 0, 0, 0, 0, 0]))),
        ),
        ("odd".into(), C::Tag(260, Box::new(7.into()))),
    ]);
    let mut app = showing(
        msg("c/tags", cbor(&doc), Some("application/cbor")),
        Vec::new(),
    );
    // `undefined` has no ciborium value: a hand-written one-key map.
    let mut undef = showing(
        msg(
            "c/undef",
            vec![0xa1, 0x61, b'u', 0xf7],
            Some("application/cbor"),
        ),
        Vec::new(),
    );
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(
            text.contains("\"at\": 2013-03-21T20:04:00Z (date/time, tag 0)"),
            "{w}x{h}:\n{text}"
        );
        insta::assert_snapshot!(format!("cbor_tags_{w}x{h}"), text);
        let text = screen(&mut undef, w, h);
        assert!(text.contains("\"u\": undefined"), "{w}x{h}:\n{text}");
        assert!(!text.contains("null"), "{w}x{h}:\n{text}");
    }
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("\"epoch\": 2013-03-21T20:04:00Z (epoch 1363896240, tag 1)"),
        "{text}"
    );
    assert!(
        text.contains("\"big\": 18446744073709551616 (bignum, tag 2)"),
        "{text}"
    );
    assert!(text.contains("\"tag 260\": 7"), "{text}");
}

#[test]
fn msgpack_timestamps_and_bytes_opened_at_the_cursor() {
    use rmpv::Value as M;
    // Timestamp 64: 500 ms after 1363896240 s (the layout is the spec's, the bytes by hand).
    let ts = ((500_000_000u64 << 34) | 1_363_896_240)
        .to_be_bytes()
        .to_vec();
    let blob: Vec<u8> = (0u8..40).collect();
    let doc = M::Map(vec![
        ("at".into(), M::Ext(-1, ts)),
        ("blob".into(), M::Binary(blob)),
        ("other".into(), M::Ext(5, vec![0x2a])),
    ]);
    let mut app = showing(
        msg("m/ts", msgpack(&doc), Some("application/msgpack")),
        Vec::new(),
    );
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("\"at\": 2013-03-21T20:04:00.500Z (timestamp, ext -1),"),
        "{text}"
    );
    assert!(text.contains("<40 bytes: 00 01 02"), "{text}");
    assert!(text.contains("… z opens>,"), "the row is whole:\n{text}");
    // At 80×24 the row is cut with a mark; on the cursor it is shown whole, over two lines.
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("(timestamp, ext …│"), "{text}");
    key(&mut app, KeyCode::Char('J'));
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("(timestamp, ext -│") && text.contains("│1),"),
        "{text}"
    );
    assert!(text.contains("row 2 of 7 · rows 2–2"), "{text}");
    key(&mut app, KeyCode::Char('K'));
    // z on the bytes' row opens all of them: 40 bytes in rows that fit the pane at each size.
    cursor_to(&mut app, "Bytes", 5);
    key(&mut app, KeyCode::Char('z'));
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(
            text.contains("<40 bytes, all below (z closes)>"),
            "{w}x{h}:\n{text}"
        );
        if w == 120 {
            // The last row at 120×40: bytes 0x20–0x27, its ASCII column closed.
            assert!(text.contains("00000020  20 21 22 23 24 25 26 27"), "{text}");
            assert!(text.contains("| !\"#$%&'|"), "{text}");
        }
        assert!(
            !text.lines().any(|l| l.chars().count() > w as usize),
            "{w}x{h}"
        );
        insta::assert_snapshot!(format!("msgpack_bytes_open_{w}x{h}"), text);
    }
    // At 80×24 (8 bytes a row) the cursor walks down to the last row: every byte is there.
    for _ in 0..5 {
        key(&mut app, KeyCode::Char('J'));
    }
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("00000020  20 21 22 23 24 25 26 27"),
        "8 a row at 80×24:\n{text}"
    );
    for _ in 0..5 {
        key(&mut app, KeyCode::Char('K'));
    }
    key(&mut app, KeyCode::Char('z'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("… z opens>"), "closed again:\n{text}");
}

#[test]
fn a_protobuf_field_that_cannot_be_read_is_marked_and_the_rest_shown() {
    // field 1 = 150, field 2 = "hi", then a field with wire type 7 and two bytes (by hand).
    let payload = vec![0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x1f, 0xaa, 0xbb];
    let rule = Rule::builtin(Match::Topic("p/#".into()), "protobuf");
    let mut app = showing(msg("p/raw", payload, None), vec![rule]);
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(text.contains("\"1\": 150"), "{w}x{h}:\n{text}");
        assert!(text.contains("\"2\": \"hi\""), "{w}x{h}:\n{text}");
        assert!(
            text.contains("(unreadable from byte 7)"),
            "{w}x{h}:\n{text}"
        );
        insta::assert_snapshot!(format!("protobuf_bad_field_{w}x{h}"), text);
    }
}

#[test]
fn binary_that_would_decode_says_so() {
    // A MessagePack map with a number key: not guessed (keys are not text), but it reads.
    let v = rmpv::Value::Map(vec![(1.into(), "on".into())]);
    let mut app = showing(msg("b/ints", msgpack(&v), None), Vec::new());
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(text.contains("· binary"), "{w}x{h}:\n{text}");
        assert!(
            text.contains("looks like MessagePack: v shows it decoded"),
            "{w}x{h}:\n{text}"
        );
    }
}

/// A 2.5 MiB JSON document: text pages with the reason in the header, never a false error,
/// then W reads it whole as a job and the tree is shown.
#[test]
fn a_document_past_the_size_read_at_once_is_read_whole_with_w() {
    let doc = common::views::big_json(2_500_000);
    let len = doc.len();
    let mut app = showing(msg("big/doc", doc.clone(), None), Vec::new());
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(text.contains("· json"), "{w}x{h}:\n{text}");
        assert!(
            text.contains("is past the 1.0 MiB read at once"),
            "{w}x{h}:\n{text}"
        );
        assert!(text.contains("W reads it whole"), "{w}x{h}:\n{text}");
        assert!(!text.contains("EOF"), "{w}x{h}:\n{text}");
        insta::assert_snapshot!(format!("big_doc_paged_{w}x{h}"), text);
    }
    let effects = key(&mut app, KeyCode::Char('W'));
    let [
        Effect::ReadWhole {
            seq,
            decoder,
            payload,
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(payload.len(), len);
    assert!(key(&mut app, KeyCode::Char('W')).is_empty(), "asked once");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("reading 2.4 MiB whole as json…"), "{text}");
    // The runner's job: the decoder on the payload, off the loop.
    let result = decoder.0.decode(payload);
    let now = app.now;
    app.done(
        Output::ReadWhole {
            seq: *seq,
            view: "json",
            result,
        },
        now,
    );
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(text.contains("row 1 of"), "a tree now, {w}x{h}:\n{text}");
        assert!(!text.contains("W reads it whole"), "{w}x{h}:\n{text}");
        assert!(text.contains("12345678901234567890123"), "{w}x{h}:\n{text}");
    }
}

/// A whole read counts against the history budget: past what it leaves, W says so and asks
/// for nothing.
#[test]
fn w_is_refused_when_the_history_budget_cannot_hold_the_tree() {
    let limits = mqscope::store::Limits {
        memory_budget: 24 * 1024 * 1024,
        ..Default::default()
    };
    let mut app = mqscope::app::App::new(Vec::new(), limits, std::time::Instant::now());
    let doc = format!("[{}0]", r#"{"id":1},"#.repeat(150_000));
    common::views::feed(&mut app, msg("big/doc", doc, None));
    assert!(screen(&mut app, 120, 40).contains("W reads it whole"));
    assert!(
        key(&mut app, KeyCode::Char('W')).is_empty(),
        "nothing asked"
    );
    let text = screen(&mut app, 120, 40);
    let words = common::tmux::flat(&text);
    assert!(
        words.contains("not read whole: 1.3 MiB as a tree takes about"),
        "{text}"
    );
    assert!(
        words.contains("the history budget leaves (--history-budget)"),
        "{text}"
    );
}

/// A chart draws floats: a value a float does not hold as written is counted and named, and
/// the title's last value is the one written (hand-written documents).
#[test]
fn a_chart_says_which_values_it_rounded() {
    let mut app = showing(msg("c/id", r#"{"id":1}"#, None), Vec::new());
    for doc in [r#"{"id":12345678901234567890123}"#, r#"{"id":3.10}"#] {
        common::views::feed(&mut app, msg("c/id", doc, None));
    }
    key(&mut app, KeyCode::Char('c'));
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(
            text.contains("1 of 3 not as written (64-bit floats)"),
            "{w}x{h}:\n{text}"
        );
        if w == 120 {
            assert!(
                text.contains("last 3.10 · min 1 max 12345678901234567890123 avg ≈"),
                "{text}"
            );
            assert!(
                text.contains("12345678901234567890123│"),
                "the axis as written:\n{text}"
            );
            assert!(
                text.contains("floats): 12345678901234567890123 ─"),
                "{text}"
            );
        } else {
            assert!(text.contains("…"), "cut with a mark at {w}x{h}:\n{text}");
        }
    }
}
