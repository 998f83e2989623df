// Listing: a process pool, the Rust analogue of Python's ProcessPoolExecutor.
//
// A module of the `gil` lab and a complete program the book compiles and
// runs on its own (see `main` at the bottom); standard library only.
//
// Workers are child processes. The pool writes each task to a worker's
// standard input as one line and reads the answer from its standard output
// as one line:
//
//     pool -> worker:   <task number> TAB <input>                 NEWLINE
//     worker -> pool:   <task number> TAB ok  TAB <output>        NEWLINE
//                   or  <task number> TAB err TAB <message>       NEWLINE
//
// The lab starts its workers from its own executable (`gil worker`); any
// program that speaks the protocol will do, as `main` below shows with `sh`.

use std::fmt;
use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: pool_type
/// A fixed set of worker processes that run tasks given as lines of text.
///
/// Like `ProcessPoolExecutor`, each worker is a separate process with its
/// own memory (and, in Python, its own GIL), so CPU-bound tasks run on every
/// core. Unlike threads, they share nothing: a task and its result cross a
/// pipe as bytes, so they must be serialised (here: one line of text), and
/// starting a worker costs a process spawn.
pub struct ProcessPool {
    workers: Vec<Worker>,
    /// Bytes written to and read from the workers' pipes so far.
    bytes_through_pipes: usize,
}

struct Worker {
    number: usize,
    child: Child,
    to_worker: Option<ChildStdin>,
    from_worker: BufReader<ChildStdout>,
}

/// Why a task did not produce a result. The pool always says which task.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFailed {
    /// The task's position in the list given to [`ProcessPool::map`].
    pub task: usize,
    /// The task's input line.
    pub input: String,
    /// What went wrong: the worker's own error, or how the worker died.
    pub reason: String,
}
// ANCHOR_END: pool_type

impl fmt::Display for TaskFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "task {} ({}) failed: {}",
            self.task, self.input, self.reason
        )
    }
}

impl std::error::Error for TaskFailed {}

