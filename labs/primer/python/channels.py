# Python counterpart of the primer lab's `channels` listing (labs/primer/src/channels.rs):
# producers put orders into a queue.Queue, one consumer takes them. A queue
# never ends by itself, so each producer puts a sentinel (None) when it is
# done, and the consumer counts them. Prints the same line as
# `cargo run -p primer -- channels`. Run it:
#
#     python3 labs/primer/python/channels.py
import queue
import threading


# ANCHOR: channel
def take_orders(producers, each):
    inbox = queue.Queue()

    def produce(producer):
        for n in range(1, each + 1):
            inbox.put(producer * 100 + n)
        inbox.put(None)  # "this producer is done": the end Rust gets for free

    threads = [threading.Thread(target=produce, args=(p,)) for p in range(producers)]
    for t in threads:
        t.start()
    received = total = done = 0
    while done < producers:
        order = inbox.get()
        if order is None:
            done += 1
        else:
            received += 1
            total += order
    for t in threads:
        t.join()
    return received, total
# ANCHOR_END: channel


if __name__ == "__main__":
    received, total = take_orders(3, 5)
    print(f"3 producers sent 5 orders each; received {received}, numbers adding up to {total}")
