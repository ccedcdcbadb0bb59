//! Sorting names the way people count.

/// Names in natural order: runs of digits compare by value, so `dev1000` < `dev10000`
/// < `dev2000` becomes `dev1000` < `dev2000` < `dev10000`; letters compare without case
/// (`dev1` < `Dev4`: upper-case once sorted before every lower-case letter). Ties fall back to
/// plain order, so distinct names never compare equal (`a01` and `a1`, `Dev` and `dev` stay, in a
/// stable order).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
                let (n, m) = (run(x), run(y));
                let (p, q) = (&x[..n], &y[..m]);
                let strip = |s: &[u8]| {
                    let z = s.iter().take_while(|b| **b == b'0').count();
                    s[z..].to_vec()
                };
                let (p0, q0) = (strip(p), strip(q));
                let ord = p0.len().cmp(&q0.len()).then_with(|| p0.cmp(&q0));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = &x[n..];
                y = &y[m..];
            }
            (Some(c), Some(d)) => {
                let (lc, ld) = (c.to_ascii_lowercase(), d.to_ascii_lowercase());
                if lc != ld {
                    return lc.cmp(&ld);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;

    #[test]
    fn case_is_ignored_and_ties_stay_stable() {
        let mut names = vec!["Dev4", "dev10", "dev1", "DEV2", "dev2", "a01", "a1"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            ["a01", "a1", "dev1", "DEV2", "dev2", "Dev4", "dev10"]
        );
    }
}
