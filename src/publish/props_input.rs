//! MQTT 5 publish properties as users type them, on the command line (`pub --user-property
//! K=V`) and in the compose pane's properties form: parsed here once, with errors that say what
//! is allowed. Pure: no I/O.

use bytes::Bytes;

use crate::mqtt::Properties;

/// Correlation data nobody else will pick: 16 random bytes, as hex text.
pub fn new_correlation() -> Bytes {
    let text: String = (0..16)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect();
    Bytes::from(text.into_bytes())
}

/// `key=value` (the first `=` splits; the value may hold more).
pub fn user_property(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!(
            "'{}': a user property is key=value",
            crate::text::clean(s)
        )),
    }
}

/// Correlation data: `hex:0a1b…` for bytes, anything else as its UTF-8 text.
pub fn correlation(s: &str) -> Result<Bytes, String> {
    match s.strip_prefix("hex:") {
        Some(h) => hex(h).map(Bytes::from),
        None => Ok(Bytes::from(s.as_bytes().to_vec())),
    }
}

/// Hex digits (spaces allowed between bytes) as bytes.
pub fn hex(s: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err("hex: an even number of digits is needed".into());
    }
    digits
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| format!("hex: '{}' is not a byte", String::from_utf8_lossy(pair)))
        })
        .collect()
}

/// `utf8` (1) or `bytes` (0).
pub fn payload_format(s: &str) -> Result<u8, String> {
    match s {
        "utf8" | "utf-8" | "1" => Ok(1),
        "bytes" | "0" => Ok(0),
        other => Err(format!(
            "payload format '{}': allowed are utf8 and bytes",
            crate::text::clean(other)
        )),
    }
}

/// Checks that `payload` fits what `props` declares (a UTF-8 format indicator needs UTF-8).
pub fn check_payload(props: &Properties, payload: &[u8]) -> Result<(), String> {
    if props.payload_format_indicator == Some(1)
        && let Err(e) = std::str::from_utf8(payload)
    {
        return Err(format!(
            "the payload format says UTF-8, but the payload is not (at byte {})",
            e.valid_up_to()
        ));
    }
    Ok(())
}

/// Correlation data as shown back (and typed again): its text when it is printable UTF-8 that
/// does not itself start with `hex:`, else `hex:…`.
pub fn correlation_text(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(t) if !t.starts_with("hex:") && !t.chars().any(char::is_control) => t.to_string(),
        _ => format!(
            "hex:{}",
            data.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_users_type_and_says_what_is_allowed() {
        assert_eq!(user_property("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert!(user_property("=x").is_err() && user_property("nokey").is_err());
        assert_eq!(correlation("req-1").unwrap(), Bytes::from_static(b"req-1"));
        assert_eq!(
            correlation("hex:00 ff").unwrap(),
            Bytes::from_static(&[0, 0xff])
        );
        assert!(correlation("hex:0").is_err() && correlation("hex:zz").is_err());
        assert_eq!(payload_format("utf8"), Ok(1));
        assert!(
            payload_format("text")
                .unwrap_err()
                .contains("utf8 and bytes")
        );
        assert_eq!(correlation_text(&[0, 1]), "hex:0001");
        let p = Properties {
            payload_format_indicator: Some(1),
            ..Properties::default()
        };
        assert!(check_payload(&p, &[0xff]).is_err());
    }
}