// ANCHOR: pool_start
impl ProcessPool {
    /// Starts `workers` processes, each made by `worker_command`.
    pub fn start(workers: usize, worker_command: impl Fn() -> Command) -> io::Result<ProcessPool> {
        if workers == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a process pool needs at least one worker",
            ));
        }
        let mut pool = ProcessPool {
            workers: Vec::new(),
            bytes_through_pipes: 0,
        };
        for number in 1..=workers {
            let mut child = worker_command()
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()?;
            let to_worker = child.stdin.take();
            let from_worker = BufReader::new(child.stdout.take().expect("stdout is piped"));
            pool.workers.push(Worker {
                number,
                child,
                to_worker,
                from_worker,
            });
        }
        Ok(pool)
    }
    // ANCHOR_END: pool_start

    // ANCHOR: pool_map
    /// Runs every task and returns the results in the tasks' order, or the
    /// first task that failed. One thread per worker feeds it the next task
    /// as soon as it has answered the previous one.
    pub fn map(&mut self, tasks: &[String]) -> Result<Vec<String>, TaskFailed> {
        if let Some((task, input)) = tasks
            .iter()
            .enumerate()
            .find(|(_, t)| t.contains(['\n', '\t']))
        {
            return Err(TaskFailed {
                task,
                input: input.clone(),
                reason: "a task must be one line without tabs".into(),
            });
        }
        let next_task = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let (report, reports) = mpsc::channel();
        thread::scope(|scope| {
            for worker in &mut self.workers {
                let (next_task, stop, report) = (&next_task, &stop, report.clone());
                scope.spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        let task = next_task.fetch_add(1, Ordering::SeqCst);
                        let Some(input) = tasks.get(task) else { break };
                        let answer = worker.run(task, input);
                        if answer.is_err() {
                            stop.store(true, Ordering::SeqCst);
                        }
                        let _ = report.send((task, answer));
                    }
                });
            }
        });
        drop(report);
        let mut results = vec![None; tasks.len()];
        let mut first_failure: Option<TaskFailed> = None;
        for (task, answer) in reports {
            match answer {
                Ok((output, bytes)) => {
                    self.bytes_through_pipes += bytes;
                    results[task] = Some(output);
                }
                Err(reason) => {
                    let failure = TaskFailed {
                        task,
                        input: tasks[task].clone(),
                        reason,
                    };
                    if first_failure.as_ref().is_none_or(|f| f.task > task) {
                        first_failure = Some(failure);
                    }
                }
            }
        }
        match first_failure {
            Some(failure) => Err(failure),
            None => Ok(results
                .into_iter()
                .map(|r| r.expect("every task answered"))
                .collect()),
        }
    }
    // ANCHOR_END: pool_map

    /// Bytes that crossed the pipes (tasks out, results back) so far.
    pub fn bytes_through_pipes(&self) -> usize {
        self.bytes_through_pipes
    }

    // ANCHOR: pool_shutdown
    /// How long [`ProcessPool::shutdown`] waits for the workers to exit.
    pub const SHUTDOWN_PATIENCE: Duration = Duration::from_secs(10);

    /// Closes every worker's input (end of tasks), waits for each to exit,
    /// and reports a worker that did not exit cleanly.
    pub fn shutdown(self) -> io::Result<()> {
        self.shutdown_within(Self::SHUTDOWN_PATIENCE)
    }

    /// Like `shutdown`, waiting at most `patience` in all: a worker still
    /// running then is killed (and reaped), and reported.
    pub fn shutdown_within(mut self, patience: Duration) -> io::Result<()> {
        for worker in &mut self.workers {
            drop(worker.to_worker.take());
        }
        let deadline = Instant::now() + patience;
        let mut trouble = Ok(());
        for worker in &mut self.workers {
            let ended = match wait_until(&mut worker.child, deadline) {
                Ok(Some(status)) if status.success() => continue,
                Ok(Some(status)) => format!("exited with {status}"),
                Ok(None) => format!("did not exit within {patience:?} and was killed"),
                Err(e) => format!("could not be waited for ({e}) and was killed"),
            };
            if trouble.is_ok() {
                trouble = Err(io::Error::other(format!(
                    "worker {} {ended}",
                    worker.number
                )));
            }
        }
        trouble // `self` is dropped here: its `Drop` kills and reaps any worker left
    }
    // ANCHOR_END: pool_shutdown
    // ANCHOR_END: pool_shutdown
}

/// Waits for `child` to exit until `deadline`; `None` if it is still running.
fn wait_until(child: &mut Child, deadline: Instant) -> io::Result<Option<ExitStatus>> {
    let mut nap = Duration::from_micros(50);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(10));
    }
}

impl Drop for ProcessPool {
    /// A pool dropped without `shutdown` (say, after a failed task, or an
    /// early `?`) stops the workers still running, and reaps every one, so
    /// no process is left behind.
    fn drop(&mut self) {
        for worker in &mut self.workers {
            if let Ok(None) = worker.child.try_wait() {
                let _ = worker.child.kill();
            }
            let _ = worker.child.wait();
        }
    }
}

// ANCHOR: worker_run
impl Worker {
    /// Sends one task and waits for its answer. A worker that dies first
    /// closes its end of the pipe: reading gives end-of-file, and the pool
    /// reports how the process ended instead of waiting forever.
    fn run(&mut self, task: usize, input: &str) -> Result<(String, usize), String> {
        let line = format!("{task}\t{input}\n");
        let sent = self
            .to_worker
            .as_mut()
            .ok_or_else(|| "the pool was shut down".to_string())
            .and_then(|pipe| {
                pipe.write_all(line.as_bytes())
                    .and_then(|()| pipe.flush())
                    .map_err(|e| e.to_string())
            });
        let mut answer = String::new();
        let read = match sent {
            Ok(()) => self.from_worker.read_line(&mut answer),
            Err(_) => Ok(0), // a closed pipe: the worker is gone, find out how below
        };
        match read {
            Ok(0) => Err(self.death_notice()),
            Ok(_) => {
                let bytes = line.len() + answer.len();
                let answer = answer.trim_end_matches('\n');
                let mut fields = answer.splitn(3, '\t');
                let (number, status, body) = (fields.next(), fields.next(), fields.next());
                match (number.map(|n| n == task.to_string()), status, body) {
                    (Some(true), Some("ok"), Some(output)) => Ok((output.to_string(), bytes)),
                    (Some(true), Some("err"), Some(message)) => {
                        Err(format!("worker {} reported: {message}", self.number))
                    }
                    _ => Err(format!(
                        "worker {} answered {answer:?}, which is not in the protocol",
                        self.number
                    )),
                }
            }
            Err(e) => Err(format!("reading from worker {}: {e}", self.number)),
        }
    }

