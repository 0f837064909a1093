"""Wall time of the harness's smoke check over every reproduction (prints figures; not a test).

Each reproduction of the catalog (the built-in ones, and a user catalog's with --catalog) runs as `check` runs it
(its own subprocess through the compat runner, --max-steps = its smoke length); the script's own reported seconds
(from the runner's record) separate start-up from training.
Target: all five in at most 60 s on a 2-core machine.

Run: python benchmarks/bench_harness.py [--dataset fashion-mnist] [--out out/bench] [--catalog DIR]
"""
import argparse
import os
import platform
import time

from reproductions import catalog, execute


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--out", default="out/bench")
    parser.add_argument("--catalog", help="also time this user catalog's entries (python -m reproductions add)")
    args = parser.parse_args()
    print(f"{platform.node()} · {os.cpu_count()} CPUs · load {os.getloadavg()[0]:.1f} · {time.strftime('%Y-%m-%d')}")
    print(f"{'reproduction':22} {'steps':>5} {'wall s':>7}  status")
    total = 0.0
    entries = catalog.entries(args.catalog)
    for entry in entries:
        result = execute.run(entry, args.dataset, args.out)
        total += result.seconds
        print(f"{entry.name:22} {result.steps:5d} {result.seconds:7.1f}  {result.status} {result.message}")
    print(f"{f'all {len(entries)}':22} {'':5} {total:7.1f}  (target for the five built-in ones: <= 60 s)")


if __name__ == "__main__":
    main()
