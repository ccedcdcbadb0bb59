//! The one keymap table: no key bound twice in one context, none shadowed along the contexts a
//! key is looked up in, and every context's keys in `?` under a name of its own.

use std::collections::{HashMap, HashSet};

use mqscope::app::keymap::{Ctx, KEYMAP};

/// The contexts a key is looked up in, in order (as `App::on_key` and the popups do).
fn paths() -> Vec<Vec<Ctx>> {
    let mut paths = vec![
        vec![Ctx::Anywhere, Ctx::Tree, Ctx::Panes],
        vec![Ctx::Anywhere, Ctx::Log, Ctx::Panes],
        vec![Ctx::Anywhere, Ctx::Compose],
        vec![Ctx::Anywhere, Ctx::Compose, Ctx::Qos],
        vec![Ctx::Anywhere, Ctx::Compose, Ctx::Retain],
    ];
    for popup in [
        Ctx::Help,
        Ctx::Palette,
        Ctx::Picker,
        Ctx::Filter,
        Ctx::Confirm,
        Ctx::Subs,
        Ctx::SubForm,
        Ctx::Props,
        Ctx::Cleanup,
        Ctx::History,
        Ctx::ProfileForm,
        Ctx::View,
        Ctx::RepeatPrompt,
        Ctx::FilePrompt,
        Ctx::SnippetName,
    ] {
        paths.push(vec![popup, Ctx::Anywhere]);
    }
    paths
}

#[test]
fn no_key_is_bound_twice_in_one_context() {
    let mut seen: HashMap<(String, String), &str> = HashMap::new();
    for b in KEYMAP {
        for (code, mods) in b.keys {
            let k = (format!("{:?}", b.ctx), format!("{code:?}+{mods:?}"));
            if let Some(first) = seen.insert(k.clone(), b.help) {
                panic!("{k:?} is bound twice: {first:?} and {:?}", b.help);
            }
        }
    }
}

#[test]
fn no_key_is_shadowed_along_a_lookup_path() {
    for path in paths() {
        // The first context that binds a key wins; a later one binding it to another action
        // is never reached.
        let mut winner: HashMap<String, (Ctx, String)> = HashMap::new();
        for ctx in &path {
            for b in KEYMAP.iter().filter(|b| b.ctx == *ctx) {
                for (code, mods) in b.keys {
                    let key = format!("{code:?}+{mods:?}");
                    let action = format!("{:?}", b.action);
                    match winner.get(&key) {
                        Some((first, a)) if *a != action => panic!(
                            "{key} in {:?} ({:?}) is shadowed by {first:?} ({a}) on the path {path:?}",
                            ctx, b.help
                        ),
                        Some(_) => {}
                        None => {
                            winner.insert(key, (*ctx, action));
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn every_context_has_a_name_of_its_own_in_help() {
    let mut names = HashSet::new();
    let mut contexts = HashSet::new();
    for b in KEYMAP {
        if contexts.insert(format!("{:?}", b.ctx)) {
            assert!(
                names.insert(b.ctx.label()),
                "two contexts are called {:?}",
                b.ctx.label()
            );
        }
    }
    assert!(contexts.len() >= 20, "{contexts:?}");
}
