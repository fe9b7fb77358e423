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


http = [line.rstrip("\n").split("\t") for line in open(os.path.join(args.work, "http.tsv"))]
# name, p50 and p99 with one caller, p50 and p99 with as many callers at once as wrk has connections
queries = {line.split("\t")[0]: [float(x) for x in line.split("\t")[1:5]] for line in open(os.path.join(args.work, "queries.tsv"))}
sweeps = [line.rstrip("\n").split("\t") for line in open(os.path.join(args.work, "sweep.tsv")) if line.strip()]
trivial_p50 = ms(http[0][2])
probe_for = {"recipient worklist": "owed worklist", "referrer waiting list": "waiting worklist", "patient page": "patient page", "directory search": "directory search"}

cpu = subprocess.run(["bash", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
memory = subprocess.run(["bash", "-c", "free -h | awk '/Mem:/ {print $2}'"], capture_output=True, text=True).stdout.strip()
print("# Benchmark results\n")
print(f"- Date: {datetime.date.today().isoformat()}")
print(f"- Machine: {os.cpu_count()} cores ({cpu}), {memory} memory, {platform.platform()}")
print(f"- Command: `Benchmarks/run --scale {args.scale} --duration {args.duration}{args.dataset_option}` ({args.kind}, release build, wrk on loopback, 2 threads, 8 connections)")
print(f"- Dataset: {args.generated}")
print(f"- Database size: {args.size}; server memory after the run (RSS): {args.memory}\n")
print("The same read without HTTP is the service call the route makes (its queries, decoding and audit entry), timed")
print("in process with one caller, and with 8 callers at once as wrk has 8 connections; the second is the one compared.\n")
print("| Request | Requests/s | p50 | p99 | Same read without HTTP, p50 (1 caller / 8 at once) | Non-2xx | Targets |")
print("|---|---|---|---|---|---|---|")
misses = []
for name, rps, p50, p99, bad, total, seconds in http:
    short = name.split(" (")[0]
    probe = queries.get(probe_for.get(short, ""), None)
    checks = []
    if short in probe_for:
        ok = ms(p99) is not None and ms(p99) < 25
        checks.append(("p99 < 25 ms", ok))
        if probe and trivial_p50 is not None:
            ok2 = ms(p50) <= 2 * (probe[2] + trivial_p50)
            checks.append(("p50 ≤ 2 × (queries + trivial)", ok2))
    if short in ("create referral", "acknowledge referral"):
        # Only successful writes count (acknowledging runs out of open referrals to accept).
        succeeded = (int(total) - int(bad)) / float(seconds)
        rps = f"{succeeded:.0f} succeeded ({rps} sent)"
        checks.append(("≥ 500/s", succeeded >= 500))
    verdict = "; ".join(("met: " if ok else "MISSED: ") + label for label, ok in checks) or "(the floor)"
    misses += [f"{short}: {label}" for label, ok in checks if not ok]
    print(f"| {name} | {rps} | {p50} | {p99} | {f'{probe[0]:.2f} ms / {probe[2]:.2f} ms' if probe else '–'} | {bad} | {verdict} |")
print("\nThe overdue sweep over the whole dataset (target: under 2 s):\n")
for name, seconds, did in sweeps:
    met = float(seconds) < 2
    print(f"- {name}: {float(seconds):.2f} s ({did}): {'met' if met else 'MISSED'}")
    if not met:
        misses.append(f"overdue sweep ({name}) under 2 s")
print("\n## What misses its target, and why\n")
print("\n".join(f"- {m}" for m in misses) if misses else "Every target is met.")
