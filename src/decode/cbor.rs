//! CBOR (RFC 8949) into the same tree as JSON, read by hand: ciborium's value reads
//! `undefined` as `null` and leaves tags raw, and an explorer must show what was sent. Chosen by
//! a rule, `v` or its content type (`application/cbor`); guessed only for what is surely CBOR:
//! a payload that is not UTF-8 text and reads, whole and exactly, as one map with text keys (or
//! a list of such maps).

use super::cbor_tags::tagged;
use super::{Confidence, DecodeError, Decoded, Decoder, NESTING_MAX, Scalar};
use crate::mqtt::Properties;

/// As sure as MessagePack's guess; a payload both read the same way is MessagePack's (it is
/// registered first).
const SURE: Confidence = 60;

pub struct Cbor;

impl Decoder for Cbor {
    fn whole(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "cbor"
    }

    fn sniff(&self, payload: &[u8], _props: Option<&Properties>, _topic: &str) -> Confidence {
        // Only a map or a list can start it (major types 5 and 4).
        let starts = matches!(payload.first(), Some(0x80..=0xbf));
        if !starts
            || payload.len() > super::page::PAGE_BYTES
            || std::str::from_utf8(payload).is_ok()
        {
            return 0;
        }
        let mut r = Reader::new(payload);
        match r.value(0) {
            Ok(d) if r.at == payload.len() && r.all_keys_text && super::maps_with_text_keys(&d) => {
                SURE
            }
            _ => 0,
        }
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        let mut r = Reader::new(payload);
        let d = r.value(0)?;
        super::nothing_after("CBOR", payload, &payload[r.at..])?;
        Ok(d)
    }
}

/// One data item's head: its major type and argument.
enum Head {
    Uint(u64),
    Nint(u64),
    /// A byte or text string; None: indefinite length (chunks until a break).
    Bytes(Option<u64>),
    Text(Option<u64>),
    Array(Option<u64>),
    Map(Option<u64>),
    Tag(u64),
    Simple(u8),
    Float(f64),
    /// A half or single float, shown as the shortest text that reads back as the same f32
    /// (`0.1`, not the f64 widening's `0.10000000149011612`).
    Float32(f32),
    Break,
}

struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
    /// Whether every map key read so far was a text string (what a sure guess needs).
    all_keys_text: bool,
}

