# Results in the tasks' order, or as they finish: Executor.map (like
# Pool.imap) and as_completed (like Pool.imap_unordered), the twin of the
# GIL lab's `order` listing. Four naps of 40, 10, 30 and 20 ms (times
# --scale) on four threads. By hand:
#
#     python3 labs/gil/python/order.py --rounds 3
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

TASKS = [40, 10, 30, 20]  # milliseconds


def nap(ms, scale):
    time.sleep(ms * scale / 1000)
    return ms


# ANCHOR: order
def in_order(tasks, scale):
    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(nap, tasks, [scale] * len(tasks)))


def as_they_finish(tasks, scale):
    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(nap, task, scale) for task in tasks]
        return [future.result() for future in as_completed(futures)]
# ANCHOR_END: order


def showing_order(results):
    return twinkit.Outcome(results, order=" ".join(str(r) for r in results))


if __name__ == "__main__":
    args = twinkit.arguments("Four naps on four threads: results in order, then as they finish.")
    order = twinkit.Experiment("order")
    order.variant("in order, Executor.map", lambda: showing_order(in_order(TASKS, args.scale)),
                  check=lambda results: results == TASKS)
    order.variant("as they finish, as_completed", lambda: showing_order(as_they_finish(TASKS, args.scale)),
                  check=lambda results: sorted(results) == sorted(TASKS))
    twinkit.main(order, args)
