//! The program the chapter shows as refused is refused, with the error the
//! chapter shows (stored next to it as `.stderr`; regenerate it with
//! `TRYBUILD=overwrite cargo test -p choosing --test compile_fail`).

use std::path::Path;

#[test]
fn a_lock_held_across_await_does_not_compile() {
    let refused = std::panic::catch_unwind(|| {
        trybuild::TestCases::new().compile_fail("compile-fail/lock_across_await.rs");
    });
    if refused.is_err() {
        panic!(
            "{}",
            labkit::transcript::toolchain_note(Path::new(env!("CARGO_MANIFEST_DIR")))
        );
    }
}
