//! Minimization: synthetic predicates shrink generated, corrupted and arbitrary cases to
//! much smaller ones that still satisfy them, deterministically and within the budget; a
//! minimized case is written as trace, Go golden test, text form and README; and the
//! committed minimized divergence between Go releases still diverges.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use trace_harness::conform::gotestee;
use trace_harness::conform::minimize::{self, minimize, CaseNote, Minimized};
use trace_harness::conform::{Case, Origin, Testee};
use trace_harness::corrupt::{reference_error, Corruption};
use trace_harness::gen::{self, Config};
use trace_harness::raw::RawTrace;
use trace_harness::spec::ev;
use trace_harness::{golden, text, Toolchain, Version};

fn generated(version: Version, seed: u64) -> Case {
    let bytes = gen::generate(&Config::from_seed(version, seed), seed);
    Case {
        name: format!("gen/{version}/seed-{seed}"),
        bytes,
        origin: Origin::Generated { version, seed },
    }
}

fn corrupted(corruption: Corruption, seed: u64) -> Case {
    let c = corruption.apply(seed, None).unwrap();
    Case {
        name: format!("corrupt/{}/seed-{seed}", corruption.name()),
        bytes: c.bytes,
        origin: Origin::Corrupted {
            kind: corruption.name().to_string(),
            seed,
        },
    }
}

fn has_event(bytes: &[u8], ty: u8) -> bool {
    [Toolchain::Go1_27, Toolchain::Go1_23].iter().any(|&t| {
        RawTrace::parse(bytes, t).is_ok_and(|trace| trace.events.iter().any(|e| e.ty == ty))
    })
}

fn report(what: &str, m: &Minimized) {
    eprintln!(
        "{what}: {} -> {} bytes in {} predicate calls",
        m.original_len,
        m.case.bytes.len(),
        m.calls
    );
}

/// "Holds a GoSwitch and the reference accepts it": the generator config shrinks first,
/// so the result is still a valid trace, and much smaller.
#[test]
fn a_valid_trace_with_a_go_switch_shrinks() {
    let mut predicate = |c: &Case| {
        has_event(&c.bytes, ev::GO_SWITCH) && reference_error(&c.bytes, Toolchain::Go1_27).is_none()
    };
    let case = (0..200)
        .map(|seed| generated(Version::Go126, seed))
        .find(|c| c.bytes.len() > 4000 && predicate(c))
        .expect("a seed with a GoSwitch");
    let m = minimize(&case, &mut predicate, minimize::DEFAULT_BUDGET);
    report("GoSwitch", &m);
    assert!(m.held);
    assert!(predicate(&m.case));
    assert!(
        m.case.bytes.len() * 4 <= case.bytes.len(),
        "{} -> {}",
        case.bytes.len(),
        m.case.bytes.len()
    );
    let config = m.config.as_ref().expect("the config stage ran");
    assert_eq!(config.generations, 1, "{config:?}");
    assert!(m.calls <= minimize::DEFAULT_BUDGET);

    // Deterministic: the same case and predicate give the same bytes.
    let again = minimize(&case, &mut predicate, minimize::DEFAULT_BUDGET);
    assert_eq!(again.case.bytes, m.case.bytes);
    assert_eq!(again.calls, m.calls);
}

/// The version mix "go 1.23 events under a go 1.22 header", with the predicate "Go 1.22
/// rejects it, Go 1.23 accepts it" (as the reference reproduces them).
#[test]
fn a_version_mix_shrinks_and_still_divergences() {
    let mut predicate = |c: &Case| {
        reference_error(&c.bytes, Toolchain::Go1_22).is_some()
            && reference_error(&c.bytes, Toolchain::Go1_23).is_none()
    };
    let case = corrupted(Corruption::Go123EventsInGo122, 7);
    assert!(predicate(&case));
    let m = minimize(&case, &mut predicate, minimize::DEFAULT_BUDGET);
    report("go123-events-in-go122", &m);
    assert!(predicate(&m.case));
    assert!(m.case.bytes.len() * 4 <= case.bytes.len());
    assert!(m.config.is_some(), "the corruption's config was shrunk");
    assert!(m.case.bytes.len() < 600, "{} bytes", m.case.bytes.len());
}

/// Bytes that split into no records (a broken header) shrink by byte ranges.
#[test]
fn a_broken_header_shrinks_to_little_more_than_the_header() {
    let case = corrupted(Corruption::BadHeader, 3);
    let mut predicate = |c: &Case| {
        reference_error(&c.bytes, Toolchain::Go1_27)
            .is_some_and(|e| matches!(e.kind, trace_harness::ErrorKind::BadHeader))
    };
    let m = minimize(&case, &mut predicate, 400);
    report("bad-header", &m);
    assert!(predicate(&m.case));
    assert!(m.calls <= 400);
    assert!(m.case.bytes.len() <= 16, "{} bytes", m.case.bytes.len());
}

