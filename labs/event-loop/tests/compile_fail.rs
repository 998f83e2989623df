//! What the primer shows the compiler refusing is refused, with the
//! messages the chapter shows (stored next to each program as `.stderr`;
//! regenerate them with
//! `TRYBUILD=overwrite cargo test -p event-loop --test compile_fail`).

use std::path::Path;

#[test]
fn unpinned_and_unused_futures_are_refused() {
    labkit::testing::refused_as_recorded(Path::new(env!("CARGO_MANIFEST_DIR")), || {
        let cases = trybuild::TestCases::new();
        cases.compile_fail("compile-fail/poll_unpinned.rs");
        cases.compile_fail("compile-fail/unused_future.rs");
    });
}
