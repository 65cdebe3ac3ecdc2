#!/usr/bin/python3
"""Accuracy of confident versus uncertain answers in a predict run over a dataset.

  scripts/confidence_table.py OUT [THRESHOLD...]

OUT is a `predict --manifest` output folder; an answer is right when its category matches the
sample's (the id's prefix). For each threshold t, prints how many answers have confidence >= t
and how often they are right, beside the same for those below t, and Youden's J: the share of
right answers kept confident plus the share of wrong answers flagged uncertain, minus one. The
last line names the threshold (on a 0.05 grid) with the highest J: how `predict`'s per-method
thresholds are chosen, on the val split.
"""
import json
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    thresholds = [float(t) for t in sys.argv[2:]] or [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    summary = json.load(open(out + "/summary.json"))
    rows = [(r["confidence"], r["category"] == r["name"].split("_")[0])
            for r in summary["results"] if "confidence" in r]
    n = len(rows)
    right = sum(c for _, c in rows)
    print(f"{out}: {n} answers, {right / max(1, n):.1%} right")
    wrong = n - right

    def youden(t):
        kept = sum(1 for p, c in rows if p >= t and c)
        flagged = sum(1 for p, c in rows if p < t and not c)
        return kept / max(1, right) + flagged / max(1, wrong) - 1

    print("| threshold | confident | right | uncertain | right | J |")
    print("|---|---|---|---|---|---|")
    for t in thresholds:
        hi = [c for p, c in rows if p >= t]
        lo = [c for p, c in rows if p < t]
        def acc(v):
            return f"{sum(v) / len(v):.1%}" if v else "-"
        print(f"| {t:g} | {len(hi)} ({len(hi) / max(1, n):.0%}) | {acc(hi)} | "
              f"{len(lo)} ({len(lo) / max(1, n):.0%}) | {acc(lo)} | {youden(t):.3f} |")
    grid = [i / 20 for i in range(1, 21)]
    best = max(grid, key=youden)
    print(f"best threshold (Youden's J on a 0.05 grid): {best:.2f} (J {youden(best):.3f})")


if __name__ == "__main__":
    main()
