//! The lab sources a sidecar was made from, and their digest.

use std::path::Path;

use anyhow::{Context, Result};

/// The files of a lab whose change can change its outputs: `Cargo.toml` and
/// everything under `src/` and `python/`, as paths relative to the lab, sorted.
/// Only the lab's own files: a change to `labkit` or to another lab does not
/// make every lab's outputs stale.
pub fn source_files(lab_dir: &Path) -> Result<Vec<String>> {
    fn walk(dir: &Path, prefix: &str, into: &mut Vec<String>) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // Hidden files (editors' swap files) and Python's caches are
            // not sources, and a fresh clone has none of them.
            if name.starts_with('.') || name == "__pycache__" || name.ends_with(".pyc") {
                continue;
            }
            let relative = format!("{prefix}/{name}");
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), &relative, into)?;
            } else {
                into.push(relative);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    if lab_dir.join("Cargo.toml").is_file() {
        files.push("Cargo.toml".to_string());
    }
    for dir in ["src", "python"] {
        walk(&lab_dir.join(dir), dir, &mut files)?;
    }
    files.sort();
    Ok(files)
}

/// A digest of [`source_files`] (names and contents): `fnv1a64:` and 16
/// hex digits. FNV-1a is not a cryptographic hash; it only has to notice
/// that a file changed, and it is ten lines with no dependency.
pub fn source_digest(lab_dir: &Path) -> Result<String> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for file in source_files(lab_dir)? {
        let path = lab_dir.join(&file);
        let contents =
            std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        feed(file.as_bytes());
        feed(&[0]);
        feed(&(contents.len() as u64).to_le_bytes());
        feed(&contents);
    }
    Ok(format!("fnv1a64:{hash:016x}"))
}
