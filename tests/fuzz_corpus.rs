//! Every fuzz target over its corpus (`fuzz/corpus/TARGET/`), as an ordinary test: what the
//! fuzzers found interesting stays checked on stable Rust and in CI, which has no nightly
//! toolchain. The bodies are the fuzz targets' own (`fuzz/bodies.rs`).

#[path = "../fuzz/bodies.rs"]
mod bodies;

use std::path::Path;

#[test]
fn every_fuzz_target_over_its_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut total = 0;
    for (name, body) in bodies::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{name}: an empty corpus");
        for f in &files {
            // (A fuzzer running beside may have just reduced a file away.)
            let Ok(data) = std::fs::read(f) else {
                continue;
            };
            if std::env::var_os("MQSCOPE_FUZZ_TRACE").is_some() {
                eprintln!("{name}: {}", f.display());
            }
            let run = std::panic::catch_unwind(|| body(&data));
            assert!(run.is_ok(), "{name}: {} fails", f.display());
        }
        total += files.len();
    }
    eprintln!(
        "{total} corpus inputs over {} targets",
        bodies::TARGETS.len()
    );
}
