//! The programs the chapter asks "does this compile?" about are refused,
//! with the errors the chapter reveals (`compile-fail/*.stderr`, written by
//! rustc itself).
//!
//! After a compiler upgrade changes the wording, regenerate the `.stderr`
//! files with `TRYBUILD=overwrite cargo test -p primer --test compile_fail`.

use std::path::Path;

#[test]
fn what_the_compiler_refuses() {
    labkit::testing::refused_as_recorded(Path::new(env!("CARGO_MANIFEST_DIR")), || {
        let cases = trybuild::TestCases::new();
        cases.compile_fail("compile-fail/*.rs");
    });
}
