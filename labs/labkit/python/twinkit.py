"""twinkit: what every Python twin of a Concurrency Lab experiment shares.

A twin is a short script, labs/<lab>/python/<name>.py, that does in Python
what one of the lab's Rust experiments does. It defines its variants (plain
functions that do the work and return a value) and hands them to twinkit,
which times them the way labkit times the Rust ones:

- in interleaved rounds (A B C, A B C, ...), so a slow moment of the machine
  hits every variant alike;
- with time.perf_counter (wall) and time.process_time (CPU of the whole
  process, all threads) around the work only, never the interpreter's start;
- checking each variant's value every round (a wrong value is an error, not
  a row).

It prints one JSON document on standard output, which the lab reads:

    {"interpreter": {"implementation": "CPython", "version": "3.13.15",
                     "free_threaded_build": true, "gil_enabled": false, ...},
     "rounds": 3, "scale": 1.0,
     "rows": [{"experiment": "countdown", "variant": "1 thread",
               "samples": [1.91, 1.88, 1.90],       # wall seconds per round
               "cpu_samples": [1.91, 1.88, 1.90],   # CPU seconds per round
               "started": [0.0, 5.7, 11.3],         # seconds since the experiment began
               "threads": 1},                       # columns the twin adds
              ...]}

A column given when a variant is declared is a single value; a column the
work reports each round (by returning twinkit.Outcome) is a list, one value
per round, like "samples". Anything a twin wants to say to a person goes to
standard error: standard output is the document.

How a twin finds this module: the lab writes the twin and twinkit.py side by
side into a temporary directory, where `import twinkit` finds it beside the
script. Run by hand from the repository, a twin first appends this directory
to sys.path (two lines at its top):

    sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 "..", "..", "labkit", "python"))
    import twinkit

Standard library only; Python 3.9 or newer.
"""

import argparse
import gc
import json
import os
import platform
import sys
import sysconfig
import threading
import time

__all__ = [
    "Experiment",
    "Outcome",
    "TwinError",
    "arguments",
    "interpreter",
    "main",
    "measure",
    "positive_float",
    "positive_int",
    "scaled",
]


class TwinError(Exception):
    """A twin that cannot do what it was asked: one line on stderr, exit 1."""


class Outcome:
    """What a variant's work may return instead of a plain value: the value
    (checked as usual) and columns measured this round, e.g. lost=17."""

    def __init__(self, value, **columns):
        self.value = value
        self.columns = columns


class _Variant:
    def __init__(self, name, work, check, columns):
        self.name = name
        self.work = work
        self.check = check
        self.columns = columns


class Experiment:
    """A named experiment: its variants run in the order they were added,
    once per round.

        countdown = twinkit.Experiment("countdown")
        countdown.variant("1 thread", lambda: count_down(n), check=..., threads=1)
    """

    def __init__(self, name):
        self.name = name
        self.variants = []

    def variant(self, name, work, check=None, **columns):
        """Adds a variant. `work()` does the timed work and returns its value
        (or an Outcome). `check(value)` is called after every round: it
        returns nothing or True when the value is right, and False or raises
        when it is wrong. `columns` are copied into the variant's row."""
        if any(v.name == name for v in self.variants):
            raise ValueError(f"{self.name}: two variants named {name!r}")
        for key in columns:
            if key in _RESERVED:
                raise ValueError(f"{self.name}/{name}: column {key!r} is twinkit's")
        self.variants.append(_Variant(name, work, check, columns))
        return self


_RESERVED = ("experiment", "variant", "samples", "cpu_samples", "started")


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        # The labs' promise: a bad argument is one line on stderr, exit 2.
        sys.stderr.write(f"{self.prog}: {message}\n")
        sys.exit(2)


def positive_int(text):
    """An argparse type: a whole number, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def positive_ints(text):
    """An argparse type: comma-separated whole numbers, each 1 or more."""
    return [positive_int(item) for item in text.split(",")]


def positive_float(text):
    """An argparse type: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return value


