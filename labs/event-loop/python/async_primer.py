# The asyncio side of the async primer: the same steps as
# labs/event-loop/src/async_primer.rs, each printing what happened, in
# order. `event-loop primer <step>` runs both and prints them side by side;
# run one by hand with
#
#     python3 labs/event-loop/python/async_primer.py value
#
# (steps: value, poll, runtime, cancel). Standard library only.
import asyncio
import sys
import threading
import time
import warnings


def say(line):
    print(line, flush=True)


# Python's warnings (a coroutine never awaited) are part of the story: print
# them where the steps print, not on stderr.
warnings.showwarning = lambda message, category, *rest: say(f"{category.__name__}: {message}")


# ANCHOR: value
async def greet(name):
    """Calling it runs none of its body: it returns a coroutine object."""
    say(f"greet({name}) runs")
    return f"hello, {name}"


async def a_coroutine_is_a_value():
    ada = greet("Ada")  # nothing runs yet
    say(f"made greet(Ada): a {type(ada).__name__} object")
    bob = asyncio.create_task(greet("Bob"))  # a task: the loop runs it
    say("created a task for greet(Bob)")
    await asyncio.sleep(0)  # let the loop run something else
    say("slept 0 s")
    text = await ada  # now greet(Ada) runs, here, in this task
    say(f"awaited greet(Ada): {text}")
    greet("Eve")  # made and dropped: never runs, and Python warns
    text = await bob
    say(f"awaited the task greet(Bob): {text}")
# ANCHOR_END: value


# ANCHOR: countdown
class Countdown:
    """An awaitable written by hand. A bare `yield` inside `__await__`
    hands control back to the event loop, which runs the task again on its
    next turn: asyncio's "Pending, poll me again"."""

    def __init__(self, left):
        self.left = left

    def __await__(self):
        while self.left > 0:
            say(f"step: not yet, {self.left} left")
            self.left -= 1
            yield  # back to the loop
        say("step: done")
        return "liftoff"
# ANCHOR_END: countdown


# ANCHOR: future
async def woken_from_elsewhere(after):
    """A future that another thread completes. Awaiting it suspends the
    task; set_result, scheduled onto the loop from the thread, wakes it."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def send():
        time.sleep(after)
        say("the other thread sends 42")
        loop.call_soon_threadsafe(future.set_result, 42)

    threading.Thread(target=send).start()
    value = await future
    say(f"await got {value}")
# ANCHOR_END: future


async def poll():
    say(f"await Countdown(3): {await Countdown(3)}")
    await woken_from_elsewhere(0.02)


# ANCHOR: runtime
async def thread_name():
    return threading.current_thread().name


async def where_things_run():
    """asyncio.run() makes an event loop, runs this coroutine on it until
    it is done, and closes the loop: tokio's block_on, on this thread."""
    task = asyncio.create_task(thread_name())
    return await thread_name(), await task


async def run_inside_a_running_loop():
    coroutine = asyncio.sleep(0)
    try:
        asyncio.run(coroutine)  # refused: this thread already runs a loop
    except RuntimeError as error:
        coroutine.close()
        return f"RuntimeError: {error}"
# ANCHOR_END: runtime


def runtime():
    body, task = asyncio.run(where_things_run())
    say(f"asyncio.run: the body ran on thread {body!r}, a task on {task!r}")
    say(f"nested asyncio.run: {asyncio.run(run_inside_a_running_loop())}")


# ANCHOR: cancel
async def download():
    try:
        say("download: request sent")
        await asyncio.sleep(0.1)  # CancelledError is raised here
        say("download: answer read")  # never runs when cancelled
        return "the page"
    except asyncio.CancelledError:
        say("download: CancelledError raised at the await")
        raise  # swallowing it would keep the task alive
    finally:
        say("download: finally closes the connection")


async def cancelled_by_a_timeout():
    try:
        await asyncio.wait_for(download(), 0.01)
    except asyncio.TimeoutError as error:  # the built-in TimeoutError since 3.11
        say(f"wait_for raised {type(error).__name__}")
# ANCHOR_END: cancel


# ANCHOR: never_awaits
async def crunch(work):
    end = time.perf_counter() + work
    while time.perf_counter() < end:
        pass  # busy, and never await
    return "finished anyway"


async def a_timeout_cannot_stop_it(work):
    start = time.perf_counter()
    try:
        outcome = repr(await asyncio.wait_for(crunch(work), work / 5))
    except asyncio.TimeoutError as error:
        outcome = type(error).__name__
    took = (time.perf_counter() - start) * 1e3
    say(f"wait_for returned {outcome} after {took:.1f} ms")
# ANCHOR_END: never_awaits


async def cancel(work):
    await cancelled_by_a_timeout()
    await a_timeout_cannot_stop_it(work)


if __name__ == "__main__":
    steps = {
        "value": lambda work: asyncio.run(a_coroutine_is_a_value()),
        "poll": lambda work: asyncio.run(poll()),
        "runtime": lambda work: runtime(),
        "cancel": lambda work: asyncio.run(cancel(work)),
    }
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in steps:
        sys.stderr.write(f"usage: {sys.argv[0]} {{{','.join(steps)}}} [work seconds]\n")
        sys.exit(2)
    steps[sys.argv[1]](float(sys.argv[2]) if len(sys.argv) == 3 else 0.05)
