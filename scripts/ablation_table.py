#!/usr/bin/env python3
"""One table for several evaluation reports of the same test split (`img2cad eval` outputs).

Each row is a method's overall numbers from REPORT/metrics.json. The last column compares it with
the first report case by case, from both reports' per_sample.jsonl: the share of samples valid in
both whose paper Chamfer distance is lower than the first method's.

    scripts/ablation_table.py NAME=REPORT_DIR [NAME=REPORT_DIR ...] > ablation.md
"""
import json
import os
import sys


def load(report):
    with open(os.path.join(report, "metrics.json")) as f:
        metrics = json.load(f)
    per_sample = {}
    path = os.path.join(report, "per_sample.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            for number, line in enumerate(f, 1):
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"{path}:{number}: malformed JSON: {e}")
                per_sample[row["id"]] = row
    return metrics, per_sample


def wins(base, other):
    both = [i for i in base if i in other and base[i]["cd_paper"] is not None
            and other[i]["cd_paper"] is not None]
    if not both:
        return "-"
    better = sum(other[i]["cd_paper"] < base[i]["cd_paper"] for i in both)
    return f"{100 * better / len(both):.1f}% of {len(both)}"


def main(args):
    if not args or any("=" not in a for a in args):
        sys.exit(__doc__)
    reports = []
    for arg in args:
        name, path = arg.split("=", 1)
        try:
            reports.append((name, *load(path)))
        except (OSError, json.JSONDecodeError, KeyError) as e:
            sys.exit(f"{path}: cannot read the report: {e}")
    ns = {m["overall"]["n"] for _, m, _ in reports}
    if len(ns) > 1:
        sys.exit(f"the reports score different sample counts ({sorted(ns)}); not one test split")
    base_name, _, base = reports[0]
    print("| method | n | valid | CD paper mean | CD paper median | CD field mean | part acc. "
          "| part mIoU | part acc. sampled | structure exact | label F1 | part-count error "
          f"| category acc. | CD below {base_name} |")
    print("|---" * 14 + "|")
    for name, m, per_sample in reports:
        o = m["overall"]
        print(f"| {name} | {o['n']} | {100 * o['validity']:.1f}% | {o['cd_paper_mean']:.4f} "
              f"| {o['cd_paper_median']:.4f} | {o['cd_field_mean']:.3f} "
              f"| {100 * o['part_accuracy']:.1f}% | {100 * o['part_miou']:.1f}% "
              f"| {100 * o.get('part_accuracy_sampled', 0):.1f}% "
              f"| {100 * o['structure_exact']:.1f}% | {o['part_label_f1']:.3f} "
              f"| {o['part_count_error']:.2f} | {100 * o['category_accuracy']:.1f}% "
              f"| {'-' if name == base_name else wins(base, per_sample)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
