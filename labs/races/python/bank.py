# Twin of the races lab's `bank` experiment (labs/races/src/bank.rs): the
# Python threading tutorial's bank account, balance 100, four customers
# withdrawing 80, 70, 50 and 20, each checking the balance, pausing (the
# teller counting the notes), then subtracting. Served in turn, then all at
# once on four threads. Run it by hand:
#
#     python3 labs/races/python/bank.py --rounds 3 --scale 0.1
#
# It prints one JSON document (see labs/labkit/python/twinkit.py): per
# variant, the wall time of each round and the balance each round ended at.
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


# ANCHOR: withdraw
def withdraw(account, amount, pause):
    """The tutorial's withdraw: check, pause, act. Returns True if paid."""
    if account.balance >= amount:  # check...
        time.sleep(pause)  # ...the teller counts the notes...
        account.balance -= amount  # ...then act
        return True
    return False
# ANCHOR_END: withdraw


def in_turn(opening, amounts, pause):
    account = Account(opening)
    paid = []
    for amount in amounts:
        customer = threading.Thread(target=lambda a=amount: paid.append(withdraw(account, a, pause)))
        customer.start()
        customer.join()  # the next customer starts only when this one is done
    return twinkit.Outcome(account.balance, balance=account.balance, paid=sum(paid))


# ANCHOR: all_at_once
def all_at_once(opening, amounts, pause):
    account = Account(opening)
    paid = [False] * len(amounts)

    def customer(i):
        paid[i] = withdraw(account, amounts[i], pause)

    customers = [threading.Thread(target=customer, args=(i,)) for i in range(len(amounts))]
    for c in customers:
        c.start()  # nothing forces an order: the pause makes overlap likely
    for c in customers:
        c.join()
    return twinkit.Outcome(account.balance, balance=account.balance, paid=sum(paid))
# ANCHOR_END: all_at_once


if __name__ == "__main__":
    def options(parser):
        parser.add_argument("--balance", type=int, default=100, help="the opening balance (default 100)")
        parser.add_argument("--amounts", type=twinkit.positive_ints, default=[80, 70, 50, 20],
                            help="the withdrawals, comma-separated (default 80,70,50,20)")

    args = twinkit.arguments("The tutorial's bank: in turn, then all at once.", add=options)
    pause = TELLER_PAUSE * args.scale
    served = args.balance
    for amount in args.amounts:
        served = served - amount if served >= amount else served
    bank = twinkit.Experiment("bank")
    bank.variant("in turn", lambda: in_turn(args.balance, args.amounts, pause),
                 check=lambda balance: balance == served)
    # All at once, any interleaving may happen: the lab counts what each round gave.
    bank.variant("all at once", lambda: all_at_once(args.balance, args.amounts, pause))
    twinkit.main(bank, args)
