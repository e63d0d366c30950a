//! The suite: committed corpus cases, Go's golden tests, generated valid traces and
//! catalogued corruptions, each with what it declares about itself.
//!
//! Corpus files name their expectation: `y_…` must be accepted, `n_…` rejected, `i_…` may
//! go either way (recorded, not judged). The real traces under `corpus/traces/` are all
//! `y_` cases. Generated and corrupted cases are described by seed and built by the worker
//! that runs them, so a large suite costs no memory up front.

use std::path::{Path, PathBuf};

use crate::corrupt::{Corruption, Expect};
use crate::gen::{self, Config};
use crate::golden::{self, GoldenFile};
use crate::version::{Toolchain, Version};

use super::{Case, Expectation, Origin};

/// What a case declares, besides its bytes.
#[derive(Clone, Debug)]
pub enum Declared {
    /// A corpus or suite file: `y_`, `n_` or `i_`.
    File(Expectation),
    /// A Go golden test of one release: SUCCESS, or FAILURE with Go's regular expression.
    Golden {
        /// The release whose source holds it.
        release: Toolchain,
        /// `None` for SUCCESS, else the FAILURE pattern.
        failure: Option<String>,
    },
    /// A generated valid trace and the model's listing of it (JSON lines, profile go1.27).
    Generated {
        /// The model's listing.
        listing: String,
    },
    /// A corrupted trace: per Go release, the error it must report (`None`: accepts).
    Corrupted {
        /// The corruption.
        corruption: Corruption,
        /// Per release that reads the trace's version.
        expect: Vec<(Toolchain, Option<Expect>)>,
    },
}

impl Declared {
    /// Whether a parser that behaves like `profile` (strict or not) must accept, reject,
    /// or may do either; for a rejection, a regular expression for its message where known.
    pub fn expectation(&self, profile: Toolchain, strict: bool) -> (Expectation, Option<String>) {
        match self {
            Declared::File(Expectation::Reject(_)) => (Expectation::Reject(None), None),
            Declared::File(e) => (e.clone(), None),
            Declared::Golden { release, failure } => match failure {
                None => (Expectation::Accept, None),
                Some(pattern) if *release == profile => {
                    (Expectation::Reject(None), Some(pattern.clone()))
                }
                Some(_) => (Expectation::Reject(None), None),
            },
            Declared::Generated { .. } => (Expectation::Accept, None),
            Declared::Corrupted { corruption, expect } => {
                if let (true, Some(pattern)) = (strict, corruption.strict_error()) {
                    return (Expectation::Reject(None), Some(pattern.to_string()));
                }
                match expect.iter().find(|(p, _)| *p == profile) {
                    Some((_, Some(e))) => (
                        Expectation::Reject(Some(e.clone())),
                        Some(e.go_pattern(profile)),
                    ),
                    Some((_, None)) => (Expectation::Accept, None),
                    None => (Expectation::Either, None),
                }
            }
        }
    }

    /// A name for the kind of case, for reports.
    pub fn label(&self) -> &'static str {
        match self {
            Declared::File(Expectation::Accept) => "y",
            Declared::File(Expectation::Reject(_)) => "n",
            Declared::File(Expectation::Either) => "i",
            Declared::Golden { .. } => "golden",
            Declared::Generated { .. } => "generated",
            Declared::Corrupted { .. } => "corrupted",
        }
    }
}

/// A case and its declaration.
#[derive(Clone, Debug)]
pub struct SuiteCase {
    /// The case.
    pub case: Case,
    /// What it declares.
    pub declared: Declared,
}

/// A case as listed, before it is built.
#[derive(Clone, Debug)]
pub enum CaseSpec {
    /// Already in memory.
    Ready(Box<SuiteCase>),
    /// A generated valid trace of `version` from `seed`.
    Generated {
        /// Header version.
        version: Version,
        /// Seed of config and trace.
        seed: u64,
    },
    /// Corruption `corruption` applied with `seed`.
    Corrupted {
        /// The corruption.
        corruption: Corruption,
        /// The seed given to `Corruption::apply`.
        seed: u64,
    },
}

