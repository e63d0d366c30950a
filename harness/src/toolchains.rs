//! Finding and running the reference Go toolchains that `scripts/go-toolchains.sh`
//! installs into the cache folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::version::Toolchain;

/// The exact release installed for each toolchain profile.
pub fn release(toolchain: Toolchain) -> &'static str {
    match toolchain {
        Toolchain::Go1_22 => "1.22.10",
        Toolchain::Go1_23 => "1.23.9",
        Toolchain::Go1_25 => "1.25.5",
        Toolchain::Go1_26 => "1.26.6",
        Toolchain::Go1_27 => "1.27.3",
    }
}

/// The cache folder: `$TRACE_HARNESS_GO_CACHE`, else `$XDG_CACHE_HOME/trace-harness/go`,
/// else `~/.cache/trace-harness/go` (the same rule as the install script).
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TRACE_HARNESS_GO_CACHE").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    base.join("trace-harness").join("go")
}

/// The `go` command of `toolchain`, if it is installed in the cache.
pub fn find(toolchain: Toolchain) -> Option<PathBuf> {
    let go = cache_dir()
        .join(format!("go{}", release(toolchain)))
        .join("bin")
        .join("go");
    go.is_file().then_some(go)
}

/// Whether a missing toolchain must fail rather than skip (CI sets `CI=true`).
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A `go` command with an environment that never reaches the network or changes toolchain.
pub fn go_command(go: &Path) -> Command {
    let mut cmd = Command::new(go);
    cmd.env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOTELEMETRY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("TZ", "UTC");
    cmd
}

/// The debug flag that dumps wire events: `-d=2` before Go 1.25, `-d=wire` after.
pub fn wire_flag(toolchain: Toolchain) -> &'static str {
    if toolchain < Toolchain::Go1_25 {
        "-d=2"
    } else {
        "-d=wire"
    }
}

/// Runs `go tool trace <wire flag> FILE` with `toolchain`.
pub fn go_wire_dump(go: &Path, toolchain: Toolchain, trace: &Path) -> std::io::Result<Output> {
    go_command(go)
        .args(["tool", "trace", wire_flag(toolchain)])
        .arg(trace)
        .output()
}

/// `GOROOT` of a toolchain (`go env GOROOT`).
pub fn goroot(go: &Path) -> std::io::Result<PathBuf> {
    let out = go_command(go).args(["env", "GOROOT"]).output()?;
    if !out.status.success() {
        return Err(std::io::Error::other(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Folder of Go's golden `.test` files in a GOROOT.
pub fn golden_dir(goroot: &Path, toolchain: Toolchain) -> PathBuf {
    let pkg = if toolchain == Toolchain::Go1_22 {
        "src/internal/trace/v2"
    } else {
        "src/internal/trace"
    };
    goroot.join(pkg).join("testdata").join("tests")
}
