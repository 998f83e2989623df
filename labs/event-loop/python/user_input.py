# The asyncio twin of `event-loop user-input`: count down from 100 and, at
# every multiple of 20, wait for the "user" to type a number (a timer). First
# each input is awaited in the loop, then each wait becomes a task
# (asyncio.create_task) and the inputs are gathered at the end. The user
# types the same numbers as in the Rust lab (1, 3, 4, 4, 2). Run it by hand:
#
#     python3 labs/event-loop/python/user_input.py --wait 0.4 --rounds 3
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import asyncio
import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

INPUTS = [1, 3, 4, 4, 2]


# ANCHOR: user_input
async def user_input(nth, wait):
    await asyncio.sleep(wait)  # the user takes their time
    return INPUTS[nth % len(INPUTS)]


async def awaiting_each_input(wait):
    total, inputs = 100, []
    while total > 0:
        total -= 1
        if total % 20 == 0:
            inputs.append(await user_input(len(inputs), wait))  # the loop waits here
            total -= inputs[-1]
    return total, inputs


async def with_input_tasks(wait):
    total, tasks = 100, []
    while total > 0:
        total -= 1
        if total % 20 == 0:
            tasks.append(asyncio.create_task(user_input(len(tasks), wait)))
    inputs = await asyncio.gather(*tasks)  # the five waits overlap
    return total - sum(inputs), inputs
# ANCHOR_END: user_input


def options(parser):
    parser.add_argument("--wait", type=twinkit.positive_float, default=2.0,
                        help="how long the user takes per input, in seconds (default 2)")


if __name__ == "__main__":
    args = twinkit.arguments("The user-input simulation: each input awaited, or a task each.", options)
    loop = asyncio.new_event_loop()
    run = loop.run_until_complete

    def ended(expected_total):
        return lambda outcome: outcome == (expected_total, INPUTS)

    def with_total(outcome):
        return twinkit.Outcome(outcome, total=outcome[0])

    inputs = twinkit.Experiment("user-input")
    inputs.variant("asyncio, await each input", lambda: with_total(run(awaiting_each_input(args.wait))),
                   check=ended(-2), inputs=len(INPUTS))
    inputs.variant("asyncio, input tasks", lambda: with_total(run(with_input_tasks(args.wait))),
                   check=ended(-14), inputs=len(INPUTS))
    try:
        twinkit.main(inputs, args)
    finally:
        loop.close()
