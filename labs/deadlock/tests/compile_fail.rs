//! The programs the chapter shows as refused are refused, with the errors
//! the chapter shows (`compile-fail/*.stderr`, written by rustc itself).
//!
//! After a compiler upgrade changes the wording, regenerate the `.stderr`
//! files with `TRYBUILD=overwrite cargo test -p deadlock --test compile_fail`.

use std::path::Path;

#[test]
fn the_refused_guards_do_not_compile() {
    labkit::testing::refused_as_recorded(Path::new(env!("CARGO_MANIFEST_DIR")), || {
        let cases = trybuild::TestCases::new();
        cases.compile_fail("compile-fail/*.rs");
    });
}
