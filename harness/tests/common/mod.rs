//! Shared helpers for the integration tests: the committed corpus and the cached Go
//! toolchains.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use trace_harness::toolchains;
use trace_harness::Toolchain;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("harness/ has a parent")
        .to_path_buf()
}

/// One committed real trace and the Go toolchain that wrote it.
pub struct CorpusTrace {
    pub toolchain: Toolchain,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl CorpusTrace {
    /// The toolchain's own `-d=wire`/`-d=2` output committed beside the trace.
    pub fn expected_wire(&self) -> String {
        let path = self.path.with_extension("wire.txt");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn name(&self) -> String {
        let rel = self.path.strip_prefix(repo_root()).unwrap_or(&self.path);
        rel.display().to_string()
    }
}

/// Every committed trace under `corpus/traces/go1.NN/`, in a stable order.
pub fn corpus() -> Vec<CorpusTrace> {
    let root = repo_root().join("corpus").join("traces");
    let mut traces = Vec::new();
    for toolchain in Toolchain::ALL {
        let dir = root.join(toolchain.name());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "trace"))
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            traces.push(CorpusTrace {
                toolchain,
                path,
                bytes,
            });
        }
    }
    assert!(!traces.is_empty(), "no traces under {}", root.display());
    traces
}

/// The cached `go` of `toolchain`. Missing Go fails the test under CI (`CI=true`) and
/// skips it, loudly, elsewhere.
pub fn go_or_skip(toolchain: Toolchain) -> Option<PathBuf> {
    match toolchains::find(toolchain) {
        Some(go) => Some(go),
        None if toolchains::required() => panic!(
            "Go {} is not installed in {} (run scripts/go-toolchains.sh); CI requires it",
            toolchains::release(toolchain),
            toolchains::cache_dir().display()
        ),
        None => {
            eprintln!(
                "SKIPPED: Go {} not installed in {} (run scripts/go-toolchains.sh)",
                toolchains::release(toolchain),
                toolchains::cache_dir().display()
            );
            None
        }
    }
}
