# Python counterpart of the primer lab's `atomics` listing (labs/primer/src/atomics.rs):
# Python has no atomic integers; a counter shared by threads takes a Lock
# (`x += 1` is several bytecodes, and can lose updates), and a stop flag is
# a threading.Event. Prints lines shaped like `cargo run -p primer -- atomics`.
# Run it:
#
#     python3 labs/primer/python/atomics.py --increments 100000
import argparse
import threading
import time


# ANCHOR: counter
def count_events(threads, per_thread):
    events = 0
    lock = threading.Lock()

    def count():
        nonlocal events
        for _ in range(per_thread):
            with lock:
                events += 1

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return events
# ANCHOR_END: counter


# ANCHOR: flag
def stop_workers(workers, after):
    stop = threading.Event()
    laps = [0] * workers

    def work(i):
        while not stop.is_set():
            laps[i] += 1
            time.sleep(0)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    time.sleep(after)
    stop.set()
    for t in threads:
        t.join()
    return laps
# ANCHOR_END: flag


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--increments", type=int, default=100_000)
    args = parser.parse_args()
    total = count_events(args.threads, args.increments)
    print(f"{args.threads} threads x {args.increments} increments, under a Lock: "
          f"the counter reads {total} (expected {args.threads * args.increments})")
    laps = stop_workers(2, 0.05)
    print(f"{len(laps)} workers saw the stop flag and stopped: true")
