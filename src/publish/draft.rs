//! A publish on its way to the worker: the one `Publish` value, whether it came from compose
//! (its outcome is then kept in the publish history, whatever its encoding) and whether its
//! topic and payload are compose templates still to expand (the app expands them as it sends,
//! so each repeat gets its own `{{seq}}` and `{{now}}`).

use super::Publish;

/// A publish on its way out: the one `Publish` value, and whether its topic and payload are
/// templates still to expand. Reads as the `Publish` it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub publish: Publish,
    /// Typed in compose: `{{now}}`-style templates in topic and payload are expanded when it is
    /// sent (`crate::publish::template`). Other publishes (a Rebirth, a clean-up) are sent as they are.
    pub templated: bool,
    /// Sent from compose (Ctrl+S, a repeat, a request): kept in the publish history once its
    /// outcome is known, text, hex, base64 or a file's bytes alike.
    pub compose: bool,
}

impl Draft {
    /// A publish sent as it is (no templates), not from compose.
    pub fn plain(publish: Publish) -> Draft {
        Draft {
            publish,
            templated: false,
            compose: false,
        }
    }
}

impl std::ops::Deref for Draft {
    type Target = Publish;
    fn deref(&self) -> &Publish {
        &self.publish
    }
}
