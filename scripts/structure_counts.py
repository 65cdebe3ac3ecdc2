#!/usr/bin/python3
"""Per label, how often each counter gets a sample's part count right.

  build/bench/img2cad_structure_counts MODEL DATASET SPLIT [LIMIT] > COUNTS.tsv
  scripts/structure_counts.py COUNTS.tsv

For every (category, label) with a part in the truth, the head, the decoding or the part map, it
prints how many samples there are and how often: the count head's answer is the true count, the
decoded structure's count is the true count, the part map shows all the parts (visible = true:
the ceiling for anything that reads the picture), and the count density, rounded, equals the
visible count (with its mean absolute error), and the regions between seams equal the visible count
on the true part map (the ceiling of counting by segmentation at the head's raster) and on the
part-map head's own map. Columns a model or dataset lacks print "-"; lines of the older six-field
form read as without the last two.
"""
import collections
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = collections.defaultdict(lambda: collections.Counter())
    mae = collections.Counter()
    every = collections.Counter()
    samples = 0
    for line in open(sys.argv[1]):
        fields = line.rstrip("\n").split("\t")
        category = fields[0].split("_")[0]
        samples += 1
        all_head = all_dec = True
        for f in fields[1:]:
            parts = f.split(":") + ["-1", "-1"]
            label, t, h, d, v, vis, reg, pred = parts[:8]
            t, h, d, vis, v, reg, pred = int(t), int(h), int(d), int(vis), float(v), int(reg), int(pred)
            all_head &= h == t
            all_dec &= d == t
            if t == 0 and h == 0 and d <= 0 and vis <= 0:
                continue
            r = rows[(category, label)]
            r["n"] += 1
            r["head"] += h == t
            r["decoded"] += d == t
            if vis >= 0:
                r["has_map"] += 1
                r["visible"] += vis == t
                if v >= 0:
                    r["density"] += round(v) == vis
                    mae[(category, label)] += abs(v - vis)
                if reg >= 0:
                    r["has_regions"] += 1
                    r["regions"] += reg == vis
                if pred >= 0:
                    r["has_predicted"] += 1
                    r["predicted"] += pred == vis
        every["head"] += all_head
        every["decoded"] += all_dec
    print("| category | label | samples | head right | decoded right | all visible | "
          "density = visible (MAE) | regions = visible: true map / predicted map |")
    print("|---|---|---|---|---|---|---|---|")
    for (category, label), r in sorted(rows.items()):
        vis = f"{r['visible']}" if r["has_map"] else "-"
        den = (f"{r['density']} ({mae[(category, label)] / r['has_map']:.2f})"
               if r["has_map"] and (r["density"] or mae[(category, label)]) else "-")
        reg = (f"{r['regions'] if r['has_regions'] else '-'} / "
               f"{r['predicted'] if r['has_predicted'] else '-'}")
        print(f"| {category} | {label} | {r['n']} | {r['head']} | {r['decoded']} | {vis} | {den} "
              f"| {reg} |")
    print(f"\nevery count right, of {samples}: head {every['head']}, decoded {every['decoded']}")


if __name__ == "__main__":
    main()
