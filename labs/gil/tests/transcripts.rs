//! The outputs the book shows still match what the program prints.

use std::path::{Path, PathBuf};
use std::process::Command;

fn python3_runs() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// The lab's transcripts without the CPython one, in a scratch directory:
/// on a machine without python3 the `python` run prints a different (shorter)
/// table, so only the others can be compared there.
fn transcripts_without_python(lab: &Path) -> PathBuf {
    let scratch = std::env::temp_dir().join(format!("gil-transcripts-{}", std::process::id()));
    std::fs::create_dir_all(scratch.join("outputs")).unwrap();
    let specs = std::fs::read_to_string(lab.join("transcripts.txt")).unwrap();
    let kept: Vec<&str> = specs
        .lines()
        .filter(|line| !line.trim_start().starts_with("python.txt"))
        .collect();
    std::fs::write(scratch.join("transcripts.txt"), kept.join("\n")).unwrap();
    for entry in std::fs::read_dir(lab.join("outputs")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        if name != "python.txt" {
            std::fs::copy(&path, scratch.join("outputs").join(name)).unwrap();
        }
    }
    scratch
}

#[test]
fn transcripts_match_the_program() {
    let lab = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = Path::new(env!("CARGO_BIN_EXE_gil"));
    if python3_runs() {
        labkit::transcript::check_lab("gil", bin, lab).unwrap();
    } else {
        eprintln!("python3 is not installed: python.txt is not checked");
        let scratch = transcripts_without_python(lab);
        let checked = labkit::transcript::check_lab("gil", bin, &scratch);
        let _ = std::fs::remove_dir_all(&scratch);
        checked.unwrap();
    }
}
