//! `dump` of the small committed traces against insta snapshots of Go's own output
//! (`scripts/make-snapshots.sh` writes them from the cached toolchains). These need no Go at
//! test time; larger traces are compared live in `go_dump.rs`.

mod common;

use trace_harness::order::EventReader;
use trace_harness::Toolchain;

#[test]
fn dump_matches_go_snapshots() {
    let dir = common::repo_root().join("snapshots").join("dump");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .into_string()
                .ok()?
                .strip_suffix(".snap")
                .map(String::from)
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 30,
        "only {} snapshots in {}",
        names.len(),
        dir.display()
    );
    for name in names {
        // go1.NN__<corpus folder>__<program>
        let mut parts = name.splitn(3, "__");
        let (profile, folder, program) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let profile = Toolchain::parse(profile).unwrap();
        let path = common::repo_root()
            .join("corpus/traces")
            .join(folder)
            .join(format!("{program}.trace"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut output = Vec::new();
        for event in EventReader::new(&bytes[..], profile).unwrap() {
            trace_harness::dump::write_event(&mut output, &event.unwrap(), profile);
        }
        let mut output = String::from_utf8(output).expect("corpus names are UTF-8");
        output.push_str("-- end of output --\n");
        insta::with_settings!({ snapshot_path => dir.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name.as_str(), output);
        });
    }
}
