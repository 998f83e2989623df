# Python counterpart of the primer lab's `guard` listing (labs/primer/src/guard.rs):
# `with lock:` releases at the end of its block; a bare `lock.acquire()`
# holds the lock until someone calls `release()`. Prints the same first line
# as `cargo run -p primer -- guard`, then where the lock is held. Run it:
#
#     python3 labs/primer/python/guard.py
import threading


class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = threading.Lock()  # beside the balance: nothing ties them together


# ANCHOR: with_lock
def deposit(account, amount):
    with account.lock:
        account.balance += amount
        return account.balance
# ANCHOR_END: with_lock


# ANCHOR: idioms
def lock_idioms(lock):
    seen = []
    with lock:
        seen.append(("inside `with lock:`", lock.locked()))
    seen.append(("after that block", lock.locked()))
    lock.acquire()  # no block: held until someone releases it
    seen.append(("`lock.acquire()`, next line", lock.locked()))
    lock.release()
    seen.append(("after `lock.release()`", lock.locked()))
    return seen
# ANCHOR_END: idioms


if __name__ == "__main__":
    account = Account(100)
    balance = deposit(account, 20)
    print(f"deposit 20 into 100: {balance}; locked afterwards: {str(account.lock.locked()).lower()}")
    for point, locked in lock_idioms(threading.Lock()):
        print(f"{point}: {'locked' if locked else 'free'}")
