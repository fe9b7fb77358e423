"""Turns one Benchmarks/run into Benchmarks/RESULTS.md, with the targets it meets or misses."""
import argparse
import datetime
import os
import platform
import subprocess

parser = argparse.ArgumentParser()
for name in ["work", "scale", "kind", "generated", "size", "memory", "duration"]:
    parser.add_argument("--" + name, required=True)
parser.add_argument("--dataset-option", default="")
args = parser.parse_args()


def ms(text):
    if not text:
        return None
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    for unit in ["us", "ms", "s"]:
        if text.endswith(unit):
            return float(text[: -len(unit)]) * units[unit]
    return None


def rows(name):
    return [line.rstrip("\n").split("\t") for line in open(os.path.join(args.work, name)) if line.strip()]


# name, rps, p50, p99, non-2xx, total, seconds, connections
http = rows("http.tsv")
# name, callers, p50, p99 (ms): the service call without HTTP, with that many callers at once
probes = {(name, int(callers)): (float(p50), float(p99)) for name, callers, p50, p99 in rows("queries.tsv")}
sweeps = rows("sweep.tsv")
trivial = {int(row[7]): ms(row[2]) for row in http if row[0].startswith("trivial route")}
probe_for = {"recipient worklist": "owed worklist", "referrer waiting list": "waiting worklist", "patient page": "patient page", "directory search": "directory search"}

cpu = subprocess.run(["bash", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
memory = subprocess.run(["bash", "-c", "free -h | awk '/Mem:/ {print $2}'"], capture_output=True, text=True).stdout.strip()
print("# Benchmark results\n")
print(f"- Date: {datetime.date.today().isoformat()}")
print(f"- Machine: {os.cpu_count()} cores ({cpu}), {memory} memory, {platform.platform()}")
print(f"- Command: `Benchmarks/run --scale {args.scale} --duration {args.duration}{args.dataset_option}` ({args.kind}, release build, wrk on loopback, 2 threads)")
print(f"- Dataset: {args.generated}")
print(f"- Database size: {args.size}; server memory after the run (RSS): {args.memory}\n")
print("Reads are measured twice: with 8 connections (more requests than cores: the server saturated, latency is")
print("mostly queueing) and with 2 (one request per core). \"Without HTTP\" is the service call the route makes")
print("(its queries, decoding and audit entry), timed in process with as many callers at once as wrk has connections;")
print("the p50 target compares the HTTP p50 with it plus the trivial route's p50 at the same load.\n")
print("| Request | Connections | Requests/s | p50 | p99 | Without HTTP, p50 | Non-2xx | Targets |")
print("|---|---|---|---|---|---|---|---|")
misses = []
for name, rps, p50, p99, bad, total, seconds, connections in http:
    connections = int(connections)
    short = name.split(" (")[0]
    probe = probes.get((probe_for.get(short, ""), connections))
    checks = []
    if short in probe_for:
        checks.append(("p99 < 25 ms", ms(p99) is not None and ms(p99) < 25))
        if probe and trivial.get(connections) is not None:
            checks.append(("p50 ≤ 2 × (without HTTP + trivial)", ms(p50) <= 2 * (probe[0] + trivial[connections])))
    if short in ("create referral", "acknowledge referral"):
        # Only successful writes count.
        succeeded = (int(total) - int(bad)) / float(seconds)
        rps = f"{succeeded:.0f} succeeded ({rps} sent)"
        checks.append(("≥ 500/s", succeeded >= 500))
    verdict = "; ".join(("met: " if ok else "MISSED: ") + label for label, ok in checks) or "(the floor)"
    misses += [f"{short} with {connections} connections: {label}" for label, ok in checks if not ok]
    print(f"| {name} | {connections} | {rps} | {p50} | {p99} | {f'{probe[0]:.2f} ms' if probe else '–'} | {bad} | {verdict} |")
print("\nThe same service calls without HTTP, in ms (p50 / p99):\n")
callers = sorted({c for _, c in probes})
print("| Read | " + " | ".join(f"{c} at once" for c in callers) + " |")
print("|---|" + "---|" * len(callers))
for read in dict.fromkeys(name for name, _ in probes):
    print(f"| {read} | " + " | ".join(f"{probes[(read, c)][0]:.2f} / {probes[(read, c)][1]:.2f}" for c in callers) + " |")
print("\nThe overdue sweep over the whole dataset (target: under 2 s):\n")
for name, seconds, did in sweeps:
    met = float(seconds) < 2
    print(f"- {name}: {float(seconds):.2f} s ({did}): {'met' if met else 'MISSED'}")
    if not met:
        misses.append(f"overdue sweep ({name}) under 2 s")
print("\n## What misses its target\n")
print("\n".join(f"- {m}" for m in misses) if misses else "Every target is met.")
