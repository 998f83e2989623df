# The CPython twin of `gil fib`: fib(n) and fib(n + 1) by naive recursion,
# one after the other on one thread, then each on a thread of its own.
# `gil python` runs it with each interpreter it finds; by hand:
#
#     python3.13t labs/gil/python/fib.py --rounds 3 --n 30
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import sys
import threading

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402


# ANCHOR: fib
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def pair_on_one_thread(n):
    return fib(n), fib(n + 1)


def pair_on_threads(n):
    pair = [None, None]

    def work(i):
        pair[i] = fib(n + i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tuple(pair)
# ANCHOR_END: fib


def by_iteration(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a, b


if __name__ == "__main__":
    args = twinkit.arguments(
        "fib(n) and fib(n + 1), on one thread, then on two.",
        add=lambda parser: parser.add_argument(
            "--n", type=twinkit.positive_int, default=30, help="n (default 30); --scale is ignored"))
    expected = by_iteration(args.n)
    fibs = twinkit.Experiment("fib")
    # The baseline runs on a new thread too: the same kind of thread as the two.
    fibs.variant("1 thread", lambda: twinkit.on_a_new_thread(lambda: pair_on_one_thread(args.n)),
                 check=lambda pair: pair == expected)
    fibs.variant("2 threads", lambda: pair_on_threads(args.n), check=lambda pair: pair == expected)
    twinkit.main(fibs, args)
