//! Numbers as the decimal text they were written in, compared exactly, and a check of whether
//! a 64-bit float holds one as written. A JSON number may have more digits than a float keeps
//! (`12345678901234567890123`) or be past its range (`1e400`); a `json:` filter compares the
//! texts themselves, and a chart, which must draw floats, says which values it rounded.

use std::cmp::Ordering;

/// A decimal number: `0.DIGITS × 10^exp`, its digits without leading or trailing zeros (none
/// for zero), so two spellings of one value are equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// A number in JSON's (or Rust's float) syntax: sign, digits, a fraction, an exponent;
    /// None for anything else (`NaN`, `inf`, hex) or an exponent past i64.
    pub fn parse(text: &str) -> Option<Decimal> {
        let s = text.trim();
        let (negative, s) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (mantissa, exp) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i64>().ok()?),
            None => (s, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let all: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let lead = all.iter().take_while(|d| **d == 0).count();
        let digits: Vec<u8> = all[lead..].to_vec();
        let trail = digits.iter().rev().take_while(|d| **d == 0).count();
        let digits = digits[..digits.len() - trail].to_vec();
        if digits.is_empty() {
            return Some(Decimal {
                negative: false,
                digits,
                exp: 0,
            });
        }
        let int_len = i64::try_from(int.len()).ok()?;
        let lead = i64::try_from(lead).ok()?;
        let exp = exp.checked_add(int_len)?.checked_sub(lead)?;
        Some(Decimal {
            negative,
            digits,
            exp,
        })
    }

    fn magnitude_cmp(&self, other: &Decimal) -> Ordering {
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        self.exp
            .cmp(&other.exp)
            .then_with(|| self.digits.cmp(&other.digits))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let sign = |d: &Decimal| match (d.digits.is_empty(), d.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal if sign(self) < 0 => other.magnitude_cmp(self),
            Ordering::Equal => self.magnitude_cmp(other),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether a 64-bit float reads `text` back as written: its shortest spelling is the same
/// number (`0.1` is; `12345678901234567890123` and `1e400` are not).
pub fn fits_f64(text: &str) -> bool {
    let Ok(f) = text.trim().parse::<f64>() else {
        return false;
    };
    f.is_finite() && Decimal::parse(&format!("{f:e}")) == Decimal::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn spellings_of_one_value_are_equal_and_order_is_exact() {
        assert_eq!(d("1.50"), d("15e-1"));
        assert_eq!(d("0"), d("-0.000"));
        assert_eq!(d("1200"), d("1.2E3"));
        assert!(d("12345678901234567890123") < d("12345678901234567890124"));
        assert!(d("-2") < d("-1.5"));
        assert!(d("-0.1") < d("0"));
        assert!(d("1e400") > d("9e399"));
        assert!(d("0.001") < d("0.01"));
        for bad in [
            "",
            "-",
            ".",
            "1e",
            "NaN",
            "inf",
            "0x10",
            "1.2.3",
            "1e99999999999999999999",
        ] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn what_a_float_holds_as_written() {
        for ok in ["0.1", "21.5", "-3", "1e300", "2.5E-3", "9007199254740992"] {
            assert!(fits_f64(ok), "{ok}");
        }
        for lossy in [
            "12345678901234567890123",
            "1e400",
            "9007199254740993",
            "0.30000000000000000001",
        ] {
            assert!(!fits_f64(lossy), "{lossy}");
        }
    }
}
