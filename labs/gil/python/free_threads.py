# The CPython twin of `gil countdown` in twinkit's rounds: the Python
# material's `while n > 0: n -= 1`, on one thread, then split between two.
# Under the GIL the two threads take turns; on a free-threaded build
# (python3.13t, python3.14t) they run at once. Run it by hand with each:
#
#     python3.13t labs/gil/python/free_threads.py --rounds 3 --scale 0.2
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import sys
import threading

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

FULL = 500_000_000  # the Python material's countdown


def count_down(n):
    while n > 0:
        n -= 1
    return n


def on_threads(parts):
    left = [None] * len(parts)

    def work(i):
        left[i] = count_down(parts[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(parts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return left


if __name__ == "__main__":
    args = twinkit.arguments("Count down from N on one thread, then on two.")
    n = twinkit.scaled(FULL, args.scale)
    countdown = twinkit.Experiment("countdown")
    countdown.variant("1 thread", lambda: count_down(n), check=lambda left: left == 0, threads=1)
    countdown.variant("2 threads", lambda: on_threads([n // 2, n - n // 2]),
                      check=lambda left: left == [0, 0], threads=2)
    twinkit.main(countdown, args)
