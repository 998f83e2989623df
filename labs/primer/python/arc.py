# Python counterpart of the primer lab's `arc` listing (labs/primer/src/arc.rs):
# three threads sum the same list. Every Python object is already shared by
# reference and counted by the interpreter, so there is nothing to wrap.
# Prints the first line `cargo run -p primer -- arc` prints. Run it:
#
#     python3 labs/primer/python/arc.py
import threading


# ANCHOR: arc
def share(prices, readers):
    sums = [0] * readers

    def read(i):
        sums[i] = sum(prices)  # the same list object in every thread

    threads = [threading.Thread(target=read, args=(i,)) for i in range(readers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sums
# ANCHOR_END: arc


if __name__ == "__main__":
    sums = share([10, 20, 30], 3)
    print(f"{len(sums)} threads summed the same prices: {', '.join(map(str, sums))}")
