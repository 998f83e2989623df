# Lost updates on a shared counter: threads each add 1 to the same integer
# N times with `counter.value += 1`, first without a lock, then with one.
# That is a read, an add and a write; another thread's write in between is
# lost. Under the GIL a thread is switched out only between certain
# bytecodes, so losses are rare or absent; on a free-threaded build the
# threads truly overlap. Rust refuses this program at compile time (see the
# races chapter). Run it by hand:
#
#     python3.13t labs/gil/python/lost_updates.py --rounds 3 --scale 0.1
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import sys
import threading

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

FULL = 10_000_000  # increments in all, per variant


class Counter:
    value = 0


# ANCHOR: add
def add(counter, times):
    for _ in range(times):
        counter.value += 1  # read, add, write: three steps


def add_locked(counter, times, lock):
    for _ in range(times):
        with lock:
            counter.value += 1
# ANCHOR_END: add


def race(threads, times, lock=None):
    counter = Counter()
    work, extra = (add, ()) if lock is None else (add_locked, (lock,))
    workers = [threading.Thread(target=work, args=(counter, times) + extra) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    expected = threads * times
    return twinkit.Outcome(counter.value, lost=expected - counter.value)


if __name__ == "__main__":
    args = twinkit.arguments(
        "Threads add 1 to one shared counter without a lock; counts the lost updates.",
        add=lambda parser: parser.add_argument(
            "--threads", type=twinkit.positive_int, default=4, help="how many threads share the counter (default 4)"))
    total = twinkit.scaled(FULL, args.scale)
    counting = twinkit.Experiment("counter")
    times = total // args.threads
    increments = args.threads * times
    counting.variant(f"{args.threads} threads", lambda: race(args.threads, times),
                     check=lambda value: 0 < value <= increments,
                     threads=args.threads, increments=increments)
    counting.variant(f"{args.threads} threads, with a lock",
                     lambda: race(args.threads, times, threading.Lock()),
                     check=lambda value: value == increments,
                     threads=args.threads, increments=increments)
    twinkit.main(counting, args)
