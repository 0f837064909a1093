"""Measure the loss envelope the harness allows across machines (prints figures; not a test).

Another CPU or TensorFlow build changes the order of float32 reductions. The same change can be provoked on one
machine by running each reproduction's smoke check with a different number of intra-op threads. This script does
that (1 vs 2 threads, same seed) and prints, per reproduction, the largest absolute and relative loss deviation and
the step it occurs at — the numbers behind reproductions.baseline.RTOL/ATOL.

Run: python benchmarks/calibrate_envelope.py [NAME...] [--dataset fashion-mnist] [--out out/calibration] [--catalog DIR]
"""
import argparse
import sys

from reproductions import baseline, catalog, execute


def deviation(a, b):
    worst_abs = worst_rel = 0.0
    at = None
    for series in sorted(set(a.losses) & set(b.losses)):
        for (step, x), (_, y) in zip(a.losses[series], b.losses[series]):
            d = abs(x - y)
            rel = d / max(abs(y), 1e-12)
            if rel > worst_rel:
                worst_rel, at = rel, (series, step)
            worst_abs = max(worst_abs, d)
    return worst_abs, worst_rel, at


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--out", default="out/calibration")
    parser.add_argument("--catalog", help="a user catalog whose entries to measure too (python -m reproductions add)")
    args = parser.parse_args()
    known = {entry.name: entry for entry in catalog.entries(args.catalog)}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown reproduction(s) {unknown}; known: {', '.join(known)}")
    entries = [known[n] for n in args.names] or list(known.values())
    print(f"harness envelope: |got - want| <= {baseline.ATOL:g} + {baseline.RTOL:g} * |want|")
    print(f"{'reproduction':22} {'steps':>5} {'max |diff|':>11} {'max rel':>9}  where")
    for entry in entries:
        runs = [execute.run(entry, args.dataset, f"{args.out}/threads{n}", env={"TF_NUM_INTRAOP_THREADS": str(n)})
                for n in (1, 2)]
        if not all(r.ok for r in runs):
            print(f"{entry.name:22} failed: {[r.message for r in runs if not r.ok]}")
            continue
        worst_abs, worst_rel, at = deviation(*runs)
        print(f"{entry.name:22} {runs[0].steps:5d} {worst_abs:11.3g} {worst_rel:9.3g}  {at or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