impl CaseSpec {
    /// The case's name (known before it is built).
    pub fn name(&self) -> String {
        match self {
            CaseSpec::Ready(c) => c.case.name.clone(),
            CaseSpec::Generated { version, seed } => {
                format!("gen/go1.{}/seed-{seed}", version.number())
            }
            CaseSpec::Corrupted { corruption, seed } => {
                format!("corrupt/{}/seed-{seed}", corruption.name())
            }
        }
    }

    /// Builds the case; `Err` when a corruption finds no trace to apply to.
    pub fn build(&self) -> Result<SuiteCase, String> {
        match self {
            CaseSpec::Ready(c) => Ok((**c).clone()),
            CaseSpec::Generated { version, seed } => {
                let config = Config::from_seed(*version, *seed);
                let generated = gen::generate_with_oracle(&config, *seed);
                Ok(SuiteCase {
                    case: Case {
                        name: self.name(),
                        bytes: generated.bytes,
                        origin: Origin::Generated {
                            version: *version,
                            seed: *seed,
                        },
                    },
                    declared: Declared::Generated {
                        listing: generated.listing,
                    },
                })
            }
            CaseSpec::Corrupted { corruption, seed } => {
                let corrupted = corruption.apply(*seed, None)?;
                Ok(SuiteCase {
                    case: Case {
                        name: self.name(),
                        bytes: corrupted.bytes,
                        origin: Origin::Corrupted {
                            kind: corruption.name().to_string(),
                            seed: *seed,
                        },
                    },
                    declared: Declared::Corrupted {
                        corruption: *corruption,
                        expect: corrupted.expect,
                    },
                })
            }
        }
    }
}

/// The expectation a file's name declares: `y_`, `n_` or `i_` prefix.
pub fn declared_by_name(file_name: &str) -> Option<Expectation> {
    if file_name.starts_with("y_") {
        Some(Expectation::Accept)
    } else if file_name.starts_with("n_") {
        Some(Expectation::Reject(None))
    } else if file_name.starts_with("i_") {
        Some(Expectation::Either)
    } else {
        None
    }
}

/// Files of `dir` (recursively, sorted), skipping hidden ones and the `expected` lists.
fn files_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if name.starts_with('.') || name == "expected" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `y_`/`n_`/`i_` files under `dir`, named `prefix` + their path below `dir`.
pub fn folder_cases(dir: &Path, prefix: &str) -> std::io::Result<Vec<CaseSpec>> {
    let mut cases = Vec::new();
    for path in files_under(dir)? {
        let file_name = path.file_name().unwrap_or_default().to_string_lossy();
        let Some(expectation) = declared_by_name(&file_name) else {
            continue;
        };
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        let name = format!("{prefix}{}", rel.display());
        cases.push(CaseSpec::Ready(Box::new(SuiteCase {
            case: Case {
                bytes: std::fs::read(&path)?,
                origin: Origin::Corpus(path.display().to_string()),
                name,
            },
            declared: Declared::File(expectation),
        })));
    }
    Ok(cases)
}

/// The real traces under `corpus/traces/go1.NN/*.trace`: all must be accepted.
pub fn real_traces(corpus: &Path) -> std::io::Result<Vec<CaseSpec>> {
    let root = corpus.join("traces");
    let mut cases = Vec::new();
    if !root.is_dir() {
        return Ok(cases);
    }
    for path in files_under(&root)? {
        if path.extension().is_none_or(|x| x != "trace") {
            continue;
        }
        let rel = path.strip_prefix(&root).unwrap_or(&path);
        cases.push(CaseSpec::Ready(Box::new(SuiteCase {
            case: Case {
                name: format!("traces/{}", rel.display()),
                bytes: std::fs::read(&path)?,
                origin: Origin::Corpus(path.display().to_string()),
            },
            declared: Declared::File(Expectation::Accept),
        })));
    }
    Ok(cases)
}

