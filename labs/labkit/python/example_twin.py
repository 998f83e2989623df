# An example twin, the smallest use of twinkit (labkit's tests run it): add
# up 0..N on one thread, then in two halves on two threads. Run it by hand:
#
#     python3 labs/labkit/python/example_twin.py --rounds 3 --scale 0.1
#
# It prints one JSON document (see twinkit.py) on standard output.
import os
import sys
import threading

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402  (found beside this file, or through the line above)

N = 2_000_000


def add_up(start, stop):
    total = 0
    for i in range(start, stop):
        total += i
    return total


def on_two_threads(n):
    halves = [(0, n // 2), (n // 2, n)]
    totals = [0, 0]

    def work(index):
        totals[index] = add_up(*halves[index])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The value twinkit checks, and a column reported each round: each half's total.
    return twinkit.Outcome(sum(totals), halves=totals)


if __name__ == "__main__":
    args = twinkit.arguments("Add up 0..N on one thread, then on two.")
    n = twinkit.scaled(N, args.scale)
    expected = n * (n - 1) // 2
    adding = twinkit.Experiment("add up")
    adding.variant("1 thread", lambda: add_up(0, n), check=lambda total: total == expected, threads=1)
    adding.variant("2 threads", lambda: on_two_threads(n), check=lambda total: total == expected, threads=2)
    twinkit.main(adding, args)
