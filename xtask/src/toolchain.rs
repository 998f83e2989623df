//! `xtask toolchain`: says whether the compiler in use is the one the book's
//! outputs and compiler-error recordings were made with (CI prints it first).

use std::path::Path;

use anyhow::{Context, Result};

pub fn report(root: &Path) -> Result<()> {
    let running = labkit::transcript::running_rustc().context("running rustc --version")?;
    let mut recorded: Vec<String> = Vec::new();
    for lab in crate::lab_pages::labs(root) {
        if let Some(rustc) = labkit::transcript::recorded_rustc(&root.join("labs").join(lab))
            && !recorded.contains(&rustc)
        {
            recorded.push(rustc);
        }
    }
    println!("The compiler in use: {running}.");
    println!(
        "The book's outputs and compiler-error recordings were made with: {}.",
        if recorded.is_empty() {
            "(no transcript names one)".to_string()
        } else {
            recorded.join(", ")
        }
    );
    if recorded.iter().any(|r| *r != running) {
        println!(
            "They differ. Every lab still builds and its transcripts still have their shapes, but \
             numbers differ from machine to machine anyway, the transcripts' first lines keep \
             naming the compiler that made them until `cargo run -p xtask -- outputs` reruns \
             them, and the compile-fail tests (labs/races, labs/choosing) fail if this compiler \
             words its errors differently from the recorded .stderr files: they say so, and \
             TRYBUILD=overwrite records the new wording."
        );
    } else {
        println!("They are the same.");
    }
    Ok(())
}
