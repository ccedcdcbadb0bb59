//! A received message's topic: UTF-8 text that shares the network buffer it arrived in.
//!
//! Why not a `String`: in a client-bound flood, allocating every topic on the worker's thread
//! and freeing it on the store's (glibc takes the other arena's lock for that) was most of the
//! 19% that `malloc` and `free` took of `mqscope ingest`'s CPU against the blaster (`perf`).
//! A `TopicText` is a slice of the bytes already read, checked once.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use bytes::Bytes;

/// UTF-8 by construction: the only ways in check it or start from a `str`. Hashed as its `str`
/// (not as bytes), as `Borrow<str>` requires: a map keyed by it is looked up by `&str`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct TopicText(Bytes);

impl std::hash::Hash for TopicText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl TopicText {
    /// The bytes as they came; invalid UTF-8 from a broken peer is replaced (U+FFFD), which
    /// keeps it visible instead of failing the connection. Valid text is not copied.
    pub fn from_utf8_lossy(bytes: Bytes) -> TopicText {
        match std::str::from_utf8(&bytes) {
            Ok(_) => TopicText(bytes),
            Err(_) => TopicText(Bytes::from(String::from_utf8_lossy(&bytes).into_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: every constructor above and below either checked these bytes as UTF-8 or
        // took them from a `str`, and the field is private and never mutated.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

impl Deref for TopicText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for TopicText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for TopicText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for TopicText {
    fn from(s: String) -> TopicText {
        TopicText(Bytes::from(s))
    }
}

impl From<&str> for TopicText {
    fn from(s: &str) -> TopicText {
        TopicText(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<&String> for TopicText {
    fn from(s: &String) -> TopicText {
        TopicText::from(s.as_str())
    }
}

impl From<TopicText> for String {
    fn from(t: TopicText) -> String {
        t.as_str().to_owned()
    }
}

impl PartialEq<str> for TopicText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for TopicText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for TopicText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Display for TopicText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for TopicText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_text_is_shared_and_invalid_bytes_are_replaced() {
        let buf = Bytes::from_static(b"a/b\xffc");
        let ok = TopicText::from_utf8_lossy(buf.slice(0..3));
        assert_eq!(ok, "a/b");
        assert_eq!(ok.0.as_ptr(), buf.as_ptr(), "valid text is not copied");
        let bad = TopicText::from_utf8_lossy(buf.slice(2..5));
        assert_eq!(bad.as_str(), "b\u{fffd}c");
        assert_eq!(TopicText::from("x/ÿ").len(), 4);
        assert_eq!(String::from(TopicText::from(String::from("s"))), "s");
        let mut map = std::collections::HashMap::new();
        map.insert(TopicText::from("a/b"), 1);
        assert_eq!(map.get("a/b"), Some(&1), "found by &str: hashed as its str");
    }
}
