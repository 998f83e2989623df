//! Where the CPU time goes: checked with the operating system's accounts.
//!
//! A test binary of its own with a single test, so that no other test burns
//! CPU in this process while it reads the process's CPU account.

use std::time::Duration;

use gil::experiments::powersum;
use gil::gil::{self as lock, Gil};

#[test]
fn cpu_goes_where_the_chapter_says() {
    gil_bound_threads_keep_about_one_core_busy();
    the_pool_does_its_work_in_other_processes();
}

fn gil_bound_threads_keep_about_one_core_busy() {
    // Whatever the load, two threads under the GIL cannot compute at the
    // same time: CPU time stays near wall time (one core), never near two.
    let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
    let (counted, cost) = labkit::measure(|| lock::count_down_gil_threads(&gil, 20_000_000, 2));
    assert_eq!(counted, 20_000_000);
    assert!(
        cost.utilisation() < 1.4,
        "two GIL-bound threads used {:.2} cores",
        cost.utilisation()
    );
}

fn the_pool_does_its_work_in_other_processes() {
    // Structural, not timed: the CPU time of the sum shows up in the
    // children's account, not in this process's.
    let bin = env!("CARGO_BIN_EXE_gil");
    let worker = || {
        let mut command = std::process::Command::new(bin);
        command.arg("worker");
        command
    };
    let before = (own_cpu(), children_cpu());
    let report = powersum::with_process_pool(2_000_000, 4, 2, worker).unwrap();
    let (own, children) = (own_cpu() - before.0, children_cpu() - before.1);
    assert_eq!(report.sum, powersum::sequential(2_000_000, 4));
    assert!(
        children > own,
        "workers used {children:?} of CPU, the pool itself {own:?}"
    );
}

fn rusage(who: libc::c_int) -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // Safety: `usage` is valid and writable; getrusage only writes into it.
    let status = unsafe { libc::getrusage(who, usage.as_mut_ptr()) };
    assert_eq!(status, 0);
    // Safety: getrusage returned 0, so it filled the (zeroed) struct.
    let usage = unsafe { usage.assume_init() };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// This process's own CPU time, all threads.
fn own_cpu() -> Duration {
    rusage(libc::RUSAGE_SELF)
}

fn children_cpu() -> Duration {
    rusage(libc::RUSAGE_CHILDREN)
}
