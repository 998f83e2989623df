# The Python twin of the baseline lab (labs/baseline/src/{weather,logs,powersum}.rs):
# the weather check, the log files and the power sum, one step after another,
# as a Python programmer would write them. The lab's `python` experiment runs
# it next to the Rust; to run it by hand from the repository root:
#
#     python3 labs/baseline/python/sequential.py --rounds 3 --scale 0.02
#
# It prints one JSON document (see labs/labkit/python/twinkit.py).
import os
import shutil
import sys
import tempfile
import time

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402  (found beside this file, or through the line above)

CITIES = ["Bangkok", "Chiang Mai", "Phuket"]
CITY_LATENCY = 2.0  # seconds, the Python material's
LOG_FILES = 5
LOG_LINES = 1000
LOG_DELAY = 1.0  # seconds, the Python material's
NUMBERS = 50_000_000
CHUNKS = 4
MODULUS = 1_000_000_007
EXPONENT = 65_537


# ANCHOR: weather
def fetch_forecast(city, latency):
    time.sleep(latency)  # waiting for the network: the thread is parked
    return city, pretend_temperature(city)


def check_cities(cities, latency):
    return [fetch_forecast(city, latency) for city in cities]
# ANCHOR_END: weather


def pretend_temperature(city):
    """The Rust listing's made-up temperature, so both print the same forecast."""
    return 18 + sum(city.encode()) % 17


# ANCHOR: logs
def write_log(directory, name, lines, slow_device):
    path = os.path.join(directory, f"{name}.log")
    with open(path, "w") as file:
        for line in range(1, lines + 1):
            file.write(f"[{name}] event {line} recorded\n")
    time.sleep(slow_device)  # waiting for the device
    return path


def write_all_logs(directory, names, lines, slow_device):
    return [write_log(directory, name, lines, slow_device) for name in names]
# ANCHOR_END: logs


# ANCHOR: powersum
def power_mod(base, exponent):
    """The Rust listing's square-and-multiply, line for line."""
    result, square = 1, base % MODULUS
    while exponent > 0:
        if exponent & 1:
            result = result * square % MODULUS
        square = square * square % MODULUS
        exponent >>= 1
    return result


def power_sum_by_hand(start, stop):
    total = 0
    for i in range(start, stop):
        total = (total + power_mod(i, EXPONENT)) % MODULUS
    return total


def power_sum_builtin(start, stop):
    # What a Python programmer would write: pow() with a modulus runs in C.
    return sum(pow(i, EXPONENT, MODULUS) for i in range(start, stop)) % MODULUS
# ANCHOR_END: powersum


def chunk_ranges(n, chunks):
    """1..=n in `chunks` nearly equal ranges, as (start, stop) pairs."""
    size, extra = divmod(n, chunks)
    ranges, start = [], 1
    for k in range(chunks):
        length = size + (1 if k < extra else 0)
        ranges.append((start, start + length))
        start += length
    return ranges


def in_chunks(power_sum, n):
    return sum(power_sum(start, stop) for start, stop in chunk_ranges(n, CHUNKS)) % MODULUS


def lines_in(paths):
    counts = []
    for path in paths:
        with open(path) as file:
            counts.append(sum(1 for _ in file))
    return counts


def main():
    def add(parser):
        parser.add_argument(
            "--experiment", action="append", choices=["weather", "logs", "powersum"],
            help="run only this experiment (repeatable; default: all three)")

    args = twinkit.arguments("The baseline's three experiments, one step after another.", add)
    chosen = args.experiment or ["weather", "logs", "powersum"]
    experiments = []
    if "weather" in chosen:
        latency = CITY_LATENCY * args.scale
        weather = twinkit.Experiment("weather")
        weather.variant(
            "sequential", lambda: check_cities(CITIES, latency),
            check=lambda forecasts: [city for city, _ in forecasts] == CITIES,
            requests=len(CITIES))
        experiments.append(weather)
    directory = tempfile.mkdtemp(prefix="baseline-logs-twin-")
    try:
        if "logs" in chosen:
            delay = LOG_DELAY * args.scale
            names = [f"agent-{n}" for n in range(1, LOG_FILES + 1)]
            logs = twinkit.Experiment("logs")
            logs.variant(
                "sequential", lambda: write_all_logs(directory, names, LOG_LINES, delay),
                check=lambda paths: lines_in(paths) == [LOG_LINES] * LOG_FILES,
                files=LOG_FILES)
            experiments.append(logs)
        if "powersum" in chosen:
            n = twinkit.scaled(NUMBERS, args.scale, minimum=CHUNKS)
            sums = set()

            def same_sum(total):
                sums.add(total)
                return len(sums) == 1

            powersum = twinkit.Experiment("powersum")
            powersum.variant("pow()", lambda: in_chunks(power_sum_builtin, n),
                             check=same_sum, numbers=n)
            powersum.variant("power_mod()", lambda: in_chunks(power_sum_by_hand, n),
                             check=same_sum, numbers=n)
            experiments.append(powersum)
        twinkit.main(experiments, args)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
