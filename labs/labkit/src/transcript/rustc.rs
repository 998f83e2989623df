//! Which compiler made the recordings, and what to say when it is not
//! the one in use.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

/// The compiler a lab's transcripts were made with, as their stamps
/// name it (`rustc 1.95.0 (59807616e 2026-04-14)`); the first one found.
pub fn recorded_rustc(lab_dir: &Path) -> Option<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(lab_dir.join("outputs"))
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files.iter().find_map(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        transcript_rustc(&text)
    })
}

/// The compiler a transcript's stamp names: from `rustc ` to the closing
/// parenthesis of its version, without what follows (`, 5 rounds`). The
/// stamp is the line after the command (or, in transcripts made before the
/// stamp had a line of its own, the end of the command line after `  # `).
pub fn transcript_rustc(text: &str) -> Option<String> {
    let mut lines = text.lines();
    let command = lines.next()?;
    let stamp = match lines.next() {
        Some(line) if line.starts_with(STAMP_PREFIX) => line,
        _ => command.split_once("  # ")?.1,
    };
    let rustc = &stamp[stamp.find("rustc ")?..];
    let end = rustc.find(')').map_or(rustc.len(), |close| close + 1);
    Some(rustc[..end].trim().to_string())
}

/// The compiler in use: what `rustc --version` prints (`$RUSTC` if set).
pub fn running_rustc() -> Option<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(rustc).arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// For a failed comparison with rustc's recorded error text (a trybuild
/// `.stderr`): says whether the compiler in use is the one the lab's
/// recordings were made with, and what to do if it is not.
pub fn toolchain_note(lab_dir: &Path) -> String {
    match (recorded_rustc(lab_dir), running_rustc()) {
        (Some(recorded), Some(running)) if recorded != running => format!(
            "The recorded errors were made with {recorded}; this is {running}. Compilers word \
             their errors differently from version to version: if the program is still refused \
             for the same reason, rerun with TRYBUILD=overwrite to record this compiler's words \
             (the book shows them), or use {recorded}."
        ),
        (Some(recorded), Some(_)) => format!(
            "The compiler in use, {recorded}, is the one the errors were recorded with: the \
             program or the error changed."
        ),
        _ => "Which compiler made the recorded errors is unknown (no transcript names it)."
            .to_string(),
    }
}
