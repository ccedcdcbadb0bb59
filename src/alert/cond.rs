//! What a message must hold to count, for `check`'s expects and the mock's rules: its payload
//! exactly, a regex, or a JSON field compared ("path op value"; numbers as the decimals
//! written, anything else as text).

use crate::decode::decimal::Decimal;

use super::ValueOf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// What a message must hold to count.
#[derive(Debug, Clone)]
pub enum Cond {
    /// The payload, exactly (as text).
    Equals(String),
    Matches(regex::Regex),
    /// A JSON field compared: numbers as the decimals written, anything else as text.
    Json {
        path: String,
        op: Op,
        value: String,
    },
}

impl Cond {
    pub fn holds(&self, payload: &[u8]) -> bool {
        match self {
            Cond::Equals(want) => payload == want.as_bytes(),
            Cond::Matches(re) => std::str::from_utf8(payload).is_ok_and(|t| re.is_match(t)),
            Cond::Json { path, op, value } => {
                let Some(got) = super::value::read(&ValueOf::Json(path.clone()), payload) else {
                    return false;
                };
                if let (Some(g), Some(w)) = (&got.number, Decimal::parse(value)) {
                    return match op {
                        Op::Eq => *g == w,
                        Op::Ne => *g != w,
                        Op::Lt => *g < w,
                        Op::Le => *g <= w,
                        Op::Gt => *g > w,
                        Op::Ge => *g >= w,
                    };
                }
                match op {
                    Op::Eq => got.text == *value,
                    Op::Ne => got.text != *value,
                    _ => false,
                }
            }
        }
    }

    pub fn words(&self) -> String {
        match self {
            Cond::Equals(s) => format!("= {s}"),
            Cond::Matches(re) => format!("~ {}", re.as_str()),
            Cond::Json { path, op, value } => {
                let op = match op {
                    Op::Eq => "=",
                    Op::Ne => "!=",
                    Op::Lt => "<",
                    Op::Le => "<=",
                    Op::Gt => ">",
                    Op::Ge => ">=",
                };
                format!("{path} {op} {value}")
            }
        }
    }
}

/// "path op value": the first operator (the two-character ones first at a place).
pub fn json_cond(text: &str) -> Option<Cond> {
    for (i, _) in text.char_indices() {
        let rest = &text[i..];
        let op = [
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .into_iter()
        .find(|(s, _)| rest.starts_with(s));
        if let Some((s, op)) = op {
            let path = text[..i].trim();
            let value = rest[s.len()..].trim().trim_matches('"');
            if path.is_empty() || path.split('.').any(str::is_empty) {
                return None;
            }
            return Some(Cond::Json {
                path: path.into(),
                op,
                value: value.into(),
            });
        }
    }
    None
}
