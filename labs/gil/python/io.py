# The CPython twin of `gil io`: ten blocking waits one after another, then
# on ten threads. time.sleep releases the GIL while it waits.
#
#     python3 io.py 10 1.0
#
# Prints one JSON object per line, which `gil python` reads.
import json
import platform
import sys
import threading
import time


def wait_for_io(seconds):
    time.sleep(seconds)


def report(variant, work):
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"variant": variant, "wall_seconds": wall, "cpu_seconds": cpu}))


def on_threads(waits, seconds):
    threads = [threading.Thread(target=wait_for_io, args=(seconds,)) for _ in range(waits)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    waits, seconds = int(sys.argv[1]), float(sys.argv[2])
    print(json.dumps({"python": platform.python_version(),
                      "switch_interval": sys.getswitchinterval()}))
    report("sequential", lambda: [wait_for_io(seconds) for _ in range(waits)])
    report(f"{waits} threads", lambda: on_threads(waits, seconds))
