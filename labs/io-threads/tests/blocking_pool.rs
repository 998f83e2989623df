//! What `spawn_blocking` does to the thread count, checked in a test binary
//! of its own: the count is the whole process's, so no other test may start
//! or end threads meanwhile (this file holds exactly one test).

use std::time::Duration;

use io_threads::blocking_pool::count_threads;

#[test]
fn the_blocking_pool_grows_to_its_limit_and_shrinks_after_the_keep_alive() {
    if !cfg!(target_os = "linux") {
        eprintln!("counting threads needs Linux's /proc/self/status: skipped");
        return;
    }
    // The listing's own small run first (it asserts what holds anywhere).
    io_threads::blocking_pool::main();
    let (jobs, limit) = (12, 3);
    // Jobs long enough that all of them are handed over before the first
    // ends, even on a busy machine.
    let job = Duration::from_millis(300);
    let keep_alive = Duration::from_millis(200);
    let counts = count_threads(jobs, job, limit, keep_alive).unwrap();
    // The pool grew to its limit, no further, and kept its threads until
    // the last job ended ...
    assert_eq!(counts.used, limit, "{counts:?}");
    assert_eq!(counts.during, counts.before + limit as u64, "{counts:?}");
    assert_eq!(counts.jobs_done, counts.before + limit as u64, "{counts:?}");
    // ... four rounds of three jobs ...
    assert!(counts.jobs_took >= 4 * job, "{counts:?}");
    // ... and the idle threads left after the keep-alive, not before it.
    assert_eq!(counts.later, counts.before, "{counts:?}");
    // (The last thread went idle a moment before the jobs' end was timed.)
    let shrank = counts.shrank_after.expect("the pool shrank");
    assert!(shrank >= keep_alive / 2, "{counts:?}");
}
