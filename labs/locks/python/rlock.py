# Python counterpart of the locks lab's `relock` listing (labs/locks/src/reentrant.rs):
# the same fee-and-statement code, once with threading.Lock, which a thread
# cannot take twice (it waits for itself, like Rust's Mutex), once with
# threading.RLock, which counts how often its owner took it. The stuck call
# runs on a daemon thread watched by a timeout, so this script ends by
# itself. Run it by hand:
#
#     python3 labs/locks/python/rlock.py
import threading

PATIENCE = 0.5  # seconds the watchdog waits


class Account:
    def __init__(self, balance, lock):
        self.balance = balance
        self.lock = lock


# ANCHOR: relock
def charge_fee(account, fee):
    with account.lock:
        account.balance -= fee
        return statement(account)  # still inside `with account.lock`


def statement(account):
    with account.lock:  # Lock: waits for itself; RLock: the owner goes in
        return account.balance
# ANCHOR_END: relock


def watched(call):
    """Runs `call` on a daemon thread; its result, or None if still stuck."""
    result = []
    worker = threading.Thread(target=lambda: result.append(call()), daemon=True)
    worker.start()
    worker.join(PATIENCE)
    return result[0] if result else None


if __name__ == "__main__":
    for name, kind in (("Lock", threading.Lock), ("RLock", threading.RLock)):
        account = Account(100, kind())
        returned = watched(lambda: charge_fee(account, 1))
        verdict = "still waiting: deadlocked on itself" if returned is None else f"returned {returned}"
        print(f"charge_fee with {name}: {verdict}")
