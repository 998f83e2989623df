//! The program the chapter shows as refused is refused, with the error the
//! chapter shows (stored next to it as `.stderr`; regenerate it with
//! `TRYBUILD=overwrite cargo test -p choosing --test compile_fail`).

#[test]
fn a_lock_held_across_await_does_not_compile() {
    trybuild::TestCases::new().compile_fail("compile-fail/lock_across_await.rs");
}
