# The CPython twin of `gil countdown`: count down from N on one thread, then
# share the same countdown between two threads. Under the GIL only one of
# them runs Python bytecode at a time. Last, the two threads again with the
# GIL handed over every TINY seconds instead of every 5 ms.
#
#     python3 countdown.py 500000000 0.000005
#
# Prints one JSON object per line, which `gil python` reads.
import json
import platform
import sys
import threading
import time


def count_down(n):
    while n > 0:
        n -= 1


def on_threads(parts):
    threads = [threading.Thread(target=count_down, args=(part,)) for part in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def report(variant, work):
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"variant": variant, "wall_seconds": wall, "cpu_seconds": cpu}))


if __name__ == "__main__":
    n, tiny = int(sys.argv[1]), float(sys.argv[2])
    print(json.dumps({"python": platform.python_version(),
                      "switch_interval": sys.getswitchinterval()}))
    report("1 thread", lambda: count_down(n))
    report("2 threads", lambda: on_threads([n // 2, n - n // 2]))
    sys.setswitchinterval(tiny)
    report(f"2 threads, {tiny * 1e6:.1f} µs switch", lambda: on_threads([n // 2, n - n // 2]))
