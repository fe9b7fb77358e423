"""Turns one Benchmarks/run into Benchmarks/RESULTS.md, with the targets it meets or misses."""
import argparse
import datetime
import os
import platform
import subprocess

parser = argparse.ArgumentParser()
for name in ["work", "scale", "kind", "generated", "size", "memory", "duration"]:
    parser.add_argument("--" + name, required=True)
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
queries = {line.split("\t")[0]: [float(x) for x in line.split("\t")[1:3]] for line in open(os.path.join(args.work, "queries.tsv"))}
sweep = open(os.path.join(args.work, "sweep.tsv")).read().split("\t")
trivial_p50 = ms(http[0][2])
probe_for = {"recipient worklist": "owed worklist", "referrer waiting list": "waiting worklist", "patient page": "patient page", "directory search": "directory search"}

cpu = subprocess.run(["bash", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
memory = subprocess.run(["bash", "-c", "free -h | awk '/Mem:/ {print $2}'"], capture_output=True, text=True).stdout.strip()
print("# Benchmark results\n")
print(f"- Date: {datetime.date.today().isoformat()}")
print(f"- Machine: {os.cpu_count()} cores ({cpu}), {memory} memory, {platform.platform()}")
print(f"- Command: `Benchmarks/run --scale {args.scale} --duration {args.duration}` ({args.kind}, release build, wrk on loopback, 2 threads, 8 connections)")
print(f"- Dataset: {args.generated}")
print(f"- Database size: {args.size}; server memory after the run (RSS): {args.memory}\n")
print("| Request | Requests/s | p50 | p99 | Same read without HTTP, p50 | Non-2xx | Targets |")
print("|---|---|---|---|---|---|---|")
misses = []
for name, rps, p50, p99, bad, total in http:
    short = name.split(" (")[0]
    probe = queries.get(probe_for.get(short, ""), None)
    checks = []
    if short in probe_for:
        ok = ms(p99) is not None and ms(p99) < 25
        checks.append(("p99 < 25 ms", ok))
        if probe and trivial_p50 is not None:
            ok2 = ms(p50) <= 2 * (probe[0] + trivial_p50)
            checks.append(("p50 ≤ 2 × (queries + trivial)", ok2))
    if short in ("create referral", "acknowledge referral"):
        # Only successful writes count (acknowledging runs out of open referrals to accept).
        succeeded = (int(total) - int(bad)) / float(args.duration)
        rps = f"{succeeded:.0f} succeeded ({rps} sent)"
        checks.append(("≥ 500/s", succeeded >= 500))
    verdict = "; ".join(("met: " if ok else "MISSED: ") + label for label, ok in checks) or "(the floor)"
    misses += [f"{short}: {label}" for label, ok in checks if not ok]
    print(f"| {name} | {rps} | {p50} | {p99} | {f'{probe[0]:.2f} ms' if probe else '–'} | {bad} | {verdict} |")
seconds = float(sweep[1])
print(f"\nOverdue sweep over the whole dataset: {seconds:.2f} s ({sweep[2].strip()}); target under 2 s: {'met' if seconds < 2 else 'MISSED'}.")
if seconds >= 2:
    misses.append("overdue sweep under 2 s")
print("\n## What misses its target, and why\n")
print("\n".join(f"- {m}" for m in misses) if misses else "Every target is met.")
