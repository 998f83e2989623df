# The bank of the races chapter, in CPython with and without its GIL.
# Two ways to lose money:
#
# - "check, pause, act": four withdrawals (80, 70, 50, 20) from a balance of
#   100, each checking the balance, pausing (a stand-in for any slow step),
#   then subtracting. All four see 100 before anyone subtracts: overdrawn,
#   whatever the interpreter. The GIL never protected this.
# - "check, act": four threads take 1 at a time from one balance until it
#   is empty, with no pause at all. Under the GIL the check and the
#   subtraction happen not to be split; without it they are, and the bank
#   pays out more than it had ("overpaid").
#
# Both again with a lock around the check and the act. By hand:
#
#     python3.13t labs/gil/python/bank.py --rounds 3 --scale 0.1
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import sys
import threading
import time

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

WITHDRAWALS = [80, 70, 50, 20]  # from a balance of 100, as in the races chapter
PAUSE = 0.1  # seconds between the check and the act, times --scale
FULL_BALANCE = 2_000_000  # units the "check, act" threads take one by one


class Account:
    def __init__(self, balance):
        self.balance = balance


class NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *_):
        return False


# ANCHOR: bank
def withdraw(account, amount, pause, lock):
    with lock:
        if account.balance >= amount:  # check...
            time.sleep(pause)
            account.balance -= amount  # ...then act
            return amount
        return 0


def take_one_at_a_time(account, lock):
    paid = 0
    while True:
        with lock:
            if account.balance < 1:  # check...
                return paid
            account.balance -= 1  # ...then act
        paid += 1
# ANCHOR_END: bank


def on_threads(work, count):
    results = [None] * count

    def run(i):
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def paused(pause, lock):
    account = Account(100)
    paid = on_threads(lambda i: withdraw(account, WITHDRAWALS[i], pause, lock), len(WITHDRAWALS))
    return twinkit.Outcome(account.balance, balance=account.balance, paid=sum(paid))


def unpaused(balance, lock):
    account = Account(balance)
    paid = sum(on_threads(lambda i: take_one_at_a_time(account, lock), 4))
    return twinkit.Outcome(account.balance, balance=account.balance, overpaid=paid - balance)


if __name__ == "__main__":
    args = twinkit.arguments("A check-then-act bank, without and with a lock.")
    pause = PAUSE * args.scale
    balance = twinkit.scaled(FULL_BALANCE, args.scale)
    bank = twinkit.Experiment("bank")
    bank.variant("check, pause, act", lambda: paused(pause, NoLock()))
    bank.variant("check, pause, act, locked", lambda: paused(pause, threading.Lock()),
                 check=lambda left: left >= 0)
    bank.variant("check, act", lambda: unpaused(balance, NoLock()))
    bank.variant("check, act, locked", lambda: unpaused(balance, threading.Lock()),
                 check=lambda left: left == 0)
    twinkit.main(bank, args)
