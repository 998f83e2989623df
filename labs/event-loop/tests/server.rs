//! The lab's server survives running out of file descriptors (EMFILE, which
//! a thousand-socket run can reach): its accept loop pauses instead of
//! spinning a core, and serves the waiting client once descriptors are free.
//!
//! Using up every descriptor would break any other test running in the same
//! process, so the experiment runs in a child process of its own: this test
//! binary again, running only this test, with an environment variable that
//! tells it to be the child. The parent bounds the child's run.

#![cfg(target_os = "linux")]

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use event_loop::server::{self, Server};

const TEST: &str = "the_accept_loop_pauses_when_out_of_file_descriptors";
const BE_THE_CHILD: &str = "EVENT_LOOP_TEST_OUT_OF_FILE_DESCRIPTORS";

#[test]
fn the_accept_loop_pauses_when_out_of_file_descriptors() {
    if std::env::var_os(BE_THE_CHILD).is_some() {
        return out_of_file_descriptors();
    }
    let exe = std::env::current_exe().unwrap();
    let args: Vec<String> = [TEST, "--exact", "--nocapture", "--test-threads=1"]
        .map(String::from)
        .to_vec();
    let child = labkit::transcript::run_bounded(
        &exe,
        &args,
        &[(BE_THE_CHILD, Path::new("1"))],
        Duration::from_secs(120),
    )
    .unwrap();
    assert_eq!(
        child.code,
        Some(0),
        "the child failed:\n{}\n{}",
        child.stdout,
        child.stderr
    );
    assert!(
        child.stdout.contains("1 passed"),
        "the child ran no test:\n{}",
        child.stdout
    );
}

/// In the child: fill the descriptor table, connect with the last free
/// descriptor so the server's `accept` fails with EMFILE, and watch how much
/// CPU the server's thread spends meanwhile.
fn out_of_file_descriptors() {
    lower_open_file_limit(256);
    let server = Server::start(Duration::ZERO).unwrap();
    let server_thread = thread_named("local-server");
    let cpu_before = cpu_time(&server_thread);

    let mut filler = Vec::new();
    let error = loop {
        match File::open("/dev/null") {
            Ok(file) => filler.push(file),
            Err(err) => break err,
        }
    };
    assert_eq!(error.raw_os_error(), Some(libc::EMFILE), "{error}");
    // Free one descriptor for the client's socket. The kernel completes the
    // handshake on its own; the server's `accept` then needs a descriptor
    // of its own, and there is none.
    filler.pop();
    let mut client = TcpStream::connect(server.addr()).unwrap();
    let window = Instant::now();
    std::thread::sleep(Duration::from_secs(1));
    let elapsed = window.elapsed();
    drop(filler);
    let cpu = cpu_time(&server_thread) - cpu_before;
    // Retrying at once would keep the thread on a core for most of the
    // window (even on a busy machine, a good share of it); pausing, it
    // spends microseconds there. A tenth leaves a wide margin both ways.
    assert!(
        cpu < elapsed / 10,
        "the server's thread used {cpu:?} of CPU in {elapsed:?} without a descriptor"
    );

    // With descriptors free again, the waiting connection is served.
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    client.write_all(b"GET /page/1 HTTP/1.0\r\n\r\n").unwrap();
    let mut response = String::new();
    client.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.0 200 OK"), "{response:?}");
    assert!(response.ends_with(&server::page_text(1)));
}

fn lower_open_file_limit(to: libc::rlim_t) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable rlimit; getrlimit only writes into it.
    let read = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(read, 0, "reading the limit on open files");
    limit.rlim_cur = to.min(limit.rlim_max);
    // SAFETY: `limit` is a valid rlimit; lowering the soft limit is always allowed.
    let set = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    assert_eq!(set, 0, "lowering the limit on open files");
}

/// The `/proc` directory of the one thread of this process called `name`.
fn thread_named(name: &str) -> std::path::PathBuf {
    let tasks = std::fs::read_dir("/proc/self/task").unwrap();
    let found: Vec<_> = tasks
        .map(|task| task.unwrap().path())
        .filter(|task| {
            std::fs::read_to_string(task.join("comm")).is_ok_and(|comm| comm.trim() == name)
        })
        .collect();
    assert_eq!(found.len(), 1, "threads called {name}: {found:?}");
    found[0].clone()
}

/// CPU time a thread has used (user + system), from its `/proc/.../stat`.
fn cpu_time(thread: &Path) -> Duration {
    let stat = std::fs::read_to_string(thread.join("stat"))
        .unwrap_or_else(|err| panic!("reading {}: {err}", thread.display()));
    // The fields after the command name, which is in parentheses: the
    // state is field 3, utime and stime are fields 14 and 15.
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}
