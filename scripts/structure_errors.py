#!/usr/bin/python3
"""Where stage 1's structures go wrong, label by label.

  scripts/structure_errors.py DATA PRED

DATA is a dataset folder made by `img2cad synth` (manifest.jsonl, programs/); PRED is a
`predict --manifest` output folder with each sample's structure.json (the learned method writes
stage 1's own) or else program.json. Among the samples whose category came out right, it prints per category and label:

- how often the label's instance count is wrong (of the samples where truth or prediction has it);
- how often its part template is wrong: the first instance's loops' curve types, extents and
  operations differ (of the samples where both have it);
- the ten most frequent (true, predicted) count pairs, for labels counted wrong in over 20%.

It also prints how many storage samples hide parts from the camera: closed doors in front of
shelves or dividers, whose counts no picture of the closed piece can show. Their structures set a
ceiling on structure exact match that is below 100%.
"""
import collections
import json
import os
import sys


def template(part):
    """A part's structure without numbers: per feature, loop curve types, extent, operation."""
    out = []
    for f in part["features"]:
        loops = f["loops"] if "loops" in f else f["sketch"]["loops"]
        kinds = "|".join("".join((c if isinstance(c, str) else next(iter(c)))[0] for c in loop)
                         for loop in loops)
        e = f.get("extrude", f)
        out.append(f"{kinds}:{e['extent']}:{e['operation']}")
    return tuple(out)


def by_label(parts):
    labels = collections.defaultdict(list)
    for p in parts:
        labels[p["label"]].append(template(p))
    return labels


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data, pred = sys.argv[1:]
    manifest = [json.loads(line) for line in open(os.path.join(data, "manifest.jsonl"))]
    count_wrong, count_seen = collections.Counter(), collections.Counter()
    tmpl_wrong, tmpl_seen = collections.Counter(), collections.Counter()
    pairs = collections.defaultdict(collections.Counter)
    n = category_right = counts_right = hidden = storage = 0
    for m in manifest:
        path = os.path.join(pred, m["id"], "structure.json")
        if not os.path.exists(path):  # methods without a stage 1: the program's own structure
            path = os.path.join(pred, m["id"], "program.json")
        if not os.path.exists(path):
            continue
        n += 1
        truth = json.load(open(os.path.join(data, m["program"])))
        t = by_label(truth["parts"])
        if m["category"] == "storage":
            storage += 1
            if t.get("door") and (t.get("shelf") or t.get("divider")):
                hidden += 1
        s = json.load(open(path))
        if s["category"] != m["category"]:
            continue
        category_right += 1
        p = by_label(s["parts"])
        all_right = True
        for label in set(t) | set(p):
            key = (m["category"], label)
            count_seen[key] += 1
            pairs[key][(len(t.get(label, [])), len(p.get(label, [])))] += 1
            if len(t.get(label, [])) != len(p.get(label, [])):
                count_wrong[key] += 1
                all_right = False
            if label in t and label in p:
                tmpl_seen[key] += 1
                tmpl_wrong[key] += t[label][0] != p[label][0]
        counts_right += all_right
    print(f"{pred}: {n} samples, category right {category_right}, every label count right "
          f"{counts_right} ({counts_right / max(1, n):.1%})")
    print(f"storage samples with doors in front of shelves or dividers: {hidden} of {storage}")
    print()
    print("| category | label | count wrong | template wrong |")
    print("|---|---|---|---|")
    for key in sorted(count_seen):
        print(f"| {key[0]} | {key[1]} | {count_wrong[key]} / {count_seen[key]} | "
              f"{tmpl_wrong[key]} / {tmpl_seen[key]} |")
    print()
    for key in sorted(count_seen):
        if count_wrong[key] > 0.2 * count_seen[key]:
            top = ", ".join(f"{a}->{b}: {k}" for (a, b), k in pairs[key].most_common(10))
            print(f"{key[0]} {key[1]} (true->predicted): {top}")


if __name__ == "__main__":
    main()