    /// How the worker ended (it closed its output, so it is exiting or gone).
    fn death_notice(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    return format!(
                        "worker {} (pid {}) died without answering: {status}",
                        self.number,
                        self.child.id()
                    );
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return format!(
                        "worker {} (pid {}) closed its output without answering and was stopped",
                        self.number,
                        self.child.id()
                    );
                }
            }
        }
    }
}
// ANCHOR_END: worker_run

// ANCHOR: serve
/// The worker's side: answer every task line on `input` until it closes.
/// `job` gets the task number and input, and returns the output or an error.
pub fn serve(
    input: impl BufRead,
    mut output: impl Write,
    job: impl Fn(usize, &str) -> Result<String, String>,
) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let Some((task, task_input)) = line.split_once('\t') else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not a task line: {line:?}"),
            ));
        };
        let number: usize = task.parse().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad task number {task:?}"),
            )
        })?;
        match job(number, task_input) {
            Ok(result) => writeln!(output, "{task}\tok\t{result}")?,
            Err(message) => writeln!(
                output,
                "{task}\terr\t{}",
                message.replace(['\n', '\t'], " ")
            )?,
        }
        output.flush()?; // the pool is waiting for this line
    }
    Ok(())
}
// ANCHOR_END: serve

/// A worker written in `sh`, to show that the protocol is only lines of
/// text: it squares its input, and exits with status 3 on the input `die`.
const SH_WORKER: &str = r#"
tab=$(printf '\t')
while IFS="$tab" read -r task input; do
  if [ "$input" = die ]; then exit 3; fi
  case "$input" in
    ''|*[!0-9]*) printf '%s\terr\tnot a number: %s\n' "$task" "$input" ;;
    *) printf '%s\tok\t%s\n' "$task" "$((input * input))" ;;
  esac
done
"#;

fn sh_worker() -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", SH_WORKER]);
    command
}

/// A small run of the listing: two `sh` workers square ten numbers, then
/// one task fails and one worker dies, and the pool says which task each time.
pub fn main() {
    let mut pool = ProcessPool::start(2, sh_worker).expect("starting sh workers");
    let tasks: Vec<String> = (0..10).map(|x| x.to_string()).collect();
    let squares = pool.map(&tasks).expect("every task succeeds");
    println!("squares from 2 worker processes: {squares:?}");
    let expected: Vec<String> = (0..10).map(|x| (x * x).to_string()).collect();
    assert_eq!(squares, expected);
    assert!(pool.bytes_through_pipes() > 0);

    // A task the worker rejects: the pool names it.
    let failure = pool.map(&["7".into(), "seven".into()]).unwrap_err();
    println!("{failure}");
    assert_eq!(failure.task, 1);
    pool.shutdown().expect("both workers exit cleanly");

    // A worker that dies mid-task: a clear error, not a hang.
    let mut pool = ProcessPool::start(1, sh_worker).expect("starting an sh worker");
    let failure = pool.map(&["2".into(), "die".into()]).unwrap_err();
    println!("{failure}");
    assert_eq!(failure.task, 1);
    assert!(failure.reason.contains("died"), "{failure}");
    drop(pool);

    assert!(
        ProcessPool::start(0, sh_worker).is_err(),
        "0 workers is an error"
    );
}
