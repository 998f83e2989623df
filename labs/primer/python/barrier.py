# Python counterpart of the primer lab's `barrier` listing (labs/primer/src/barrier.rs):
# threading.Barrier lets nobody past until every party has arrived. Prints
# the same line as `cargo run -p primer -- barrier`. Run it:
#
#     python3 labs/primer/python/barrier.py
import threading


# ANCHOR: barrier
def check_then_act(customers):
    log = []
    log_lock = threading.Lock()
    everyone_checked = threading.Barrier(customers)

    def customer():
        with log_lock:
            log.append("check")
        everyone_checked.wait()  # sleeps until all have arrived
        with log_lock:
            log.append("act")

    threads = [threading.Thread(target=customer) for _ in range(customers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return log
# ANCHOR_END: barrier


if __name__ == "__main__":
    log = check_then_act(3)
    print(f"3 customers, the log: {', '.join(log)}")
