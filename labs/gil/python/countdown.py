# The CPython twin of `gil countdown`: the Python material's
# `while n > 0: n -= 1`, on one thread, then shared between two. Under the
# GIL only one of them runs bytecode at a time; on a free-threaded build
# (python3.13t, python3.14t) they run at once. With the GIL on, the two
# threads run once more with a tiny switch interval. `gil python` runs this
# twin with each interpreter it finds; run it by hand with any of them:
#
#     python3.13t labs/gil/python/countdown.py --rounds 3 --scale 0.2
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import sys
import threading

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

FULL = 500_000_000  # the Python material's countdown


# ANCHOR: countdown
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
# ANCHOR_END: countdown


def with_switch_interval(seconds, work):
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        return work()
    finally:
        sys.setswitchinterval(before)


if __name__ == "__main__":
    args = twinkit.arguments(
        "Count down from N on one thread, then on two.",
        add=lambda parser: parser.add_argument(
            "--tiny-switch", type=twinkit.positive_float, default=5e-6,
            help="the tiny switch interval the GIL-bound threads also try, in seconds (default 5e-6)"))
    n = twinkit.scaled(FULL, args.scale)
    halves = [n // 2, n - n // 2]
    countdown = twinkit.Experiment("countdown")
    # The baseline runs on a new thread too: the same kind of thread as the two.
    countdown.variant("1 thread", lambda: twinkit.on_a_new_thread(lambda: count_down(n)),
                      check=lambda left: left == 0)
    countdown.variant("2 threads", lambda: on_threads(halves), check=lambda left: left == [0, 0])
    if twinkit.interpreter()["gil_enabled"] is not False:  # a switch interval means nothing without a GIL
        countdown.variant(f"2 threads, {args.tiny_switch * 1e6:.1f} µs switch",
                          lambda: with_switch_interval(args.tiny_switch, lambda: on_threads(halves)),
                          check=lambda left: left == [0, 0])
    twinkit.main(countdown, args)