/// A corpus trace (no generator origin) shrinks structurally: generations, batches,
/// goroutines and events.
#[test]
fn a_corpus_trace_shrinks_structurally() {
    let trace = common::corpus()
        .into_iter()
        .find(|t| t.toolchain == Toolchain::Go1_26 && t.bytes.len() > 20_000)
        .expect("a go1.26 corpus trace");
    let case = Case {
        name: trace.name(),
        bytes: trace.bytes.clone(),
        origin: Origin::Corpus(trace.name()),
    };
    // Holds a GoCreate and the reference still reads it.
    let mut predicate = |c: &Case| {
        has_event(&c.bytes, ev::GO_CREATE) && reference_error(&c.bytes, Toolchain::Go1_27).is_none()
    };
    assert!(predicate(&case));
    let m = minimize(&case, &mut predicate, 600);
    report(&case.name, &m);
    assert!(predicate(&m.case));
    assert!(m.case.bytes.len() * 4 <= case.bytes.len());
}

#[test]
fn write_case_writes_a_replayable_case() {
    let mut predicate = |c: &Case| {
        reference_error(&c.bytes, Toolchain::Go1_22).is_some()
            && reference_error(&c.bytes, Toolchain::Go1_23).is_none()
    };
    let case = corrupted(Corruption::Go123EventsInGo122, 7);
    let m = minimize(&case, &mut predicate, 300);
    let dir = tempfile::tempdir().unwrap();
    let note = CaseNote {
        title: "A title".into(),
        explanation: "Why it diverges.".into(),
        replay: vec!["trace-harness dump --as go1.22 case.trace".into()],
        go_error_pattern: None,
    };
    let written = minimize::write_case(dir.path(), "case", &m.case, Some(&m), &note).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["case.trace", "case.test", "case.txt", "README.txt"]);
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    assert_eq!(read("case.trace"), m.case.bytes);
    assert_eq!(text::assemble(&read("case.txt")).unwrap(), m.case.bytes);
    // The golden file targets Go 1.23 (the newest raw reader of go 1.23 events in a go 1.22
    // trace) and passes its runner as we reproduce it.
    let test = read("case.test");
    assert!(String::from_utf8_lossy(&test).contains("go1.23's internal/trace"));
    assert!(matches!(
        golden::run(&test, Toolchain::Go1_23).unwrap(),
        golden::GoldenOutcome::Pass(_)
    ));
    let readme = String::from_utf8(read("README.txt")).unwrap();
    assert!(readme.contains("trace-harness dump --as go1.22 case.trace"));
    assert!(readme.contains(&format!("to {} bytes", m.case.bytes.len())));
}

fn committed_case() -> PathBuf {
    common::repo_root().join("corpus/conform/minimized/go123-events-in-go122")
}

/// The committed minimized divergence: Go 1.22 rejects it, Go 1.23 and later accept it,
/// as the reference says and, where the toolchains are cached, as Go itself answers.
#[test]
fn the_committed_divergence_still_diverges() {
    let dir = committed_case();
    let bytes = std::fs::read(dir.join("case.trace")).unwrap();
    assert!(bytes.len() < 4096, "{} bytes", bytes.len());
    assert_eq!(
        text::assemble(&std::fs::read(dir.join("case.txt")).unwrap()).unwrap(),
        bytes
    );
    assert!(reference_error(&bytes, Toolchain::Go1_22).is_some());
    for profile in [
        Toolchain::Go1_23,
        Toolchain::Go1_25,
        Toolchain::Go1_26,
        Toolchain::Go1_27,
    ] {
        assert!(reference_error(&bytes, profile).is_none(), "{profile}");
    }
    let case = Case {
        name: "minimized/go123-events-in-go122".into(),
        bytes,
        origin: Origin::Corpus("corpus/conform/minimized/go123-events-in-go122/case.trace".into()),
    };
    for profile in [Toolchain::Go1_22, Toolchain::Go1_23, Toolchain::Go1_27] {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        let mut testee = gotestee::spawn(&go, profile, Duration::from_secs(60)).unwrap();
        let answer = testee.run(&case).unwrap();
        assert_eq!(
            answer.accepted,
            profile != Toolchain::Go1_22,
            "{profile}: {answer:?}"
        );
        if profile == Toolchain::Go1_22 {
            assert!(
                answer.error.contains("invalid event type"),
                "{}",
                answer.error
            );
        }
    }
    // The golden file targets Go 1.23's runner (the newest raw reader of these events in a
    // go 1.22 trace); its expectation holds as the reference runs it.
    let test = std::fs::read(dir.join("case.test")).unwrap();
    assert!(matches!(
        golden::run(&test, Toolchain::Go1_23).unwrap(),
        golden::GoldenOutcome::Pass(_)
    ));
}