/// Go's golden tests of `release` in `goroot`, assembled into binary traces; files that do
/// not parse or assemble are reported in the second list.
pub fn golden_cases(goroot: &Path, release: Toolchain) -> (Vec<CaseSpec>, Vec<String>) {
    let dir = crate::toolchains::golden_dir(goroot, release);
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    let Ok(files) = files_under(&dir) else {
        problems.push(format!("cannot read {}", dir.display()));
        return (cases, problems);
    };
    for path in files {
        if path.extension().is_none_or(|x| x != "test") {
            continue;
        }
        let file = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let built = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|input| {
                let golden = GoldenFile::parse(&input).map_err(|e| e.to_string())?;
                let bytes = crate::text::assemble(golden.trace).map_err(|e| e.to_string())?;
                let failure = match golden.expect {
                    golden::Expectation::Success => None,
                    golden::Expectation::Failure(pattern) => Some(pattern),
                };
                Ok((bytes, failure))
            });
        match built {
            Ok((bytes, failure)) => cases.push(CaseSpec::Ready(Box::new(SuiteCase {
                case: Case {
                    name: format!(
                        "golden/{}/{}",
                        release.name(),
                        file.trim_end_matches(".test")
                    ),
                    bytes,
                    origin: Origin::GoGolden {
                        release: crate::toolchains::release(release).to_string(),
                        file,
                    },
                },
                declared: Declared::Golden { release, failure },
            }))),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    (cases, problems)
}

/// `count` generated valid traces per trace version, seeds `seed..seed+count`.
pub fn generated_cases(count: u64, seed: u64) -> Vec<CaseSpec> {
    let mut cases = Vec::new();
    for version in Version::V2 {
        for i in 0..count {
            cases.push(CaseSpec::Generated {
                version,
                seed: seed.wrapping_add(i),
            });
        }
    }
    cases
}

/// `count` cases of every corruption of the catalogue, seeds `seed..seed+count`.
pub fn corrupted_cases(count: u64, seed: u64) -> Vec<CaseSpec> {
    let mut cases = Vec::new();
    for &corruption in Corruption::ALL {
        for i in 0..count {
            cases.push(CaseSpec::Corrupted {
                corruption,
                seed: seed.wrapping_add(i),
            });
        }
    }
    cases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_declare_expectations() {
        assert!(matches!(
            declared_by_name("y_a.trace"),
            Some(Expectation::Accept)
        ));
        assert!(matches!(
            declared_by_name("n_a.trace"),
            Some(Expectation::Reject(None))
        ));
        assert!(matches!(declared_by_name("i_a"), Some(Expectation::Either)));
        assert!(declared_by_name("a.trace").is_none());
    }

    #[test]
    fn specs_are_named_and_built_deterministically() {
        let generated = CaseSpec::Generated {
            version: Version::Go123,
            seed: 17,
        };
        assert_eq!(generated.name(), "gen/go1.23/seed-17");
        let (a, b) = (generated.build().unwrap(), generated.build().unwrap());
        assert_eq!(a.case.bytes, b.case.bytes);
        let corruption = Corruption::ALL[0];
        let corrupted = CaseSpec::Corrupted {
            corruption,
            seed: 3,
        };
        assert_eq!(
            corrupted.name(),
            format!("corrupt/{}/seed-3", corruption.name())
        );
        let built = corrupted.build().unwrap();
        let Declared::Corrupted { expect, .. } = &built.declared else {
            panic!("not a corrupted case");
        };
        for (profile, e) in expect {
            let (outcome, pattern) = built.declared.expectation(*profile, false);
            match e {
                Some(e) => {
                    assert!(matches!(outcome, Expectation::Reject(Some(_))));
                    assert_eq!(pattern, Some(e.go_pattern(*profile)));
                }
                None => assert!(matches!(outcome, Expectation::Accept)),
            }
        }
        assert_eq!(generated_cases(2, 5).len(), 2 * Version::V2.len());
        assert_eq!(corrupted_cases(2, 5).len(), 2 * Corruption::ALL.len());
    }

    #[test]
    fn golden_failure_patterns_apply_to_their_own_release() {
        let golden = Declared::Golden {
            release: Toolchain::Go1_25,
            failure: Some("bad".into()),
        };
        let (outcome, pattern) = golden.expectation(Toolchain::Go1_25, false);
        assert!(matches!(outcome, Expectation::Reject(None)));
        assert_eq!(pattern.as_deref(), Some("bad"));
        assert_eq!(golden.expectation(Toolchain::Go1_27, false).1, None);
    }
}
