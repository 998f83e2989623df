# Python counterpart of the primer lab's `threads` listing (labs/primer/src/threads.rs):
# a thread started and joined, then two threads counting halves of the same
# list. Prints the same lines as `cargo run -p primer -- threads`. Run it:
#
#     python3 labs/primer/python/threads.py
import threading

WORDS = ["spawn", "scope", "join", "guard", "atomic", "channel"]


def letters(words):
    return sum(len(w) for w in words)


# ANCHOR: spawn
def count_on_a_thread(words):
    result = []  # Thread.join() returns None: the thread leaves its result here
    worker = threading.Thread(target=lambda: result.append(letters(words)))
    worker.start()
    worker.join()
    return result[0]
# ANCHOR_END: spawn


# ANCHOR: scope
def count_on_two_threads(words):
    half = len(words) // 2
    results = [0, 0]

    def count(i, part):
        results[i] = letters(part)

    workers = [threading.Thread(target=count, args=(0, words[:half])),
               threading.Thread(target=count, args=(1, words[half:]))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()  # nothing makes you join: forget it and you read results too early
    return results[0], results[1]
# ANCHOR_END: scope


if __name__ == "__main__":
    spawned = count_on_a_thread(list(WORDS))
    a, b = count_on_two_threads(WORDS)
    print(f"spawn: one thread counted {spawned} letters in its own copy of the words")
    print(f"scope: two threads counted {a} and {b} letters in the same borrowed words")
