//! Tests of finding interpreters (`find.rs`).

use std::collections::HashSet;

use super::find::find_in;
use super::tests::{EXAMPLE, GENEROUS, python3};
use super::*;

#[test]
fn a_missing_interpreter_is_reported_missing() {
    let err = run_twin(
        Path::new("/nonexistent/python3.14t"),
        EXAMPLE,
        &[],
        GENEROUS,
    )
    .unwrap_err();
    assert!(err.is_missing(), "{err:?}");
    let lookups = find_in(
        &["python3.99t", "/nonexistent/python3.99"],
        &[PathBuf::from("/nonexistent")],
    );
    assert_eq!(lookups.len(), 2);
    for lookup in &lookups {
        assert!(matches!(lookup, Lookup::Missing { .. }), "{lookup:?}");
    }
    assert_eq!(lookups[0].name(), "python3.99t");
}

#[test]
fn a_name_that_does_not_run_is_missing_and_the_search_goes_on() {
    let python = python3();
    let dir = TempDir::new().unwrap();
    let broken = dir.path().join("broken");
    let good = dir.path().join("good");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::create_dir_all(&good).unwrap();
    // A shim that fails, like pyenv's for a version that is not active.
    let shim = broken.join("python3");
    std::fs::write(
        &shim,
        "#!/bin/sh\necho 'python3: command not found' >&2\nexit 127\n",
    )
    .unwrap();
    make_executable(&shim);
    std::os::unix::fs::symlink(&python, good.join("python3")).unwrap();
    let only_broken = find_in(&["python3"], std::slice::from_ref(&broken));
    match &only_broken[0] {
        Lookup::Missing { reason, .. } => assert!(reason.contains("does not run"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let both = find_in(&["python3", "python3"], &[broken, good.clone()]);
    match &both[0] {
        Lookup::Found { path, .. } => assert_eq!(*path, good.join("python3")),
        other => panic!("{other:?}"),
    }
    // The second name is the same interpreter.
    assert_eq!(
        both[1],
        Lookup::Duplicate {
            name: "python3".into(),
            same_as: "python3".into()
        }
    );
}

#[test]
fn the_default_candidates_are_deduplicated() {
    let lookups = find(&DEFAULT_CANDIDATES);
    assert_eq!(lookups.len(), DEFAULT_CANDIDATES.len());
    let mut executables = HashSet::new();
    for lookup in &lookups {
        // What this machine has (cargo test -- --nocapture shows it).
        match lookup {
            Lookup::Found { name, path, facts } => {
                eprintln!("{name}: {} at {}", facts.label(), path.display())
            }
            Lookup::Missing { name, reason } => eprintln!("{name}: missing ({reason})"),
            Lookup::Duplicate { name, same_as } => eprintln!("{name}: same as {same_as}"),
        }
        if let Lookup::Found { facts, .. } = lookup {
            let real = std::fs::canonicalize(&facts.executable).unwrap();
            assert!(executables.insert(real), "found twice: {lookup:?}");
            assert!(!facts.version.is_empty());
            if facts.free_threaded_build {
                assert!(facts.label().ends_with(')'), "{}", facts.label());
            }
        }
    }
}

#[test]
fn labels_say_whether_the_gil_is_on() {
    let mut facts: Facts = serde_json::from_value(serde_json::json!({
        "implementation": "CPython", "version": "3.13.15",
        "executable": "/opt/cpython/3.13t/bin/python3.13t", "free_threaded_build": true,
        "gil_enabled": false, "switch_interval": 0.005, "cpu_count": 2,
        "process_cpu_count": 2, "build": "3.13.15"
    }))
    .unwrap();
    assert_eq!(facts.label(), "CPython 3.13.15t (GIL off)");
    assert!(!facts.gil_on());
    facts.gil_enabled = Some(true);
    assert_eq!(facts.label(), "CPython 3.13.15t (GIL on)");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
