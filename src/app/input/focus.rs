//! Which pane has the keys. The compose pane is one stop on the ring with an inner focus of its
//! own (`Focus::Compose(Field)`), so adding a field touches the compose form, not every pane.

use crate::app::compose::Field;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Tree,
    Log,
    Compose(Field),
}

impl Focus {
    /// Tab's order: tree → log → the compose fields in their order → tree.
    fn ring() -> impl Iterator<Item = Focus> {
        [Focus::Tree, Focus::Log]
            .into_iter()
            .chain(Field::ORDER.iter().map(|f| Focus::Compose(*f)))
    }

    pub fn next(self) -> Focus {
        let ring: Vec<Focus> = Self::ring().collect();
        let i = ring.iter().position(|f| *f == self).unwrap_or(0);
        ring[(i + 1) % ring.len()]
    }

    pub fn prev(self) -> Focus {
        let ring: Vec<Focus> = Self::ring().collect();
        let i = ring.iter().position(|f| *f == self).unwrap_or(0);
        ring[(i + ring.len() - 1) % ring.len()]
    }

    pub fn is_compose(self) -> bool {
        matches!(self, Focus::Compose(_))
    }

    /// A text field has the keys: letters are typed, not looked up as commands.
    pub fn is_text(self) -> bool {
        matches!(self, Focus::Compose(f) if f.is_text())
    }

    pub fn field(self) -> Option<Field> {
        match self {
            Focus::Compose(f) => Some(f),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_goes_round_every_field() {
        let mut f = Focus::Tree;
        let mut seen = vec![f];
        for _ in 0..5 {
            f = f.next();
            seen.push(f);
        }
        assert_eq!(
            seen,
            [
                Focus::Tree,
                Focus::Log,
                Focus::Compose(Field::Topic),
                Focus::Compose(Field::Payload),
                Focus::Compose(Field::Qos),
                Focus::Compose(Field::Retain),
            ]
        );
        assert_eq!(f.next(), Focus::Tree);
        assert_eq!(Focus::Tree.prev(), Focus::Compose(Field::Retain));
    }
}
