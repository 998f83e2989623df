# Twin of the locks lab's `bank-locked` experiment (labs/locks/src/bank_locked.rs):
# the Python threading tutorial's bank with its lock fix. Balance 100, four
# customers withdrawing 80, 70, 50 and 20 at once, each checking, pausing
# and subtracting under one threading.Lock. Run it by hand:
#
#     python3 labs/locks/python/bank_locked.py --rounds 3 --scale 0.1
#
# It prints one JSON document (see labs/labkit/python/twinkit.py): per
# round, the wall time and the balance the bank ended at.
import os
import sys
import threading
import time

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402  (found beside this file, or through the line above)

TELLER_PAUSE = 1.0  # seconds, the tutorial's time.sleep(1)


class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = threading.Lock()  # beside the balance, not around it


# ANCHOR: withdraw_locked
def withdraw_locked(account, amount, pause):
    """Check, pause and act, all under the lock. Returns True if paid."""
    with account.lock:
        if account.balance >= amount:
            time.sleep(pause)  # the teller counts the notes, holding the lock
            account.balance -= amount
            return True
        return False
# ANCHOR_END: withdraw_locked


def all_at_once(opening, amounts, pause):
    account = Account(opening)
    paid = [False] * len(amounts)

    def customer(i):
        paid[i] = withdraw_locked(account, amounts[i], pause)

    customers = [threading.Thread(target=customer, args=(i,)) for i in range(len(amounts))]
    for c in customers:
        c.start()
    for c in customers:
        c.join()
    return twinkit.Outcome(account.balance, balance=account.balance, paid=sum(paid))


def one_at_a_time(opening, amounts):
    """Every balance some order of the customers gives, served whole."""
    if not amounts:
        return {opening}
    ends = set()
    for i, amount in enumerate(amounts):
        after = opening - amount if opening >= amount else opening
        ends |= one_at_a_time(after, amounts[:i] + amounts[i + 1:])
    return ends


if __name__ == "__main__":
    def options(parser):
        parser.add_argument("--balance", type=int, default=100, help="the opening balance (default 100)")
        parser.add_argument("--amounts", type=twinkit.positive_ints, default=[80, 70, 50, 20],
                            help="the withdrawals, comma-separated (default 80,70,50,20)")

    args = twinkit.arguments("The tutorial's bank with a lock, all at once.", add=options)
    pause = TELLER_PAUSE * args.scale
    allowed = one_at_a_time(args.balance, args.amounts)
    bank = twinkit.Experiment("bank-locked")
    bank.variant("with a lock", lambda: all_at_once(args.balance, args.amounts, pause),
                 check=lambda balance: balance in allowed)
    twinkit.main(bank, args)
