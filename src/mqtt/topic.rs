//! Topic names and filters: validation (before anything reaches the wire) and matching.

use thiserror::Error;

/// MQTT strings carry a 16-bit length prefix.
pub const MAX_TOPIC_BYTES: usize = 65_535;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TopicError {
    #[error("topic is empty")]
    Empty,
    #[error("topic is {0} bytes; at most 65535 are allowed")]
    TooLong(usize),
    #[error("topic contains a NUL character")]
    Nul,
    #[error("topic contains the wildcard '{0}'; wildcards are for subscriptions only")]
    Wildcard(char),
    #[error("filter is empty")]
    EmptyFilter,
    #[error("filter is {0} bytes; at most 65535 are allowed")]
    FilterTooLong(usize),
    #[error("filter contains a NUL character")]
    FilterNul,
    #[error("'#' must be the last level of a filter, alone in its level")]
    BadMultiLevel,
    #[error("'+' must stand alone in its level")]
    BadSingleLevel,
}

/// A topic name we may publish to.
pub fn validate_topic(topic: &str) -> Result<(), TopicError> {
    if topic.is_empty() {
        return Err(TopicError::Empty);
    }
    if topic.len() > MAX_TOPIC_BYTES {
        return Err(TopicError::TooLong(topic.len()));
    }
    if topic.contains('\0') {
        return Err(TopicError::Nul);
    }
    if let Some(c) = topic.chars().find(|c| *c == '+' || *c == '#') {
        return Err(TopicError::Wildcard(c));
    }
    Ok(())
}

/// A filter we may subscribe with.
pub fn validate_filter(filter: &str) -> Result<(), TopicError> {
    if filter.is_empty() {
        return Err(TopicError::EmptyFilter);
    }
    if filter.len() > MAX_TOPIC_BYTES {
        return Err(TopicError::FilterTooLong(filter.len()));
    }
    if filter.contains('\0') {
        return Err(TopicError::FilterNul);
    }
    let levels: Vec<&str> = filter.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || i + 1 != levels.len()) {
            return Err(TopicError::BadMultiLevel);
        }
        if level.contains('+') && *level != "+" {
            return Err(TopicError::BadSingleLevel);
        }
    }
    Ok(())
}

/// True when `filter` contains a wildcard level.
pub fn is_wildcard_filter(filter: &str) -> bool {
    filter.split('/').any(|l| l == "+" || l == "#")
}

/// MQTT filter matching (section 4.7), including the rule that wildcards at the first level do
/// not match topics starting with '$'.
pub fn filter_matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(fl), Some(tl)) if fl == tl => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_rules() {
        assert_eq!(validate_topic(""), Err(TopicError::Empty));
        assert_eq!(validate_topic("a/+/b"), Err(TopicError::Wildcard('+')));
        assert_eq!(validate_topic("a/#"), Err(TopicError::Wildcard('#')));
        assert_eq!(validate_topic("a\0b"), Err(TopicError::Nul));
        assert_eq!(
            validate_topic(&"x".repeat(65_536)),
            Err(TopicError::TooLong(65_536))
        );
        assert_eq!(validate_topic("/a//b/"), Ok(()));
    }

    #[test]
    fn filter_rules() {
        assert_eq!(validate_filter("a/#"), Ok(()));
        assert_eq!(validate_filter("#"), Ok(()));
        assert_eq!(validate_filter("+/x/+"), Ok(()));
        assert_eq!(validate_filter("a/#/b"), Err(TopicError::BadMultiLevel));
        assert_eq!(validate_filter("a#"), Err(TopicError::BadMultiLevel));
        assert_eq!(validate_filter("a+/b"), Err(TopicError::BadSingleLevel));
        assert_eq!(validate_filter(""), Err(TopicError::EmptyFilter));
    }

    #[test]
    fn matching() {
        assert!(filter_matches("#", "a/b"));
        assert!(filter_matches("a/#", "a"));
        assert!(filter_matches("a/#", "a/b/c"));
        assert!(filter_matches("a/+/c", "a/b/c"));
        assert!(!filter_matches("a/+/c", "a/b/d"));
        assert!(!filter_matches("a/+", "a/b/c"));
        assert!(filter_matches("+/+", "/x"));
        assert!(!filter_matches("#", "$SYS/x"));
        assert!(filter_matches("$SYS/#", "$SYS/x"));
        assert!(!filter_matches("a/b", "a/b/c"));
    }
}
