#!/usr/bin/python3
"""Mask IoU of `predict`'s object masks against rendered ground truth, and segmentation time.

  scripts/mask_iou.py DATASET PRED [PRED...]

DATASET is made with `img2cad synth --maps` (DATASET/images/<id>.mask.png); each PRED is a
`predict --manifest DATASET/manifest.jsonl` output (PRED/<id>/mask.png, PRED/summary.json). Prints,
per PRED, the mean and median IoU overall and per category, how often the mask was found, and the
median milliseconds of the find_object stage.
"""
import json
import os
import statistics
import sys

try:
    from PIL import Image
except ImportError:
    sys.exit(f"{sys.argv[0]}: needs Pillow (Debian's python3-pil): run scripts/setup --heavy")
import numpy as np


def iou(a, b):
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else np.logical_and(a, b).sum() / union


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    data = sys.argv[1]
    print("| masks | n | IoU mean | IoU median | chair | table | storage | found | find_object ms (median) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for pred in sys.argv[2:]:
        summary = json.load(open(os.path.join(pred, "summary.json")))
        per_cat, found, ms, all_iou = {}, 0, [], []
        for r in summary["results"]:
            if r["status"] not in ("ok", "uncertain"):
                continue
            truth = np.array(Image.open(os.path.join(data, "images", r["name"] + ".mask.png"))) > 127
            got = np.array(Image.open(os.path.join(pred, r["name"], "mask.png")).convert("L")) > 127
            if got.shape != truth.shape:
                got = np.array(Image.fromarray(got.astype(np.uint8) * 255).resize(
                    truth.shape[::-1], Image.NEAREST)) > 127
            v = iou(truth, got)
            all_iou.append(v)
            per_cat.setdefault(r["name"].split("_")[0], []).append(v)
            found += bool(r.get("mask_found"))
            ms.append(r["timing_ms"]["find_object"])
        cats = " | ".join("%.3f" % statistics.mean(per_cat.get(c, [0])) for c in ("chair", "table", "storage"))
        print("| %s (%s) | %d | %.3f | %.3f | %s | %.0f%% | %.0f |" % (
            summary.get("segmenter"), os.path.basename(pred.rstrip("/")), len(all_iou),
            statistics.mean(all_iou), statistics.median(all_iou), cats,
            100.0 * found / max(1, len(all_iou)), statistics.median(ms)))


if __name__ == "__main__":
    main()