/// Rewrites the committed case from scratch: minimizes the version-mix corruption with the
/// real Go 1.22 and 1.23 parsers as the predicate. Run with
/// `cargo test -p trace-harness --test conform_minimize -- --ignored`.
#[test]
#[ignore = "rewrites corpus/conform/minimized/go123-events-in-go122"]
fn regenerate_the_committed_divergence() {
    let (Some(go122), Some(go123)) = (
        common::go_or_skip(Toolchain::Go1_22),
        common::go_or_skip(Toolchain::Go1_23),
    ) else {
        return;
    };
    let timeout = Duration::from_secs(60);
    let mut old = gotestee::spawn(&go122, Toolchain::Go1_22, timeout).unwrap();
    let mut new = gotestee::spawn(&go123, Toolchain::Go1_23, timeout).unwrap();
    let mut predicate = |c: &Case| {
        matches!(old.run(c), Ok(a) if !a.accepted) && matches!(new.run(c), Ok(a) if a.accepted)
    };
    let seed = 7;
    let case = corrupted(Corruption::Go123EventsInGo122, seed);
    let m = minimize(&case, &mut predicate, minimize::DEFAULT_BUDGET);
    assert!(m.held);
    report("go123-events-in-go122 with Go", &m);
    let go_error = old.run(&m.case).unwrap().error;
    let note = CaseNote {
        title: "Go 1.22 rejects what Go 1.23 and later accept: a coroutine event \
                (go 1.23) in a go 1.22 trace"
            .into(),
        explanation: format!(
            "The trace's header says go 1.22, but it holds an event that only go 1.23 \
             runtimes write\n(GoCreateBlocked, GoSwitch, GoSwitchDestroy or GoStatusStack, \
             types 45 to 48).\nGo 1.22's parser knows only event types 1 to 44 and rejects the \
             trace:\n  {}\nGo 1.23 and later parse every event with their own, newest table \
             whatever the header's\nversion, so they accept it and order the event normally. \
             Strict mode\n(trace-harness dump --strict) rejects it too: the header's version \
             never writes that event.\nMinimized from the corruption go123-events-in-go122, \
             seed {seed}, with the real Go 1.22.10\nand 1.23.9 parsers as the predicate \
             (Go 1.22 rejects and Go 1.23 accepts).",
            go_error.trim_end()
        ),
        replay: vec![
            "go1.22.10: go tool trace -d=1 case.trace      # rejects (exit 1)".into(),
            "go1.23.9:  go tool trace -d=1 case.trace      # accepts (exit 0)".into(),
            "go1.27.3:  go tool trace -d=parsed case.trace # accepts (exit 0)".into(),
            "trace-harness dump --as go1.22 case.trace     # reproduces Go 1.22".into(),
            "trace-harness dump --as go1.23 case.trace     # reproduces Go 1.23".into(),
            "trace-harness wire --assemble case.txt -o case.trace  # text back to bytes".into(),
            "case.test passes Go 1.23.9's golden runner (TestReaderGolden's testtrace.ParseFile \
             and testReader, run on this folder through a go test -overlay)"
                .into(),
        ],
        go_error_pattern: None,
    };
    let dir = committed_case();
    let _ = std::fs::remove_dir_all(&dir);
    minimize::write_case(&dir, "case", &m.case, Some(&m), &note).unwrap();
}

/// Damaged and arbitrary bytes under every kind of origin: no panic, budget kept.
#[test]
fn damaged_inputs_never_panic() {
    let base = generated(Version::Go123, 5);
    let mut rng = trace_harness::seeded::SplitMix64(11);
    for i in 0..60 {
        let mut bytes = base.bytes.clone();
        for _ in 0..1 + i % 4 {
            let at = rng.below(bytes.len() as u64) as usize;
            bytes[at] = rng.next_u64() as u8;
        }
        if i % 5 == 0 {
            bytes.truncate(rng.below(bytes.len() as u64) as usize);
        }
        let origins = [
            base.origin.clone(),
            Origin::Corrupted {
                kind: "go123-events-in-go122".into(),
                seed: 1,
            },
            Origin::Corrupted {
                kind: "no-such-corruption".into(),
                seed: 1,
            },
            Origin::Corpus("x".into()),
        ];
        let case = Case {
            name: format!("damaged-{i}"),
            bytes,
            origin: origins[i % origins.len()].clone(),
        };
        let rejected = |c: &Case| reference_error(&c.bytes, Toolchain::Go1_23).is_some();
        let held = rejected(&case);
        let m = minimize(&case, &mut |c: &Case| rejected(c), 40);
        assert!(m.calls <= 40);
        assert_eq!(m.held, held);
        if held {
            assert!(rejected(&m.case));
        }
    }
}
