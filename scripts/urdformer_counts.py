#!/usr/bin/env python3
"""Sets the parts counted in predictions for the URDFormer cabinet photos beside their part boxes.

shared/realworld/urdformer_cabinet_photos has, per photo, the boxes of its doors, drawers,
handles and knobs, drawn by hand in URDFormer's tool but without class names. Their areas part
cleanly: every handle or knob box covers under 1% of the photo and every door or drawer over 2%,
so the boxes give two true counts per photo, fronts (doors + drawers) and handles. A prediction's
counts are its `door` + `drawer` parts and its `handle` parts (structure.json, or program.json for
methods without a stage 1, such as retrieval). The photos are for looking and testing only: never
train on them.

    scripts/urdformer_counts.py PRED_DIR [REALWORLD_DIR]

PRED_DIR holds one folder per photo as `img2cad predict -o PRED_DIR .../images/*.png` writes
(PRED_DIR/label13/structure.json or program.json, ...). Prints one row per photo and the mean absolute errors.
"""
import glob
import json
import os
import sys

HANDLE_MAX_AREA = 0.01  # of the photo
FRONT_MIN_AREA = 0.02


def true_counts(label_file):
    boxes = json.load(open(label_file))["part_normalized_bbox"]
    areas = [w * h for _, _, w, h in boxes]
    between = [a for a in areas if HANDLE_MAX_AREA <= a < FRONT_MIN_AREA]
    if between:
        sys.exit("%s: a box of area %.4f is neither a handle nor a front" % (label_file, between[0]))
    return (sum(a >= FRONT_MIN_AREA for a in areas), sum(a < HANDLE_MAX_AREA for a in areas))


def predicted_counts(structure_file):
    s = json.load(open(structure_file))
    labels = [p["label"] for p in s.get("parts", [])]
    fronts = sum(label in ("door", "drawer") for label in labels)
    return s.get("category", "?"), fronts, labels.count("handle"), labels.count("drawer")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    pred = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else "../shared/realworld"
    labels = sorted(glob.glob(os.path.join(root, "urdformer_cabinet_photos", "labels_manual",
                                           "*.json")))
    if not labels:
        sys.exit("no label files under %s" % root)
    print("| photo | fronts true / predicted | handles true / predicted | category | drawers |")
    print("|---|---|---|---|---|")
    err_f = err_h = n = missing = 0
    for f in labels:
        name = os.path.splitext(os.path.basename(f))[0]
        fronts, handles = true_counts(f)
        found = [os.path.join(pred, name, f) for f in ("structure.json", "program.json")]
        found = [f for f in found if os.path.exists(f)]
        if not found:
            print("| %s | %d / - | %d / - | (no prediction) | |" % (name, fronts, handles))
            missing += 1
            continue
        category, p_fronts, p_handles, p_drawers = predicted_counts(found[0])
        print("| %s | %d / %d | %d / %d | %s | %d |" % (name, fronts, p_fronts, handles,
                                                        p_handles, category, p_drawers))
        err_f += abs(fronts - p_fronts)
        err_h += abs(handles - p_handles)
        n += 1
    if n:
        print("mean absolute error over %d photos: fronts %.2f, handles %.2f%s" % (
            n, err_f / n, err_h / n, "; %d without a prediction" % missing if missing else ""))


if __name__ == "__main__":
    main()
