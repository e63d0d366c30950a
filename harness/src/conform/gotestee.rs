//! Go's own trace parser as a persistent [`PipeTestee`]: a small Go program of this
//! repository (`harness/go/testee/`), built once per cached toolchain against that
//! release's parser package, that answers each framed request with exactly what the
//! release's `trace` tool prints with `-d=parsed` (`-d=1` in Go 1.22 and 1.23): one
//! `Event.String()` line per event, then, on a rejection, the error and a newline (the
//! tool's stderr). A panic in the parser or in `String()` is status 2 with its message.
//!
//! The program is a test file of package `trace_test`, overlaid onto the GOROOT's
//! `internal/trace` (`internal/trace/v2` in Go 1.22) with `go test -c -overlay`, since the
//! parser is internal to the standard library; GOROOT is never written. In Go 1.22 a file
//! whose header is not a go 1.22+ one goes to the old parser as in the tool, whose
//! `failed to parse trace: ...` message it reproduces (without the tool's timestamped
//! "Parsing trace..." log line).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::pipe::PipeTestee;
use super::{Dialect, TesteeFailure};
use crate::toolchains;
use crate::version::Toolchain;

/// The protocol loop (release-independent).
const SERVE_SOURCE: &str = include_str!("../../go/testee/serve_test.go");
/// Go 1.23+: the tool's parsed-event dump.
const PARSE_SOURCE: &str = include_str!("../../go/testee/parse_test.go");
/// Go 1.22: the same, with the tool's fallback to the old parser.
const PARSE_GO122_SOURCE: &str = include_str!("../../go/testee/parse_go122_test.go");

/// The Go test that serves the protocol, and the environment variable that arms it.
const SERVE_TEST: &str = "^TestHarnessTesteeServe$";
const SERVE_ENV: &str = "HARNESS_TESTEE_SERVE";

/// The Go test that parses a file without formatting and prints `events N elapsed_ns T
/// cpu_ns C` per run, and the environment variables naming the file and the number of runs.
const PARSE_ONLY_TEST: &str = "^TestHarnessTesteeParseOnly$";
const PARSE_ONLY_FILE_ENV: &str = "HARNESS_TESTEE_PARSE_FILE";
const PARSE_ONLY_RUNS_ENV: &str = "HARNESS_TESTEE_PARSE_RUNS";

/// A command that has Go's parser of `go` read `file` `runs` times without formatting
/// anything, printing `events N elapsed_ns T cpu_ns C` per run (exit 1 if the parser
/// rejects it).
/// Builds the testee if needed.
pub fn parse_only_command(
    go: &Path,
    file: &Path,
    runs: usize,
) -> Result<std::process::Command, String> {
    let binary = build(go)?;
    let mut cmd = std::process::Command::new(binary);
    cmd.arg(format!("-test.run={PARSE_ONLY_TEST}"))
        .arg("-test.timeout=0")
        .env(PARSE_ONLY_FILE_ENV, file)
        .env(PARSE_ONLY_RUNS_ENV, runs.max(1).to_string())
        .env("TZ", "UTC");
    Ok(cmd)
}

/// A toolchain's release (`go1.27.3` gives `1.27.3`) and its parser package's folder.
struct GoInfo {
    release: String,
    goroot: PathBuf,
}

