//! What every lab's claims tests (`labs/<lab>/tests/claims.rs`) do with a
//! committed output, written once: read its JSON sidecar back and say
//! whether the machine that made it delivered its cores, and check a value
//! against the range the prose can stand behind.
//!
//! Rows have their own readers ([`Row::number`](crate::Row::number),
//! [`Row::text`](crate::Row::text),
//! [`Row::round_samples`](crate::Row::round_samples)); a transcript's text
//! is [`transcript::read`](crate::transcript::read).

use std::path::Path;

use crate::results::Document;

/// The sidecar of `file` (a transcript of the lab in `lab_dir`), and whether
/// its machine delivered all its cores (`!document.disturbed()`). For a
/// disturbed run it says on stderr that only the claims that hold on any
/// machine are checked; panics if the sidecar cannot be read.
pub fn quiet_sidecar(lab_dir: &Path, file: &str) -> (Document, bool) {
    let document = crate::transcript::sidecar(lab_dir, file)
        .unwrap_or_else(|err| panic!("reading the sidecar of {file}: {err:#}"));
    let quiet = !document.disturbed();
    if !quiet {
        eprintln!(
            "{file} was made on a disturbed machine: only machine-independent claims are checked"
        );
    }
    (document, quiet)
}

/// Asserts `low <= value <= high`, naming `what` when it is not.
pub fn in_range(what: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..=high).contains(&value),
        "{what} = {value}, expected {low}..={high}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_range_accepts_the_ends_and_refuses_outside() {
        in_range("low end", 1.0, 1.0, 2.0);
        in_range("high end", 2.0, 1.0, 2.0);
        assert!(std::panic::catch_unwind(|| in_range("above", 2.5, 1.0, 2.0)).is_err());
        assert!(std::panic::catch_unwind(|| in_range("NaN", f64::NAN, 1.0, 2.0)).is_err());
    }
}
