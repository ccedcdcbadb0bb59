//! Templates in a compose topic and payload, expanded when the message is sent (so the log shows
//! what went out): `{{now}}` (RFC 3339, milliseconds, UTC), `{{timestamp}}` (Unix seconds),
//! `{{uuid}}` (a random v4 UUID), `{{seq}}` (1, 2, 3… per send of this session, repeats
//! included), `{{rand A B}}` (an integer from A to B), `{{env VAR}}` (an environment variable;
//! unset is an error, not an empty string). Anything else in `{{ }}` is an error naming it.

use std::time::SystemTime;

/// What a template can refer to; the environment is looked up through `env` (tests pass their
/// own).
pub struct Ctx<'a> {
    pub seq: u64,
    pub now: SystemTime,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Names a caller adds (an alert's `rule`, `topic`, `value`), looked up first.
    pub vars: &'a [(&'a str, &'a str)],
}

/// The names a template may use, for error messages.
const KNOWN: &str = "now, timestamp, uuid, seq, rand A B, env VAR";

fn uuid() -> String {
    let mut b: [u8; 16] = std::array::from_fn(|_| fastrand::u8(..));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn one(expr: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    if let Some((_, v)) = ctx.vars.iter().find(|(k, _)| *k == expr) {
        return Ok(v.to_string());
    }
    let words: Vec<&str> = expr.split_whitespace().collect();
    Ok(match words.as_slice() {
        ["now"] => {
            let t: chrono::DateTime<chrono::Utc> = ctx.now.into();
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        }
        ["timestamp"] => ctx
            .now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .to_string(),
        ["uuid"] => uuid(),
        ["seq"] => ctx.seq.to_string(),
        ["rand", a, b] => {
            let (a, b): (i64, i64) = match (a.parse(), b.parse()) {
                (Ok(a), Ok(b)) => (a, b),
                _ => {
                    return Err(format!(
                        "{{{{rand {a} {b}}}}}: two whole numbers are needed"
                    ));
                }
            };
            fastrand::i64(a.min(b)..=a.max(b)).to_string()
        }
        ["env", var] => {
            (ctx.env)(var).ok_or_else(|| format!("{{{{env {var}}}}}: {var} is not set"))?
        }
        _ => {
            return Err(format!(
                "{{{{{expr}}}}} is not a template; allowed: {KNOWN}"
            ));
        }
    })
}

/// `text` with every `{{…}}` replaced. Text without `{{` comes back unchanged.
pub fn expand(text: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err("a '{{' without its '}}'".into());
        };
        out.push_str(&one(after[..end].trim(), ctx)?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// True when `text` holds a template (compose says so under the payload).
pub fn has_template(text: &str) -> bool {
    text.contains("{{")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ctx(env: &dyn Fn(&str) -> Option<String>) -> Ctx<'_> {
        Ctx {
            seq: 7,
            now: SystemTime::UNIX_EPOCH + Duration::from_millis(1_764_000_000_123),
            env,
            vars: &[],
        }
    }

    #[test]
    fn expands_each_template_and_names_mistakes() {
        let env = |v: &str| (v == "ROOM").then(|| "3".to_string());
        let c = ctx(&env);
        assert_eq!(
            expand(
                "at {{now}} ({{timestamp}}) #{{seq}} room {{ env ROOM }}",
                &c
            )
            .unwrap(),
            "at 2025-11-24T16:00:00.123Z (1764000000) #7 room 3"
        );
        let u = expand("{{uuid}}", &c).unwrap();
        assert_eq!((u.len(), &u[14..15]), (36, "4"));
        let r: i64 = expand("{{rand 5 3}}", &c).unwrap().parse().unwrap();
        assert!((3..=5).contains(&r));
        assert_eq!(expand("plain {text}", &c).unwrap(), "plain {text}");
        assert!(
            expand("{{env NOPE}}", &c)
                .unwrap_err()
                .contains("NOPE is not set")
        );
        assert!(expand("{{date}}", &c).unwrap_err().contains("allowed: now"));
        assert!(expand("{{rand a 2}}", &c).is_err());
        assert!(expand("{{now", &c).is_err());
    }
}
