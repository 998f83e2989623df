//! Where the CPU time goes: checked with the operating system's accounts.
//!
//! A test binary of its own with a single test, so that no other test burns
//! CPU in this process while it reads the process's CPU account.

use gil::experiments::powersum;
use gil::gil::{self as lock, Gil};
use labkit::timing::{children_cpu_time, own_cpu_time};

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
    let before = (own_cpu_time(), children_cpu_time());
    let report = powersum::with_process_pool(2_000_000, 4, 2, worker).unwrap();
    let (own, children) = (own_cpu_time() - before.0, children_cpu_time() - before.1);
    assert_eq!(report.sum, powersum::sequential(2_000_000, 4));
    assert!(
        children > own,
        "workers used {children:?} of CPU, the pool itself {own:?}"
    );
}
