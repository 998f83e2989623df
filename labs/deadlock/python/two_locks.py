# Twin of the deadlock lab's `two-locks` (labs/deadlock/src/two_locks.rs and
# watchdog.rs): thread 1 takes lock A then lock B, thread 2 lock B then lock
# A, and a barrier makes both hold their first lock before either asks for
# its second, so they deadlock every time. Named locks write down who holds
# what; a watchdog thread that sees no lock change hands for a while prints
# where each thread stands and ends the process with exit status 3, as the
# Rust lab does. Run it by hand (it ends by itself after the patience):
#
#     python3 labs/deadlock/python/two_locks.py --patience 2
#
# Prints the same lines as `cargo run -p deadlock -- two-locks`.
import os
import sys
import threading
import time

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

DEADLOCK_EXIT_CODE = 3


class Board:
    """Who holds which lock and who waits for which, written down before a
    thread blocks; `progress` grows every time a lock changes hands."""

    def __init__(self):
        self._mutex = threading.Lock()
        self.holds, self.waits_for, self.log = {}, {}, []
        self.progress = 0

    def waiting(self, thread, lock):
        with self._mutex:
            self.waits_for[thread] = lock

    def acquired(self, thread, lock):
        with self._mutex:
            self.waits_for.pop(thread, None)
            self.holds.setdefault(thread, []).append(lock)
            self.log.append(f"{thread} acquired {lock}")
            self.progress += 1

    def released(self, thread, lock):
        with self._mutex:
            self.holds[thread].remove(lock)
            self.progress += 1

    def standings(self):
        with self._mutex:
            lines = []
            for thread in sorted(set(self.holds) | set(self.waits_for)):
                held = self.holds.get(thread, [])
                holds = "holds " + " and ".join(held) if held else "holds nothing"
                if thread in self.waits_for:
                    lines.append(f"{thread} {holds} and waits for {self.waits_for[thread]}")
                elif held:
                    lines.append(f"{thread} {holds}")
            return lines


class NamedLock:
    """A threading.Lock with a name, used as `with lock:`, that tells a
    Board who holds it and who waits for it."""

    def __init__(self, name, board):
        self.name, self.board, self._lock = name, board, threading.Lock()

    def __enter__(self):
        me = threading.current_thread().name
        self.board.waiting(me, self.name)  # written down before we block
        self._lock.acquire()
        self.board.acquired(me, self.name)

    def __exit__(self, *exception):
        self.board.released(threading.current_thread().name, self.name)
        self._lock.release()


# ANCHOR: opposite_orders
def opposite_orders(lock_a, lock_b):
    both_hold_one = threading.Barrier(2)

    def take(first, second):
        with first:
            both_hold_one.wait()
            with second:  # the other thread holds it and wants ours: wait forever
                pass

    threads = [
        threading.Thread(target=take, args=(lock_a, lock_b), name="thread 1"),
        threading.Thread(target=take, args=(lock_b, lock_a), name="thread 2"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()  # never returns: the watchdog ends the process
# ANCHOR_END: opposite_orders


# ANCHOR: watchdog
def start_watchdog(patience, progress, stuck):
    """Calls stuck() from a thread of its own once progress() has stayed the
    same for `patience` seconds. stuck() must end the process, with
    os._exit: sys.exit in a thread ends only that thread, and nothing can
    stop a thread blocked on a lock."""
    def watch():
        last_seen, last_change = progress(), time.monotonic()
        while True:
            time.sleep(0.01)
            now_seen = progress()
            if now_seen != last_seen:
                last_seen, last_change = now_seen, time.monotonic()
            elif time.monotonic() - last_change >= patience:
                return stuck()

    threading.Thread(target=watch, daemon=True).start()
# ANCHOR_END: watchdog


def report_and_exit(board, patience):
    for line in sorted(board.log):
        print(f"  {line}")
    print(f"watchdog: no lock changed hands for {patience:.1f} s; the threads stand like this:")
    for line in board.standings():
        print(f"  {line}")
    print(f"watchdog: deadlock; ending the process (exit status {DEADLOCK_EXIT_CODE})")
    sys.stdout.flush()
    os._exit(DEADLOCK_EXIT_CODE)


if __name__ == "__main__":
    args = twinkit.arguments(
        "Two threads, two locks, opposite orders: a deadlock a watchdog reports.",
        add=lambda parser: parser.add_argument(
            "--patience", type=twinkit.positive_float, default=2.0,
            help="seconds without a lock changing hands before the watchdog ends the process"))
    board = Board()
    lock_a, lock_b = NamedLock("lock A", board), NamedLock("lock B", board)
    print("Thread 1 takes lock A then lock B; thread 2 takes lock B then lock A.")
    print("A barrier makes both hold their first lock before asking for the second.")
    start_watchdog(args.patience, lambda: board.progress, lambda: report_and_exit(board, args.patience))
    opposite_orders(lock_a, lock_b)
    sys.exit("the threads finished, which the barrier should have made impossible")
