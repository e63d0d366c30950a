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

/// Go's `TestReaderGolden` loop over `$HARNESS_GOLDEN/*.test` instead of the package's own
/// testdata: the same `testtrace.ParseFile`, validator and `testReader` Go runs on its
/// golden files. Overlaid onto GOROOT's `internal/trace` (its tests live in package
/// `trace_test`), so the cached GOROOT is never written.
const GO_GOLDEN_TEST: &str = r#"package trace_test

import (
	"os"
	"path/filepath"
	"testing"

	"internal/trace/testtrace"
)

func TestHarnessGolden(t *testing.T) {
	matches, err := filepath.Glob(filepath.Join(os.Getenv("HARNESS_GOLDEN"), "*.test"))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no .test files in $HARNESS_GOLDEN: %v", err)
	}
	for _, testPath := range matches {
		t.Run(filepath.Base(testPath), func(t *testing.T) {
			tr, ver, exp, err := testtrace.ParseFile(testPath)
			if err != nil {
				t.Fatalf("failed to parse test file at %s: %v", testPath, err)
			}
			v := testtrace.NewValidator()
			v.GoVersion = ver
			testReader(t, tr, v, exp)
		})
	}
}
"#;

/// Runs Go's golden test runner of `go` over the `.test` files in `dir`; each passing file
/// prints `--- PASS: TestHarnessGolden/<file>`.
pub fn go_golden_runner(go: &Path, dir: &Path) -> std::process::Output {
    let goroot = toolchains::goroot(go).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let test_file = scratch.path().join("harness_golden_test.go");
    std::fs::write(&test_file, GO_GOLDEN_TEST).unwrap();
    let target = goroot.join("src/internal/trace/harness_golden_test.go");
    let overlay = scratch.path().join("overlay.json");
    let replace =
        serde_json::json!({ "Replace": { target.to_str().unwrap(): test_file.to_str().unwrap() } });
    std::fs::write(&overlay, replace.to_string()).unwrap();
    toolchains::go_command(go)
        // The standard library is its own module; `-mod=mod` does not apply to it.
        .env("GOFLAGS", "")
        .env("HARNESS_GOLDEN", dir)
        .arg("test")
        .arg(format!("-overlay={}", overlay.display()))
        .args([
            "-count=1",
            "-v",
            "-run=^TestHarnessGolden$",
            "internal/trace",
        ])
        .output()
        .unwrap()
}

/// Event blocks (an `M=` line and the stack lines under it), grouped by equal `Time=` and
/// sorted within each group: equal when two listings differ only in how ties were broken,
/// which Go 1.22 and 1.23 do by map iteration order.
pub fn tie_insensitive(listing: &str) -> Vec<Vec<String>> {
    let mut blocks: Vec<String> = Vec::new();
    for line in listing.split_inclusive('\n') {
        match blocks.last_mut() {
            Some(block) if !line.starts_with("M=") => block.push_str(line),
            _ => blocks.push(line.to_string()),
        }
    }
    let time = |b: &str| {
        b.split_whitespace()
            .find(|t| t.starts_with("Time="))
            .map(str::to_string)
    };
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut last_time = None;
    for block in blocks {
        let t = time(&block);
        if t.is_none() || t != last_time || groups.is_empty() {
            groups.push(Vec::new());
        }
        last_time = t;
        groups.last_mut().unwrap().push(block);
    }
    for g in &mut groups {
        g.sort();
    }
    groups
}

/// The event blocks with `Time=` removed, sorted: what happened, regardless of order.
pub fn same_events(listing: &str) -> Vec<String> {
    let mut v: Vec<String> = tie_insensitive(listing)
        .into_iter()
        .flatten()
        .map(|b| {
            b.split(' ')
                .filter(|t| !t.starts_with("Time="))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    v.sort();
    v
}
