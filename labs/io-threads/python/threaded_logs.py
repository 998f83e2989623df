# The CPython twin of `io-threads pool` and `io-threads async`: five log files
# of 1,000 lines, each followed by a 1 s wait for a slow device, written one
# after another, by a ThreadPoolExecutor of 2 workers, of 5, and by a thread
# per file; then from asyncio tasks, calling the blocking write_log inside
# the coroutines (which blocks the event loop) and handing it to
# asyncio.to_thread, the counterpart of tokio's spawn_blocking. Written for
# this book after the Python material's `02_threaded_logs.py` experiment.
# `io-threads python` runs it beside the Rust; run it by hand with
#
#     python3 labs/io-threads/python/threaded_logs.py --rounds 3 --scale 0.1
#
# It prints one JSON document (see labs/labkit/python/twinkit.py).
import asyncio
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

FILES = 5
LINES = 1000
DEVICE_WAIT = 1.0  # seconds, the Python material's


# ANCHOR: write_log
def write_log(directory, name, lines, device_wait):
    """Writes one log file, then waits for the (simulated) slow device."""
    path = os.path.join(directory, f"{name}.log")
    with open(path, "w") as log:
        for line in range(1, lines + 1):
            log.write(f"[{name}] event {line} recorded\n")
    time.sleep(device_wait)  # waiting for the device: the GIL is released
    return path
# ANCHOR_END: write_log


def write_all_logs(directory, names, lines, device_wait):
    return [write_log(directory, name, lines, device_wait) for name in names]


# ANCHOR: pool
def write_logs_in_pool(directory, names, lines, device_wait, workers):
    """ThreadPoolExecutor.map: results in the order of `names`."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        paths = pool.map(lambda name: write_log(directory, name, lines, device_wait), names)
        return list(paths)  # waits for every job; re-raises a worker's exception


def write_logs_thread_per_file(directory, names, lines, device_wait):
    paths = [None] * len(names)

    def writer(index):
        paths[index] = write_log(directory, names[index], lines, device_wait)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(len(names))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()  # like leaving Rust's thread::scope
    return paths
# ANCHOR_END: pool


# ANCHOR: to_thread
async def write_logs_blocking_the_loop(directory, names, lines, device_wait):
    """Wrong on purpose: the loop's one thread sleeps inside each write."""
    async def write(name):
        return write_log(directory, name, lines, device_wait)
    return await asyncio.gather(*(write(name) for name in names))


async def write_logs_with_to_thread(directory, names, lines, device_wait):
    """The cure: each write runs on a thread of the loop's default executor."""
    return await asyncio.gather(
        *(asyncio.to_thread(write_log, directory, name, lines, device_wait) for name in names))
# ANCHOR_END: to_thread


def files_written(directory, names, lines):
    """The check of every round: each file, in name order, with every line."""
    def check(paths):
        if paths != [os.path.join(directory, f"{name}.log") for name in names]:
            raise ValueError(f"files out of order or missing: {paths}")
        for path in paths:
            with open(path) as log:
                if sum(1 for _ in log) != lines:
                    raise ValueError(f"{path} does not have {lines} lines")
    return check


if __name__ == "__main__":
    args = twinkit.arguments("Write five log files one after another, in a thread pool, on a thread "
                             "each, and from asyncio tasks.")
    wait = DEVICE_WAIT * args.scale
    names = [f"agent-{n}" for n in range(1, FILES + 1)]
    with tempfile.TemporaryDirectory(prefix="io-threads-twin-") as directory:
        check = files_written(directory, names, LINES)
        pool = twinkit.Experiment("pool")
        pool.variant("sequential", lambda: write_all_logs(directory, names, LINES, wait),
                     check=check)
        for workers in (2, FILES):
            pool.variant(f"pool of {workers} workers",
                         lambda workers=workers: write_logs_in_pool(directory, names, LINES, wait, workers),
                         check=check)
        pool.variant("thread per file", lambda: write_logs_thread_per_file(directory, names, LINES, wait),
                     check=check)
        # Each run gets its own event loop (asyncio.run), as each Rust run
        # gets its own runtime: every round starts with no executor threads.
        tasks = twinkit.Experiment("async")
        tasks.variant("blocking in tasks",
                      lambda: asyncio.run(write_logs_blocking_the_loop(directory, names, LINES, wait)),
                      check=check)
        tasks.variant("to_thread",
                      lambda: asyncio.run(write_logs_with_to_thread(directory, names, LINES, wait)),
                      check=check)
        twinkit.main([pool, tasks], args)
