# Twin of the deadlock lab's `timeout` experiment, its `give up` variant
# (labs/deadlock/src/timeout.rs, give_up_after_timeout): the Python
# material's fix. Each thread waits at most a timeout for its second lock
# (`acquire(timeout=...)`) and, when the wait runs out, gives up, which
# releases its first lock. Thread 2 asks for its second lock first and
# thread 1 half a timeout later, so thread 2 gives up and thread 1 then
# finishes, as in the material's run. Run it by hand:
#
#     python3 labs/deadlock/python/timeout.py --rounds 3 --scale 0.1
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import sys
import threading
import time

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

TIMEOUT = 2.0  # seconds: the material's acquire(timeout=2)


# ANCHOR: give_up
def give_up_after_timeout(lock_a, lock_b, timeout):
    both_hold_one = threading.Barrier(2)
    outcome = {}

    def attempt(me, first, second, ask_after):
        with first:
            both_hold_one.wait()
            time.sleep(ask_after)
            if second.acquire(timeout=timeout):
                second.release()  # ... the work would go here, first
                outcome[me] = "finished"
            else:
                outcome[me] = "gave up"  # leaving `with` releases the first lock

    threads = [
        threading.Thread(target=attempt, args=("thread 1", lock_a, lock_b, timeout / 2)),
        threading.Thread(target=attempt, args=("thread 2", lock_b, lock_a, 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome["thread 1"], outcome["thread 2"]
# ANCHOR_END: give_up


def who(outcomes, wanted):
    names = [f"thread {n}" for n, o in enumerate(outcomes, 1) if o == wanted]
    return "both" if len(names) == 2 else (names[0] if names else "nobody")


def give_up(timeout):
    outcomes = give_up_after_timeout(threading.Lock(), threading.Lock(), timeout)
    return twinkit.Outcome(outcomes, finished=who(outcomes, "finished"), gave_up=who(outcomes, "gave up"))


if __name__ == "__main__":
    args = twinkit.arguments("Two locks, opposite orders, and a timeout: who gives up?")
    timeout = TIMEOUT * args.scale
    experiment = twinkit.Experiment("timeout")
    # Each waited for a lock the other held: at most one can finish.
    experiment.variant("give up", lambda: give_up(timeout), check=lambda o: "gave up" in o)
    twinkit.main(experiment, args)
