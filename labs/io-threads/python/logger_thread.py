# The CPython twin of `io-threads agent`: five agents log ten events each to
# one file, 100 ms of work before each event and 100 ms per device wait:
# one thread doing everything in turn, agents sharing a file behind a
# threading.Lock, and agents putting lines on a queue.Queue for one logger
# thread that owns the file (the "agent" pattern). `io-threads python` runs
# it beside the Rust; run it by hand with
#
#     python3 labs/io-threads/python/logger_thread.py --rounds 3 --scale 0.1
#
# It prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import queue
import sys
import tempfile
import threading
import time

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

AGENTS = 5
EVENTS = 10
WORK = 0.1  # seconds before each event
DEVICE_WAIT = 0.1  # seconds per flush-and-wait


def event_line(agent, event):
    return f"[agent-{agent}] event {event} recorded\n"


def run_agents(agents, body):
    threads = [threading.Thread(target=body, args=(a,)) for a in range(1, agents + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def one_thread_logs_everything(path, agents, events, work, device_wait):
    syncs = 0
    with open(path, "w") as log:
        for event in range(1, events + 1):
            for agent in range(1, agents + 1):
                time.sleep(work)
                log.write(event_line(agent, event))
                log.flush()
                time.sleep(device_wait)
                syncs += 1
    return twinkit.Outcome(path, syncs=syncs)


# ANCHOR: locked_file
def agents_share_a_locked_file(path, agents, events, work, device_wait):
    lock = threading.Lock()
    synced = []  # list.append is atomic: one entry per device wait
    with open(path, "w") as log:
        def agent(number):
            for event in range(1, events + 1):
                time.sleep(work)  # the agent's own job
                with lock:  # held while waiting for the device, as in Rust
                    log.write(event_line(number, event))
                    log.flush()
                    time.sleep(device_wait)
                    synced.append(1)
        run_agents(agents, agent)
    return twinkit.Outcome(path, syncs=len(synced))
# ANCHOR_END: locked_file


# ANCHOR: logger
DONE = None  # a queue.Queue never closes: the logger stops at this sentinel


def logger(log, lines, device_wait, report):
    """The only code that touches the file: one device wait per batch."""
    while True:
        batch = [lines.get()]  # sleeps until a line arrives
        while True:
            try:
                batch.append(lines.get_nowait())  # and takes what is queued
            except queue.Empty:
                break
        written = [line for line in batch if line is not DONE]
        if written:
            log.writelines(written)
            log.flush()
            time.sleep(device_wait)  # one wait for the whole batch
            report["syncs"] += 1
        if DONE in batch:
            return


def agents_send_to_a_logger(path, agents, events, work, device_wait):
    lines, report = queue.Queue(), {"syncs": 0}
    with open(path, "w") as log:
        owner = threading.Thread(target=logger, args=(log, lines, device_wait, report))
        owner.start()

        def agent(number):
            for event in range(1, events + 1):
                time.sleep(work)  # the agent's own job
                lines.put(event_line(number, event))  # and straight back to work
        run_agents(agents, agent)
        lines.put(DONE)  # every agent has finished: tell the logger
        owner.join()
    return twinkit.Outcome(path, syncs=report["syncs"])
# ANCHOR_END: logger


def complete_log(agents, events):
    """The check of every round: every line once, each agent's in order."""
    def check(path):
        with open(path) as log:
            lines = log.readlines()
        if len(lines) != agents * events:
            raise ValueError(f"{len(lines)} lines, expected {agents * events}")
        for agent in range(1, agents + 1):
            own = [line for line in lines if line.startswith(f"[agent-{agent}] ")]
            if own != [event_line(agent, e) for e in range(1, events + 1)]:
                raise ValueError(f"agent-{agent}'s lines are missing or out of order")
    return check


if __name__ == "__main__":
    args = twinkit.arguments("Agents log to one file: one thread, a locked file, a logger thread.")
    work, wait = WORK * args.scale, DEVICE_WAIT * args.scale
    check = complete_log(AGENTS, EVENTS)
    with tempfile.TemporaryDirectory(prefix="io-threads-twin-") as directory:
        ways = [("one thread", one_thread_logs_everything),
                ("locked file", agents_share_a_locked_file),
                ("logger thread", agents_send_to_a_logger)]
        experiment = twinkit.Experiment("agent")
        for name, logging in ways:
            path = os.path.join(directory, name.replace(" ", "-") + ".log")
            experiment.variant(
                name, lambda logging=logging, path=path: logging(path, AGENTS, EVENTS, work, wait),
                check=check)
        twinkit.main(experiment, args)
