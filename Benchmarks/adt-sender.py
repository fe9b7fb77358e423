#!/usr/bin/env python3
"""Sends a paced HL7 ADT feed over MLLP and measures each acknowledgement's latency.

    Benchmarks/adt-sender.py --port 2575 --rate 200 --seconds 30 --connections 4

Each connection is a hospital interface: it sends a message, waits for its ACK, then sends the
next at its scheduled time (rate / connections per second each; if an answer comes late the next
goes at once, so slowness shows as latency rather than as a lower rate). Messages are synthetic:
emergency registrations, admissions, updates and discharges for the demo patients St. Brendan's
knows (SB-100412, SB-100234, SB-100871), each with its own control id. Prints one JSON line.
"""
import argparse
import asyncio
import json
import time
import uuid

START, END = b"\x0b", b"\x1c\x0d"
PATIENTS = ["SB-100412", "SB-100234", "SB-100871"]


def message(interface, number, control):
    """The `number`th message of one interface. A visit is five messages, in order on one connection
    as a hospital sends them: registration, admission, update, discharge, then the next visit's
    registration; each visit is one patient's."""
    trigger, patient_class = [("A04", "E"), ("A01", "I"), ("A08", "I"), ("A03", "I"), ("A04", "E")][number % 5]
    stamp = time.strftime("%Y%m%d%H%M%S+0000", time.gmtime())
    visit = f"V-{interface}-{number // 5}"
    return "\r".join([
        f"MSH|^~\\&|ADT|STBRENDANS|LIAISON|LIAISON|{stamp}||ADT^{trigger}^ADT_A01|{control}|P|2.5.1",
        f"EVN|{trigger}|{stamp}",
        f"PID|1||{PATIENTS[(number // 5 + interface) % len(PATIENTS)]}^^^STBRENDANS^MR||SYNTHETIC^PATIENT",
        f"PV1|1|{patient_class}|ED^BAY {number % 9}^^ST BRENDANS" + "|" * 16 + visit,
    ]).encode()


async def connection(port, interval, deadline, interface, latencies, codes):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    number = 0
    due = time.perf_counter()
    while due < deadline:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        control = f"B-{uuid.uuid4().hex[:16]}"
        sent = time.perf_counter()
        writer.write(START + message(interface, number, control) + END)
        await writer.drain()
        answer = await reader.readuntil(END)
        latencies.append(time.perf_counter() - sent)
        msa = next(line for line in answer.decode().split("\r") if line.startswith("MSA"))
        codes[msa.split("|")[1]] = codes.get(msa.split("|")[1], 0) + 1
        number += 1
        due += interval
    writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=4)
    options = parser.parse_args()
    latencies, codes = [], {}
    started = time.perf_counter()
    deadline = started + options.seconds
    interval = options.connections / options.rate
    await asyncio.gather(*[connection(options.port, interval, deadline, index, latencies, codes) for index in range(options.connections)])
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)

    print(json.dumps({"messages": len(latencies), "seconds": round(elapsed, 1), "rate": round(len(latencies) / elapsed, 1),
                      "p50_ms": percentile(0.50), "p99_ms": percentile(0.99), "max_ms": round(latencies[-1] * 1000, 1), "codes": codes}))


asyncio.run(main())
