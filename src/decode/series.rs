//! Numbers in payloads, for charts: which fields of a structured payload are numeric (dotted
//! paths, `[i]` for list items), and the value at one. A payload that is a number is the field
//! `""`.

use super::{Decoded, Scalar};

/// The numeric fields of `d`, depth first, in the payload's order; at most `max`.
pub fn numeric_fields(d: &Decoded, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    collect("", d, max, &mut out);
    out
}

fn collect(path: &str, d: &Decoded, max: usize, out: &mut Vec<String>) {
    if out.len() >= max {
        return;
    }
    match d {
        Decoded::Scalar(Scalar::Number(_)) => out.push(path.to_string()),
        Decoded::Map(m) => {
            for (k, v) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                collect(&p, v, max, out);
            }
        }
        Decoded::List(items) => {
            for (i, v) in items.iter().enumerate() {
                collect(&format!("{path}[{i}]"), v, max, out);
            }
        }
        _ => {}
    }
}

/// The number at `path` in `d` (found by walking the same names `numeric_fields` gives).
pub fn value_at(d: &Decoded, path: &str) -> Option<f64> {
    match at(d, path)? {
        Decoded::Scalar(s) => s.as_f64(),
        _ => None,
    }
}

/// The number at `path` in `d` as written, and whether a 64-bit float holds it as written
/// (what a chart draws is a float: it says which values it rounded).
pub fn number_at<'d>(d: &'d Decoded, path: &str) -> Option<(f64, &'d str, bool)> {
    let text = match at(d, path)? {
        Decoded::Scalar(Scalar::Number(n)) => n.as_str(),
        Decoded::Scalar(Scalar::Named { text, .. }) => text.as_str(),
        Decoded::Scalar(s @ Scalar::Bool(_)) => {
            let v = s.as_f64()?;
            return Some((v, if v > 0.0 { "true" } else { "false" }, true));
        }
        _ => return None,
    };
    let value: f64 = text.trim().parse().ok()?;
    Some((value, text, super::decimal::fits_f64(text)))
}

/// The value at `path` in `d`.
fn at<'d>(d: &'d Decoded, path: &str) -> Option<&'d Decoded> {
    let mut cur = d;
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let i: usize = r[..end].parse().ok()?;
            let Decoded::List(items) = cur else {
                return None;
            };
            cur = items.get(i)?;
            rest = r[end + 1..].strip_prefix('.').unwrap_or(&r[end + 1..]);
            continue;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let key = &rest[..end];
        let Decoded::Map(m) = cur else { return None };
        cur = &m.iter().find(|(k, _)| k == key)?.1;
        rest = &rest[end..];
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Decoder, Json, Number};

    #[test]
    fn fields_and_values() {
        let d = Json
            .decode(br#"{"t":21.5,"ok":true,"env":{"rh":40},"v":[1,"x",3]}"#)
            .unwrap();
        assert_eq!(numeric_fields(&d, 10), ["t", "env.rh", "v[0]", "v[2]"]);
        assert_eq!(value_at(&d, "t"), Some(21.5));
        assert_eq!(value_at(&d, "env.rh"), Some(40.0));
        assert_eq!(value_at(&d, "v[2]"), Some(3.0));
        assert_eq!(value_at(&d, "nope"), None);
        let n = Number.decode(b"7.25").unwrap();
        assert_eq!(numeric_fields(&n, 10), [""]);
        assert_eq!(value_at(&n, ""), Some(7.25));
        let big = Json
            .decode(br#"{"id":12345678901234567890123,"t":0.1}"#)
            .unwrap();
        let (v, text, fits) = number_at(&big, "id").unwrap();
        assert_eq!(
            (v, text, fits),
            (1.2345678901234568e22, "12345678901234567890123", false)
        );
        assert_eq!(number_at(&big, "t"), Some((0.1, "0.1", true)));
        // 1e400 is a number, but no float holds it: not charted.
        let huge = Json.decode(br#"{"x":1e400}"#).unwrap();
        assert!(number_at(&huge, "x").is_some_and(|(v, _, fits)| v.is_infinite() && !fits));
    }
}
