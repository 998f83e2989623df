# The CPython twin of the choosing lab's `costs` (labs/choosing/src/costs.rs):
# the three executors of the Python material's cheat sheet, timed doing the
# same small jobs as the Rust units. Starting a unit that does nothing: a
# thread, a job on a ThreadPoolExecutor, a job on a ProcessPoolExecutor
# (workers already started), an asyncio task. Handing a number back and
# forth: two threads over two queue.Queue, two asyncio tasks over two
# asyncio.Queue. The lab's `python` experiment runs it beside the Rust; to
# run it by hand from the repository root:
#
#     python3 labs/choosing/python/executors.py --rounds 3 --scale 0.1
#
# It prints one JSON document (see labs/labkit/python/twinkit.py).
import asyncio
import os
import queue
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402  (found beside this file, or through the line above)

# How many of each at --scale 1: about a second's work per round each.
THREADS = 2_000
POOL_JOBS = 20_000
PROCESS_JOBS = 2_000
TASKS = 50_000
THREAD_ROUND_TRIPS = 5_000
TASK_ROUND_TRIPS = 20_000


def nothing():
    return 1


async def nothing_async():
    return 1


# ANCHOR: start
def start_threads(count):
    threads = [threading.Thread(target=nothing) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count


def submit_jobs(executor, count):
    """Jobs on a pool whose workers already run: a queue push each, and for
    a ProcessPoolExecutor the job and its result pickled through a pipe."""
    futures = [executor.submit(nothing) for _ in range(count)]
    return sum(future.result() for future in futures)


async def start_tasks(count):
    tasks = [asyncio.create_task(nothing_async()) for _ in range(count)]
    return sum([await task for task in tasks])
# ANCHOR_END: start


# ANCHOR: ping_pong
def ping_pong_threads(round_trips):
    to_pong, to_ping = queue.Queue(), queue.Queue()

    def pong():
        while (ball := to_pong.get()) is not None:
            to_ping.put(ball + 1)

    player = threading.Thread(target=pong)
    player.start()
    ball = 0
    for _ in range(round_trips):
        to_pong.put(ball)
        ball = to_ping.get()
    to_pong.put(None)  # ends pong's loop
    player.join()
    return ball


async def ping_pong_tasks(round_trips):
    to_pong, to_ping = asyncio.Queue(1), asyncio.Queue(1)

    async def pong():
        while (ball := await to_pong.get()) is not None:
            await to_ping.put(ball + 1)

    player = asyncio.create_task(pong())
    ball = 0
    for _ in range(round_trips):
        await to_pong.put(ball)
        ball = await to_ping.get()
    await to_pong.put(None)
    await player
    return ball
# ANCHOR_END: ping_pong


def main():
    args = twinkit.arguments("Start units that do nothing, and play ping-pong, with CPython's executors.")
    n = {name: twinkit.scaled(full, args.scale) for name, full in [
        ("threads", THREADS), ("pool", POOL_JOBS), ("process", PROCESS_JOBS),
        ("tasks", TASKS), ("thread trips", THREAD_ROUND_TRIPS), ("task trips", TASK_ROUND_TRIPS)]}
    with ThreadPoolExecutor(max_workers=2) as threads, ProcessPoolExecutor(max_workers=2) as processes:
        # Start the workers before any round is timed, as the Rust warms rayon and tokio up.
        submit_jobs(threads, 10)
        submit_jobs(processes, 10)
        spawn = twinkit.Experiment("spawn")
        spawn.variant("thread", lambda: start_threads(n["threads"]),
                      check=lambda k: k == n["threads"], units=n["threads"])
        spawn.variant("ThreadPool job", lambda: submit_jobs(threads, n["pool"]),
                      check=lambda k: k == n["pool"], units=n["pool"])
        spawn.variant("ProcessPool job", lambda: submit_jobs(processes, n["process"]),
                      check=lambda k: k == n["process"], units=n["process"])
        spawn.variant("asyncio task", lambda: asyncio.run(start_tasks(n["tasks"])),
                      check=lambda k: k == n["tasks"], units=n["tasks"])
        switch = twinkit.Experiment("switch")
        switch.variant("2 threads", lambda: ping_pong_threads(n["thread trips"]),
                       check=lambda ball: ball == n["thread trips"], **{"round trips": n["thread trips"]})
        switch.variant("2 asyncio tasks", lambda: asyncio.run(ping_pong_tasks(n["task trips"])),
                       check=lambda ball: ball == n["task trips"], **{"round trips": n["task trips"]})
        twinkit.main([spawn, switch], args)


if __name__ == "__main__":
    main()