fn go_info(go: &Path) -> Result<GoInfo, String> {
    let out = toolchains::go_command(go)
        .args(["env", "GOVERSION", "GOROOT"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", go.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} env failed: {}",
            go.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let (Some(version), Some(goroot)) = (lines.next(), lines.next()) else {
        return Err(format!("unexpected `go env` output: {text:?}"));
    };
    Ok(GoInfo {
        release: version.trim().trim_start_matches("go").to_string(),
        goroot: PathBuf::from(goroot.trim()),
    })
}

/// FNV-1a, 64 bits: a stable hash of the Go source for the cache key.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain([0u8].iter()) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Builds the Go testee for toolchain `go` (once; later calls return the cached binary
/// under [`toolchains::cache_dir`]`/testee/`, keyed by release and a hash of the source).
pub fn build(go: &Path) -> Result<PathBuf, String> {
    let info = go_info(go)?;
    let v2_dir = info.goroot.join("src/internal/trace/v2");
    // Go 1.22 keeps the new parser under internal/trace/v2; later releases in internal/trace.
    let (package, pkg_dir, parse_source) = if v2_dir.join("reader.go").is_file() {
        ("internal/trace/v2", v2_dir, PARSE_GO122_SOURCE)
    } else {
        (
            "internal/trace",
            info.goroot.join("src/internal/trace"),
            PARSE_SOURCE,
        )
    };
    let key = fnv1a(&[SERVE_SOURCE, parse_source, package]);
    let dir = toolchains::cache_dir()
        .join("testee")
        .join(format!("go{}-{key:016x}", info.release));
    let binary = dir.join("trace-testee");
    if binary.is_file() {
        return Ok(binary);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // In the cache folder itself, so that the final rename stays on one file system.
    let scratch_dir = tempfile::Builder::new()
        .prefix("build-")
        .tempdir_in(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let scratch = scratch_dir.path();
    let serve = scratch.join("serve_test.go");
    let parse = scratch.join("parse_test.go");
    let overlay = scratch.join("overlay.json");
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(&serve, SERVE_SOURCE)?;
    write(&parse, parse_source)?;
    let replace = serde_json::json!({ "Replace": {
        path_str(&pkg_dir.join("zz_harness_testee_serve_test.go"))?: path_str(&serve)?,
        path_str(&pkg_dir.join("zz_harness_testee_parse_test.go"))?: path_str(&parse)?,
    }});
    write(&overlay, &replace.to_string())?;
    let built = scratch.join("trace-testee");
    let out = toolchains::go_command(go)
        // The standard library is its own module; `-mod=mod` does not apply to it.
        .env("GOFLAGS", "")
        .arg("test")
        .arg("-c")
        .arg("-vet=off")
        .arg(format!("-overlay={}", overlay.display()))
        .arg("-o")
        .arg(&built)
        .arg(package)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", go.display()))?;
    let result = if out.status.success() && built.is_file() {
        // Atomic, so concurrent builders never run a half-written binary.
        std::fs::rename(&built, &binary).map_err(|e| format!("{}: {e}", binary.display()))
    } else {
        Err(format!(
            "building the Go testee for go{} failed: {}",
            info.release,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    };
    drop(scratch_dir);
    result.map(|()| binary)
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))
}

/// The Go testee of `go` (release `toolchain`) as a [`PipeTestee`] named `go@<release>`,
/// built if needed and started, with a per-case `timeout`.
pub fn spawn(
    go: &Path,
    toolchain: Toolchain,
    timeout: Duration,
) -> Result<PipeTestee, TesteeFailure> {
    let binary = build(go).map_err(TesteeFailure::Unavailable)?;
    let mut testee = PipeTestee::new(
        format!("go@{}", toolchains::release(toolchain)),
        Dialect::Go(toolchain),
        binary,
    )
    .args([format!("-test.run={SERVE_TEST}"), "-test.timeout=0".into()])
    .env(SERVE_ENV, "1")
    // Event.String() prints wall-clock times of Sync events in the local zone.
    .env("TZ", "UTC")
    .timeout(timeout);
    // A long-lived server of small traces collects garbage often at Go's default
    // GOGC=100 (differential_go runs ~19% faster at 400); the soft memory cap keeps large
    // traces bounded. The caller's own settings win.
    for (name, value) in [("GOGC", "400"), ("GOMEMLIMIT", "2GiB")] {
        if std::env::var_os(name).is_none() {
            testee = testee.env(name, value);
        }
    }
    testee.start()?;
    Ok(testee)
}
