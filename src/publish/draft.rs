//! A publish on its way to the worker: the one `Publish` value, and whether its topic and
//! payload are compose templates still to expand (they are expanded when it is sent, so each
//! repeat gets its own `{{seq}}` and `{{now}}`).

use super::Publish;

/// A publish on its way out: the one `Publish` value, and whether its topic and payload are
/// templates still to expand. Reads as the `Publish` it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub publish: Publish,
    /// Typed in compose: `{{now}}`-style templates in topic and payload are expanded when it is
    /// sent (`crate::publish::template`). Other publishes (a Rebirth, a clean-up) are sent as they are.
    pub templated: bool,
}

impl Draft {
    /// A publish sent as it is (no templates).
    pub fn plain(publish: Publish) -> Draft {
        Draft {
            publish,
            templated: false,
        }
    }
}

impl std::ops::Deref for Draft {
    type Target = Publish;
    fn deref(&self) -> &Publish {
        &self.publish
    }
}
