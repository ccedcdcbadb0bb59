//! CBOR's standard tags (RFC 8949 §3.4) read for what they say: a date, a bignum, a decimal
//! fraction, a URI, a UUID. A tag on a value of the wrong type, and every other tag, is shown
//! as itself: `{tag 1234: value}`.

use super::{Decoded, Scalar};

/// Past this many bytes a bignum stays bytes (its decimal digits cost O(n²) to work out).
const BIGNUM_BYTES_MAX: usize = 512;

pub fn tagged(tag: u64, inner: Decoded) -> Decoded {
    match read(tag, &inner) {
        Some((text, what)) => Decoded::Scalar(Scalar::Named { text, what }),
        // Self-described CBOR (the magic d9d9f7) marks the payload, not the value.
        None if tag == 55799 => inner,
        None => Decoded::Map(vec![(format!("tag {tag}"), inner)]),
    }
}

fn read(tag: u64, inner: &Decoded) -> Option<(String, String)> {
    let (Decoded::Scalar(_) | Decoded::Bytes(_) | Decoded::List(_)) = inner else {
        return None;
    };
    let said = |what: &str| format!("{what}, tag {tag}");
    match (tag, inner) {
        (0, Decoded::Scalar(Scalar::Str(s))) => Some((s.clone(), said("date/time"))),
        (1, Decoded::Scalar(Scalar::Number(n))) => {
            let date = epoch(n)?;
            Some((date, said(&format!("epoch {n}"))))
        }
        (2, Decoded::Bytes(b)) if b.len() <= BIGNUM_BYTES_MAX => Some((decimal(b), said("bignum"))),
        (3, Decoded::Bytes(b)) if b.len() <= BIGNUM_BYTES_MAX => {
            // −1 − n.
            let mut n = b.clone();
            increment(&mut n);
            Some((format!("-{}", decimal(&n)), said("negative bignum")))
        }
        (4, Decoded::List(pair)) => {
            let [e, m] = pair.as_slice() else {
                return None;
            };
            let e: i64 = integer(e)?.parse().ok()?;
            Some((scaled(&integer(m)?, e)?, said("decimal fraction")))
        }
        (32, Decoded::Scalar(Scalar::Str(s))) => Some((s.clone(), said("URI"))),
        (37, Decoded::Bytes(b)) if b.len() == 16 => Some((uuid(b), said("UUID"))),
        _ => None,
    }
}

/// An integer's digits: a plain one or a bignum.
fn integer(d: &Decoded) -> Option<String> {
    match d {
        Decoded::Scalar(Scalar::Number(n)) if !n.contains(['.', 'e', 'E', 'N', 'i']) => {
            Some(n.clone())
        }
        Decoded::Scalar(Scalar::Named { text, .. })
            if text
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit()) =>
        {
            Some(text.clone())
        }
        _ => None,
    }
}

/// `m × 10^e` written out exactly (27315, −2 → 273.15); None past a sane exponent.
fn scaled(m: &str, e: i64) -> Option<String> {
    if e.unsigned_abs() > 1000 {
        return None;
    }
    let (sign, digits) = match m.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", m),
    };
    if e >= 0 {
        let zeros = if digits == "0" { 0 } else { e as usize };
        return Some(format!("{sign}{digits}{}", "0".repeat(zeros)));
    }
    let point = e.unsigned_abs() as usize;
    let padded = format!(
        "{}{digits}",
        "0".repeat((point + 1).saturating_sub(digits.len()))
    );
    let (int, frac) = padded.split_at(padded.len() - point);
    Some(format!("{sign}{int}.{frac}"))
}

/// Seconds since 1970 (integer or float) as an RFC 3339 UTC date.
fn epoch(n: &str) -> Option<String> {
    let secs: f64 = n.parse().ok()?;
    if !secs.is_finite() {
        return None;
    }
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9).round().min(999_999_999.0) as u32;
    let date = chrono::DateTime::from_timestamp(whole as i64, nanos)?;
    Some(date.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

/// Big-endian bytes as a decimal number.
fn decimal(bytes: &[u8]) -> String {
    let mut n: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut digits = Vec::new();
    while !n.is_empty() {
        let mut rem = 0u32;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
        let zeros = n.iter().take_while(|b| **b == 0).count();
        n.drain(..zeros);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// Adds one to a big-endian number in place (growing it when it carries out).
fn increment(n: &mut Vec<u8>) {
    for b in n.iter_mut().rev() {
        let (sum, carry) = b.overflowing_add(1);
        *b = sum;
        if !carry {
            return;
        }
    }
    n.insert(0, 1);
}

fn uuid(b: &[u8]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Cbor, Decoder};

    fn named(b: &[u8]) -> (String, String) {
        match Cbor.decode(b) {
            Ok(Decoded::Scalar(Scalar::Named { text, what })) => (text, what),
            other => panic!("{b:02x?}: {other:?}"),
        }
    }

    /// RFC 8949 appendix A's tagged examples, hand-written.
    #[test]
    fn standard_tags_are_read() {
        let mut date = vec![0xc0, 0x74];
        date.extend(b"2013-03-21T20:04:00Z");
        assert_eq!(
            named(&date),
            ("2013-03-21T20:04:00Z".into(), "date/time, tag 0".into())
        );
        let epoch = [0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0];
        assert_eq!(
            named(&epoch),
            (
                "2013-03-21T20:04:00Z".into(),
                "epoch 1363896240, tag 1".into()
            )
        );
        let epoch_f = [0xc1, 0xfb, 0x41, 0xd4, 0x52, 0xd9, 0xec, 0x20, 0x00, 0x00];
        assert_eq!(named(&epoch_f).0, "2013-03-21T20:04:00.500Z");
        // 2^64 and −2^64 − 1.
        let big = [0xc2, 0x49, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            named(&big),
            ("18446744073709551616".into(), "bignum, tag 2".into())
        );
        let neg = [0xc3, 0x49, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(named(&neg).0, "-18446744073709551617");
        // 273.15 as a decimal fraction [−2, 27315].
        assert_eq!(named(&[0xc4, 0x82, 0x21, 0x19, 0x6a, 0xb3]).0, "273.15");
        let mut uri = vec![0xd8, 0x20, 0x76];
        uri.extend(b"http://www.example.com");
        assert_eq!(named(&uri).1, "URI, tag 32");
        let mut id = vec![0xd8, 0x25, 0x50];
        id.extend(0u8..16);
        assert_eq!(named(&id).0, "00010203-0405-0607-0809-0a0b0c0d0e0f");
        // An unknown tag is shown as itself; a known one on the wrong type too.
        let d = Cbor.decode(&[0xd9, 0x01, 0x04, 0x01]).unwrap();
        assert_eq!(
            d,
            Decoded::Map(vec![(
                "tag 260".into(),
                Decoded::Scalar(Scalar::Number("1".into()))
            )])
        );
        assert!(matches!(
            Cbor.decode(&[0xc1, 0x61, b'x']),
            Ok(Decoded::Map(_))
        ));
        // Self-described CBOR is the value inside.
        assert_eq!(
            Cbor.decode(&[0xd9, 0xd9, 0xf7, 0x01]).unwrap(),
            Decoded::Scalar(Scalar::Number("1".into()))
        );
    }

    #[test]
    fn scaled_and_decimal_are_exact() {
        assert_eq!(scaled("5", -3).as_deref(), Some("0.005"));
        assert_eq!(scaled("-12", 2).as_deref(), Some("-1200"));
        assert_eq!(decimal(&[0]), "0");
        assert_eq!(decimal(&[0xff; 16]), u128::MAX.to_string());
    }
}
