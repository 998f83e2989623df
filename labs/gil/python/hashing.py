# A C extension that lets go of the GIL: hashlib's SHA-256 releases it while
# it hashes a large buffer, so two threads hashing their own buffers run at
# once even under the GIL, where the countdown could not. Run it by hand:
#
#     python3 labs/gil/python/hashing.py --rounds 3 --scale 0.2
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import hashlib
import os
import sys
import threading

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

FULL_MIB = 2048  # MiB hashed in all, per variant (about 1 s of SHA-256 on one core)
CHUNK = 1 << 20  # each update() hashes 1 MiB, with the GIL released


# ANCHOR: hashing
def digest(chunks):
    h = hashlib.sha256()
    for _ in range(chunks):
        h.update(BLOCK)  # 1 MiB, hashed with the GIL released
    return h.hexdigest()


def on_threads(parts):
    digests = [None] * len(parts)

    def work(i):
        digests[i] = digest(parts[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(parts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return digests
# ANCHOR_END: hashing


if __name__ == "__main__":
    args = twinkit.arguments("Hash N MiB with SHA-256 on one thread, then split between two.")
    chunks = 2 * max(1, twinkit.scaled(FULL_MIB, args.scale) // 2)
    BLOCK = bytes(range(256)) * (CHUNK // 256)
    half = digest(chunks // 2)  # what each of the two threads must get
    whole = digest(chunks)
    sha = twinkit.Experiment("sha256")
    sha.variant("1 thread", lambda: on_threads([chunks]), check=lambda d: d == [whole], threads=1, mib=chunks)
    sha.variant("2 threads", lambda: on_threads([chunks // 2, chunks // 2]),
                check=lambda d: d == [half, half], threads=2, mib=chunks)
    twinkit.main(sha, args)