fn err(what: impl Into<String>, at: usize) -> DecodeError {
    DecodeError::new(format!("not CBOR: {}", what.into()), Some(at))
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader {
            buf,
            at: 0,
            all_keys_text: true,
        }
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], DecodeError> {
        let left = self.buf.len() - self.at;
        let n = usize::try_from(n)
            .ok()
            .filter(|n| *n <= left)
            .ok_or_else(|| err(format!("{n} bytes announced, {left} left"), self.at))?;
        let bytes = &self.buf[self.at..self.at + n];
        self.at += n;
        Ok(bytes)
    }

    fn uint(&mut self, bytes: u64) -> Result<u64, DecodeError> {
        let b = self.take(bytes)?;
        Ok(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
    }

    fn head(&mut self) -> Result<Head, DecodeError> {
        let start = self.at;
        let first = *self
            .buf
            .get(self.at)
            .ok_or_else(|| err("cut short", start))?;
        self.at += 1;
        let (major, info) = (first >> 5, first & 0x1f);
        if major == 7 {
            return match info {
                0..=23 => Ok(Head::Simple(info)),
                24 => match self.uint(1)? as u8 {
                    n @ 32.. => Ok(Head::Simple(n)),
                    n => Err(err(format!("simple value {n} in two bytes"), start)),
                },
                25 => Ok(Head::Float32(half(self.uint(2)? as u16))),
                26 => Ok(Head::Float32(f32::from_bits(self.uint(4)? as u32))),
                27 => Ok(Head::Float(f64::from_bits(self.uint(8)?))),
                31 => Ok(Head::Break),
                _ => Err(err(
                    format!("reserved additional information {info}"),
                    start,
                )),
            };
        }
        let arg = match info {
            0..=23 => Some(u64::from(info)),
            24 => Some(self.uint(1)?),
            25 => Some(self.uint(2)?),
            26 => Some(self.uint(4)?),
            27 => Some(self.uint(8)?),
            31 if (2..=5).contains(&major) => None,
            _ => {
                return Err(err(
                    format!("reserved additional information {info}"),
                    start,
                ));
            }
        };
        let n = arg.unwrap_or(0);
        Ok(match major {
            0 => Head::Uint(n),
            1 => Head::Nint(n),
            2 => Head::Bytes(arg),
            3 => Head::Text(arg),
            4 => Head::Array(arg),
            5 => Head::Map(arg),
            _ => Head::Tag(n),
        })
    }

    /// A byte string's bytes (the chunks of an indefinite one joined).
    fn string(&mut self, len: Option<u64>, text: bool) -> Result<Vec<u8>, DecodeError> {
        let Some(len) = len else {
            let mut out = Vec::new();
            loop {
                let at = self.at;
                match self.head()? {
                    Head::Break => return Ok(out),
                    Head::Bytes(Some(n)) if !text => out.extend_from_slice(self.take(n)?),
                    Head::Text(Some(n)) if text => out.extend_from_slice(self.take(n)?),
                    _ => return Err(err("a chunk of another type in a string", at)),
                }
            }
        };
        Ok(self.take(len)?.to_vec())
    }

    fn value(&mut self, depth: usize) -> Result<Decoded, DecodeError> {
        let start = self.at;
        if depth >= NESTING_MAX {
            return Err(err(format!("nested deeper than {NESTING_MAX}"), start));
        }
        let number = |n: String| Decoded::Scalar(Scalar::Number(n));
        Ok(match self.head()? {
            Head::Uint(n) => number(n.to_string()),
            Head::Nint(n) => number((-1 - i128::from(n)).to_string()),
            Head::Bytes(len) => Decoded::Bytes(self.string(len, false)?),
            Head::Text(len) => {
                let bytes = self.string(len, true)?;
                let s = String::from_utf8(bytes)
                    .map_err(|e| err(format!("text string is not UTF-8: {e}"), start))?;
                Decoded::Scalar(Scalar::Str(s))
            }
            Head::Array(len) => {
                let mut items = Vec::new();
                match len {
                    Some(n) => {
                        for _ in 0..n {
                            items.push(self.value(depth + 1)?);
                        }
                    }
                    None => {
                        while !self.at_break()? {
                            items.push(self.value(depth + 1)?);
                        }
                    }
                }
                Decoded::List(items)
            }
            Head::Map(len) => {
                let mut pairs = Vec::new();
                match len {
                    Some(n) => {
                        for _ in 0..n {
                            pairs.push(self.pair(depth)?);
                        }
                    }
                    None => {
                        while !self.at_break()? {
                            pairs.push(self.pair(depth)?);
                        }
                    }
                }
                Decoded::Map(pairs)
            }
            Head::Tag(tag) => tagged(tag, self.value(depth + 1)?),
            Head::Simple(20) => Decoded::Scalar(Scalar::Bool(false)),
            Head::Simple(21) => Decoded::Scalar(Scalar::Bool(true)),
            Head::Simple(22) => Decoded::Scalar(Scalar::Null),
            Head::Simple(23) => named("undefined", ""),
            Head::Simple(n) => named(&format!("simple({n})"), "CBOR simple value"),
            Head::Float(f) => number(format!("{f:?}")),
            Head::Float32(f) => number(format!("{f:?}")),
            Head::Break => return Err(err("a break outside an indefinite item", start)),
        })
    }

    /// Whether the next byte ends an indefinite item (and steps past it).
    fn at_break(&mut self) -> Result<bool, DecodeError> {
        match self.buf.get(self.at) {
            Some(0xff) => {
                self.at += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
            None => Err(err("cut short: no break", self.at)),
        }
    }

    fn pair(&mut self, depth: usize) -> Result<(String, Decoded), DecodeError> {
        let key = self.value(depth + 1)?;
        let text = match key {
            Decoded::Scalar(Scalar::Str(s)) => s,
            other => {
                self.all_keys_text = false;
                super::diff::brief(&other)
            }
        };
        Ok((text, self.value(depth + 1)?))
    }
}

fn named(text: &str, what: &str) -> Decoded {
    Decoded::Scalar(Scalar::Named {
        text: text.into(),
        what: what.into(),
    })
}

/// An IEEE 754 half-precision float (RFC 8949 appendix D); every one is exactly an f32.
fn half(bits: u16) -> f32 {
    let exp = (bits >> 10) & 0x1f;
    let mant = f32::from(bits & 0x3ff);
    let magnitude = match exp {
        0 => mant * 2f32.powi(-24),
        31 if mant == 0.0 => f32::INFINITY,
        31 => f32::NAN,
        e => (mant + 1024.0) * 2f32.powi(i32::from(e) - 25),
    };
    if bits & 0x8000 != 0 {
        -magnitude
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_and_a_truncated_one() {
        // {"t": 21, "ok": true}
        let b = [0xa2, 0x61, b't', 0x15, 0x62, b'o', b'k', 0xf5];
        let Decoded::Map(m) = Cbor.decode(&b).unwrap() else {
            panic!()
        };
        assert_eq!(
            m[0],
            ("t".into(), Decoded::Scalar(Scalar::Number("21".into())))
        );
        assert_eq!(m[1], ("ok".into(), Decoded::Scalar(Scalar::Bool(true))));
        assert!(
            Cbor.decode(&b[..4])
                .unwrap_err()
                .message
                .starts_with("not CBOR")
        );
    }

    /// RFC 8949 appendix A's examples, hand-written.
    #[test]
    fn the_rfc_examples() {
        let one = |b: &[u8]| match Cbor.decode(b) {
            Ok(Decoded::Scalar(s)) => s,
            other => panic!("{b:02x?}: {other:?}"),
        };
        let num = |s: &str| Scalar::Number(s.into());
        assert_eq!(
            one(&[0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            num("18446744073709551615")
        );
        assert_eq!(
            one(&[0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            num("-18446744073709551616")
        );
        assert_eq!(one(&[0xf9, 0x3c, 0x00]), num("1.0"));
        assert_eq!(one(&[0xf9, 0x7b, 0xff]), num("65504.0"));
        assert_eq!(one(&[0xf9, 0x00, 0x01]), num("5.9604645e-8"));
        assert_eq!(one(&[0xfa, 0x47, 0xc3, 0x50, 0x00]), num("100000.0"));
        assert_eq!(
            one(&[0xf7]),
            Scalar::Named {
                text: "undefined".into(),
                what: String::new()
            }
        );
        assert_eq!(one(&[0xf6]), Scalar::Null);
        // An indefinite text string in two chunks, and an indefinite map.
        assert_eq!(
            one(&[
                0x7f, 0x65, b's', b't', b'r', b'e', b'a', 0x64, b'm', b'i', b'n', b'g', 0xff
            ]),
            Scalar::Str("streaming".into())
        );
        let d = Cbor
            .decode(&[
                0xbf, 0x61, b'a', 0x01, 0x61, b'b', 0x9f, 0x02, 0x03, 0xff, 0xff,
            ])
            .unwrap();
        let n = |s: &str| Decoded::Scalar(Scalar::Number(s.into()));
        assert_eq!(
            d,
            Decoded::Map(vec![
                ("a".into(), n("1")),
                ("b".into(), Decoded::List(vec![n("2"), n("3")])),
            ])
        );
        assert!(Cbor.decode(&[0xff]).is_err(), "a lone break");
        assert!(
            Cbor.decode(&[0x5f, 0x61, b'a', 0xff]).is_err(),
            "a text chunk in bytes"
        );
        assert!(
            Cbor.decode(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
                .is_err()
        );
        for seed in 0..300u64 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let bytes: Vec<u8> = (0..rng.usize(0..48)).map(|_| rng.u8(..)).collect();
            let _ = Cbor.decode(&bytes);
        }
    }
}
