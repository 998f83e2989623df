# The CPython twin of `gil io`: blocking waits one after another, then each
# on a thread of its own. time.sleep releases the GIL while it waits. By hand:
#
#     python3 labs/gil/python/io.py --rounds 3 --scale 0.2
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import sys
import threading
import time

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402


# ANCHOR: io
def wait_for_io(seconds):
    time.sleep(seconds)  # the GIL is released while it waits
    return 1


def in_sequence(waits, seconds):
    return sum(wait_for_io(seconds) for _ in range(waits))


def on_threads(waits, seconds):
    threads = [threading.Thread(target=wait_for_io, args=(seconds,)) for _ in range(waits)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(threads)
# ANCHOR_END: io


if __name__ == "__main__":
    args = twinkit.arguments(
        "Blocking waits of 1 s (times --scale), one after another, then on threads.",
        add=lambda parser: parser.add_argument(
            "--waits", type=twinkit.positive_int, default=10, help="how many waits (default 10)"))
    seconds = 1.0 * args.scale
    io = twinkit.Experiment("io")
    io.variant("sequential", lambda: in_sequence(args.waits, seconds), check=lambda done: done == args.waits)
    io.variant(f"{args.waits} threads", lambda: on_threads(args.waits, seconds),
               check=lambda done: done == args.waits)
    twinkit.main(io, args)
