# The Python twin of the parallelism lab's `processes` experiment
# (labs/parallelism/src/processes.rs): what starting a thread and a child
# process costs, and which process ids and thread ids they report, with
# threading and multiprocessing.
# The lab's `python` experiment runs it next to the Rust; to run it by hand
# from the repository root:
#
#     python3 labs/parallelism/python/processes.py --rounds 3
#
# It prints one JSON document (see labs/labkit/python/twinkit.py).
import multiprocessing
import os
import sys
import threading

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402  (found beside this file, or through the line above)

THREADS = 1000
FORKS = 50
SPAWNS = 10


# ANCHOR: start_costs
def start_threads(count):
    """Starts `count` threads one after another, joining each before the
    next; each records the process id and the OS thread id it runs with."""
    seen = []

    def report():
        seen.append((os.getpid(), threading.get_native_id()))

    for _ in range(count):
        thread = threading.Thread(target=report)
        thread.start()
        thread.join()
    return seen


def child(parent):
    # Exit code 0 when the process that started this one is `parent`.
    sys.exit(0 if os.getppid() == parent else 1)


def start_processes(method, count):
    """Starts `count` child processes one after another with the start
    method `method` ("fork": a copy of this process; "spawn": a new
    interpreter), waiting for each to end before the next."""
    context = multiprocessing.get_context(method)
    seen = []
    for _ in range(count):
        process = context.Process(target=child, args=(os.getpid(),))
        process.start()
        process.join()
        seen.append((process.pid, process.exitcode))
    return seen
# ANCHOR_END: start_costs


def started(pids, ids):
    """The value twinkit checks (how many started) and this round's columns:
    how many reported this interpreter's process id, and how many distinct
    ids (OS thread ids, or process ids) were seen."""
    me = os.getpid()
    return twinkit.Outcome(len(pids), **{
        "same pid": sum(1 for pid in pids if pid == me),
        "ids": len(set(ids)),
    })


def threads_started(count):
    seen = start_threads(count)
    return started([pid for pid, _ in seen], [tid for _, tid in seen])


def processes_started(method, count):
    seen = start_processes(method, count)
    if any(code != 0 for _, code in seen):
        raise twinkit.TwinError(f"{method}: a child did not see this process as its parent: {seen}")
    pids = [pid for pid, _ in seen]
    return started(pids, pids)


def main():
    args = twinkit.arguments("What starting a thread and a child process costs, and who they say they are.")
    counts = {"thread": twinkit.scaled(THREADS, args.scale),
              "fork": twinkit.scaled(FORKS, args.scale),
              "spawn": twinkit.scaled(SPAWNS, args.scale)}
    start = twinkit.Experiment("start")
    start.variant("thread", lambda: threads_started(counts["thread"]),
                  check=lambda n: n == counts["thread"], starts=counts["thread"])
    for method in ("fork", "spawn"):
        if method in multiprocessing.get_all_start_methods():
            start.variant(method, lambda m=method: processes_started(m, counts[m]),
                          check=lambda n, m=method: n == counts[m], starts=counts[method])
    twinkit.main(start, args)


if __name__ == "__main__":
    main()
