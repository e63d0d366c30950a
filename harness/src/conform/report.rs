//! Reports of a run: the matrix of testees by verdicts (text and Markdown), JSON, and
//! JUnit XML for CI dashboards.

use super::run::Outcome;
use super::verdict::Verdict;

/// The summary matrix: one row per testee, one column per verdict, then how many
/// divergences the expected lists cover and how many they do not.
pub fn matrix(outcome: &Outcome) -> String {
    let mut header: Vec<String> = vec!["testee".into()];
    header.extend(Verdict::ALL.iter().map(|v| v.name().to_string()));
    header.extend(["listed".into(), "unlisted".into(), "unexpected pass".into()]);
    let mut rows = vec![header];
    for t in &outcome.testees {
        let mut row = vec![t.name.clone()];
        row.extend(Verdict::ALL.iter().map(|v| t.count(*v).to_string()));
        row.push(t.listed.to_string());
        row.push(t.unlisted.len().to_string());
        row.push(t.unexpected_successes.len().to_string());
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 0 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The matrix as a Markdown table, with the case count and wall time.
pub fn markdown(outcome: &Outcome) -> String {
    let mut out = format!(
        "{} cases in {:.0} s.\n\n| testee |",
        outcome.cases, outcome.wall_seconds
    );
    for v in Verdict::ALL {
        out.push_str(&format!(" {} |", v.name()));
    }
    out.push_str(" listed | unlisted | unexpected pass |\n|---|");
    for _ in 0..Verdict::ALL.len() + 3 {
        out.push_str("---:|");
    }
    out.push('\n');
    for t in &outcome.testees {
        out.push_str(&format!("| {} |", t.name));
        for v in Verdict::ALL {
            out.push_str(&format!(" {} |", t.count(v)));
        }
        out.push_str(&format!(
            " {} | {} | {} |\n",
            t.listed,
            t.unlisted.len(),
            t.unexpected_successes.len()
        ));
    }
    let problems: Vec<String> = outcome
        .testees
        .iter()
        .flat_map(|t| {
            t.unlisted
                .iter()
                .map(move |(c, w)| format!("- `{}` unlisted: `{c}`: {w}", t.name))
                .chain(
                    t.unexpected_successes
                        .iter()
                        .map(move |(c, e)| format!("- `{}` unexpected pass: `{c}` ({e})", t.name)),
                )
        })
        .collect();
    if !problems.is_empty() {
        out.push_str("\nFailures:\n\n");
        for p in problems.iter().take(200) {
            out.push_str(p);
            out.push('\n');
        }
        if problems.len() > 200 {
            out.push_str(&format!("- … and {} more\n", problems.len() - 200));
        }
    }
    out
}

/// The whole outcome as JSON.
pub fn json(outcome: &Outcome) -> String {
    serde_json::to_string_pretty(outcome).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// Escapes text for XML, dropping characters XML 1.0 cannot hold.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one testsuite per testee, one testcase per case; a non-pass is a failure
/// unless its expected list covers it (then it is reported as skipped, with the reason),
/// and a listed case that passed is a failure too.
pub fn junit(outcome: &Outcome) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"trace-harness conform\" time=\"{:.3}\">\n",
        outcome.wall_seconds
    ));
    for t in &outcome.testees {
        let results: Vec<_> = outcome
            .results
            .iter()
            .filter(|r| r.testee == t.name)
            .collect();
        let failures = t.unlisted.len() + t.unexpected_successes.len();
        let skipped = results
            .iter()
            .filter(|r| {
                r.verdict == Verdict::Skipped || (r.verdict.is_divergence() && r.listed.is_some())
            })
            .count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n",
            xml(&t.name),
            results.len()
        ));
        for r in results {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml(&t.name),
                xml(&r.case),
                r.millis as f64 / 1000.0
            ));
            let body = match (r.verdict, &r.listed) {
                (Verdict::Pass, None) => None,
                (Verdict::Pass, Some(reason)) => Some(format!(
                    "<failure type=\"UNEXPECTED_PASS\" message=\"listed as divergent ({}) but passes\"/>",
                    xml(reason)
                )),
                (Verdict::Skipped, _) => Some(format!("<skipped message=\"{}\"/>", xml(&r.detail))),
                (v, Some(reason)) => Some(format!(
                    "<skipped message=\"{}: expected divergence: {}\"/>",
                    v.name(),
                    xml(reason)
                )),
                (v, None) => Some(format!(
                    "<failure type=\"{}\" message=\"{}\">{}</failure>",
                    v.name(),
                    xml(r.detail.lines().next().unwrap_or_default()),
                    xml(&r.detail)
                )),
            };
            match body {
                None => out.push_str("/>\n"),
                Some(body) => out.push_str(&format!(">\n      {body}\n    </testcase>\n")),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Renders `format` (`md`, `json` or `junit`); `None` for an unknown format.
pub fn render(format: &str, outcome: &Outcome) -> Option<String> {
    match format {
        "md" | "markdown" => Some(markdown(outcome)),
        "json" => Some(json(outcome)),
        "junit" | "xml" => Some(junit(outcome)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conform::run::{CaseResult, TesteeSummary};

    fn outcome() -> Outcome {
        let result = |case: &str, verdict, listed: Option<&str>| CaseResult {
            testee: "t<1>".into(),
            case: case.into(),
            kind: "y",
            verdict,
            detail: "line one\nline \u{1} two & more".into(),
            listed: listed.map(str::to_string),
            reproducer: None,
            millis: 3,
        };
        Outcome {
            cases: 3,
            build_errors: Vec::new(),
            testees: vec![TesteeSummary {
                name: "t<1>".into(),
                counts: vec![(Verdict::Pass, 1), (Verdict::WrongEvents, 2)],
                listed: 1,
                unlisted: vec![("b".into(), "WRONG_EVENTS".into())],
                unexpected_successes: Vec::new(),
                unused_entries: Vec::new(),
                list: "t.txt".into(),
            }],
            results: vec![
                result("a", Verdict::Pass, None),
                result("b", Verdict::WrongEvents, None),
                result("c", Verdict::WrongEvents, Some("known")),
            ],
            wall_seconds: 1.0,
        }
    }

    #[test]
    fn matrix_and_markdown_count_verdicts() {
        let o = outcome();
        let m = matrix(&o);
        assert!(m.lines().nth(1).unwrap().starts_with("t<1>"), "{m}");
        let md = markdown(&o);
        assert!(md.contains("| t<1> | 1 | 0 | 0 | 2 |"), "{md}");
        assert!(md.contains("unlisted: `b`"), "{md}");
    }

    #[test]
    fn junit_escapes_and_marks_listed_cases_skipped() {
        let x = junit(&outcome());
        assert!(
            x.contains("<testsuite name=\"t&lt;1&gt;\" tests=\"3\" failures=\"1\""),
            "{x}"
        );
        assert!(
            x.contains("<failure type=\"WRONG_EVENTS\" message=\"line one\">"),
            "{x}"
        );
        assert!(x.contains("line ? two &amp; more"), "{x}");
        assert!(x.contains("expected divergence: known"), "{x}");
        assert!(!x.contains('\u{1}'));
    }
}
