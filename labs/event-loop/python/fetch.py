# The asyncio twin of `event-loop weather` and `event-loop fetch`: the same
# requests, to the same local server the Rust lab starts, one after another
# and then all at once with asyncio.gather. Standard library only: a tiny
# HTTP/1.0 GET over asyncio.open_connection. `event-loop python` runs it;
# by hand, start a server first (any that answers /weather/<city> with JSON
# and /page/<n> with text), then:
#
#     python3 labs/event-loop/python/fetch.py --server 127.0.0.1:8080 --rounds 3
#
# Prints one JSON document (see labs/labkit/python/twinkit.py).
import asyncio
import json
import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labkit", "python"))
import twinkit  # noqa: E402

CITIES = ["Bangkok", "Chiang Mai", "Phuket", "Khon Kaen", "Hat Yai"]


# ANCHOR: get
async def get(server, path, timeout):
    """GET `path` over a new connection and return the body. Every wait is
    an await; the whole exchange is bounded by `timeout`."""
    async def exchange():
        reader, writer = await asyncio.open_connection(*server)
        try:
            writer.write(f"GET {path} HTTP/1.0\r\n\r\n".encode())
            await writer.drain()
            response = await reader.read()  # until the server closes
        finally:
            writer.close()
        head, _, body = response.partition(b"\r\n\r\n")
        status = head.split(b"\r\n")[0]
        if not status.startswith(b"HTTP/1.") or b" 200 " not in status:
            raise twinkit.TwinError(f"GET {path}: the server answered {status!r}")
        return body
    return await asyncio.wait_for(exchange(), timeout)
# ANCHOR_END: get


async def forecast(server, city, timeout):
    body = await get(server, f"/weather/{city.replace(' ', '%20')}", timeout)
    return json.loads(body)


# ANCHOR: weather
async def cities_in_turn(server, timeout):
    return [await forecast(server, city, timeout) for city in CITIES]


async def cities_with_gather(server, timeout):
    return await asyncio.gather(*(forecast(server, city, timeout) for city in CITIES))
# ANCHOR_END: weather


# ANCHOR: pages
async def pages_in_turn(server, paths, timeout):
    return [len(await get(server, path, timeout)) for path in paths]


async def pages_with_gather(server, paths, timeout):
    bodies = await asyncio.gather(*(get(server, path, timeout) for path in paths))
    return [len(body) for body in bodies]
# ANCHOR_END: pages


def server_address(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"{text!r} is not HOST:PORT")
    return host, int(port)


def options(parser):
    parser.add_argument("--server", type=server_address, required=True,
                        help="the lab's server, HOST:PORT")
    parser.add_argument("--pages", type=twinkit.positive_int, default=6,
                        help="how many pages to fetch (default 6)")
    parser.add_argument("--timeout", type=twinkit.positive_float, default=30.0,
                        help="give up on a request after this many seconds (default 30)")
    parser.add_argument("--only", choices=["weather", "fetch"],
                        help="measure only this experiment (default: both)")


if __name__ == "__main__":
    args = twinkit.arguments("Weather and pages from the lab's server, in turn and at once.", options)
    loop = asyncio.new_event_loop()  # one loop for every round, like the Rust runtime
    run = loop.run_until_complete
    server, timeout = args.server, args.timeout

    def asked_for_each_city(answers):
        return [answer["city"] for answer in answers] == CITIES

    def temperatures(answers):
        return twinkit.Outcome(answers, celsius=[answer["celsius"] for answer in answers])

    weather = twinkit.Experiment("weather")
    for name, work in [("asyncio, in turn", cities_in_turn), ("asyncio, gather", cities_with_gather)]:
        weather.variant(name, lambda work=work: temperatures(run(work(server, timeout))),
                        check=asked_for_each_city, requests=len(CITIES))

    paths = [f"/page/{n}" for n in range(1, args.pages + 1)]

    def sizes(found):
        return twinkit.Outcome(found, bytes=sum(found))

    pages = twinkit.Experiment("fetch")
    for name, work in [("asyncio, in turn", pages_in_turn), ("asyncio, gather", pages_with_gather)]:
        pages.variant(name, lambda work=work: sizes(run(work(server, paths, timeout))),
                      check=lambda found: len(found) == len(paths) and all(found), requests=len(paths))
    try:
        chosen = [e for e in (weather, pages) if args.only in (None, e.name)]
        twinkit.main(chosen, args)
    finally:
        loop.close()