def arguments(description, add=None, argv=None, rounds=5):
    """Parses the twin's command line: --rounds N (default `rounds`, at least
    1), --scale F (default 1.0, a positive factor on the sizes), and whatever
    `add(parser)` adds. Returns the argparse namespace."""
    parser = _ArgumentParser(description=description)
    parser.add_argument(
        "--rounds", type=positive_int, default=rounds,
        help=f"how many interleaved rounds each variant runs (default {rounds})")
    parser.add_argument(
        "--scale", type=positive_float, default=1.0,
        help="multiply the sizes by this factor (default 1.0)")
    if add is not None:
        add(parser)
    return parser.parse_args(argv)


def scaled(full, scale, minimum=1):
    """`full` (a count) times `scale`, rounded, and never below `minimum`."""
    return max(minimum, int(round(full * scale)))


def on_a_new_thread(work):
    """Runs work() on a new thread and returns its result: a one-thread
    baseline that runs on the same kind of thread as the variants it is
    compared with (not on the main thread, whose interpreter state differs)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()
    thread.join()
    if not result:
        raise TwinError("the work on the new thread raised (see the traceback above)")
    return result[0]


def interpreter():
    """Facts about the interpreter running this twin."""
    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    process_cpu_count = getattr(os, "process_cpu_count", None)
    return {
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "executable": sys.executable,
        # Built with --disable-gil (the "t" interpreters: python3.13t, python3.14t)?
        "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        # Is the GIL on in this process? None before 3.13, where it always is.
        "gil_enabled": is_gil_enabled() if is_gil_enabled is not None else None,
        "switch_interval": sys.getswitchinterval(),
        "cpu_count": os.cpu_count(),
        "process_cpu_count": process_cpu_count() if process_cpu_count else None,
        "build": sys.version,
    }


def _check(experiment, variant, value, round_index):
    try:
        verdict = variant.check(value)
    except Exception as error:  # the check's own words say what was wrong
        raise TwinError(
            f"{experiment.name}/{variant.name}, round {round_index + 1}: {error}") from error
    if verdict is False:
        raise TwinError(
            f"{experiment.name}/{variant.name}, round {round_index + 1}: "
            f"wrong result {value!r}")


def measure(experiments, rounds):
    """Runs every experiment in turn; within one, its variants in `rounds`
    interleaved rounds. Returns the rows (one per variant)."""
    rows = []
    for experiment in experiments:
        if not experiment.variants:
            raise TwinError(f"{experiment.name}: no variants")
        table = {}
        for variant in experiment.variants:
            row = {"experiment": experiment.name, "variant": variant.name,
                   "samples": [], "cpu_samples": [], "started": []}
            row.update(variant.columns)
            table[variant.name] = row
        origin = time.perf_counter()
        for round_index in range(rounds):
            for variant in experiment.variants:
                row = table[variant.name]
                gc.collect()  # garbage from the previous variant is not this one's cost
                started = time.perf_counter()
                cpu = time.process_time()
                value = variant.work()
                cpu = time.process_time() - cpu
                wall = time.perf_counter() - started
                if isinstance(value, Outcome):
                    for key, column in value.columns.items():
                        if key in _RESERVED or key in variant.columns:
                            raise TwinError(f"{experiment.name}/{variant.name}: "
                                            f"column {key!r} is already taken")
                        row.setdefault(key, []).append(column)
                    value = value.value
                if variant.check is not None:
                    _check(experiment, variant, value, round_index)
                row["samples"].append(wall)
                row["cpu_samples"].append(cpu)
                row["started"].append(started - origin)
        rows.extend(table.values())
    return rows


def main(experiments, args):
    """Measures `experiments` (an Experiment or a list of them) with
    args.rounds rounds and prints the JSON document. A TwinError ends the
    twin with one line on stderr and exit status 1."""
    if isinstance(experiments, Experiment):
        experiments = [experiments]
    try:
        rows = measure(experiments, args.rounds)
    except TwinError as error:
        sys.stderr.write(f"{os.path.basename(sys.argv[0])}: {error}\n")
        sys.exit(1)
    document = {
        "interpreter": interpreter(),
        "rounds": args.rounds,
        "scale": getattr(args, "scale", 1.0),
        "rows": rows,
    }
    json.dump(document, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
