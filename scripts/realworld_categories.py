#!/usr/bin/env python3
"""Predicts the outside images of shared/realworld with a method and tallies the category each got.

They are for looking and testing only (never training; never copied into the repository). The
true category comes from each set's manifest or file names; images outside chair/table/storage
(sofas, beds, a lamp) are listed, and counted as flagged when their status is uncertain or
no_object. In-scope images are tallied as right and confident, honest (uncertain or no_object) or
wrong and confident.

    scripts/realworld_categories.py METHOD [REALWORLD_DIR] [OUT_DIR]

IMG2CAD_PREDICT_ARGS adds options to every predict call (e.g. "--segmenter isnet");
IMG2CAD_REALWORLD_SETS (comma-separated set names) keeps only those sets; IMG2CAD_BIN runs another
binary than build/img2cad (a copy, so that a long run survives a rebuild).

"Answered" are the in-scope images whose status is ok (a confident category); issue 10 asks that
at least 80% of the IKEA dev photos be answered and at least 85% of the answers be right.
"""
import csv
import json
import os
import subprocess
import sys


def labelled_images(root):
    """(set name, image path, true category or None when out of scope)."""
    out = []
    for name, col in (("future3d_challenge_renders", "category_added_label"),
                      ("ikea_lim2013_dev", "category")):
        with open(os.path.join(root, name, "manifest.csv")) as f:
            for row in csv.DictReader(f):
                path = row.get("image") or row.get("file")
                cat = row[col]
                out.append((name, os.path.join(root, name, path),
                            cat if cat in ("chair", "table", "storage") else None))
    by_word = {"cabinet": "storage", "drawer": "storage", "chair": "chair", "stool": "chair",
               "table": "table", "desk": "table"}
    for name, sub in (("onet_demo_renders", "images"), ("furniturebench_photo", "crops"),
                      ("urdformer_cabinet_photos", "images")):
        folder = os.path.join(root, name, sub)
        for file in sorted(os.listdir(folder)):
            cat = "storage" if name == "urdformer_cabinet_photos" else None
            for word, c in by_word.items():
                if word in file:
                    cat = c
            out.append((name, os.path.join(folder, file), cat))
    return out


def answered(row):
    """The answered share and the right share of the answers, as two table cells."""
    n = row["right_ok"] + row["wrong_ok"]
    right = "%.0f%%" % (100.0 * row["right_ok"] / n) if n else "-"
    return "%d (%.0f%%) | %s" % (n, 100.0 * n / row["n"], right)


def main():
    method = sys.argv[1] if len(sys.argv) > 1 else "learned"
    root = sys.argv[2] if len(sys.argv) > 2 else "../shared/realworld"
    out_dir = sys.argv[3] if len(sys.argv) > 3 else "out/realworld-" + method
    images = labelled_images(root)
    keep = [k for k in os.environ.get("IMG2CAD_REALWORLD_SETS", "").split(",") if k]
    if keep:
        images = [i for i in images if i[0] in keep]
    # One predict call per set keeps output names apart (several sets reuse file names).
    results = {}
    for name in sorted({s for s, _, _ in images}):
        paths = [p for s, p, _ in images if s == name]
        sub = os.path.join(out_dir, name)
        extra = os.environ.get("IMG2CAD_PREDICT_ARGS", "").split()
        binary = os.environ.get("IMG2CAD_BIN", "build/img2cad")
        subprocess.run([binary, "-q", "predict", "--method", method, "--overwrite", "-o",
                        sub] + extra + paths, check=False)
        with open(os.path.join(sub, "summary.json")) as f:
            for r in json.load(f)["results"]:
                results[r["input"]] = r
    table = {}
    out_of_scope = {"n": 0, "flagged": 0}
    for name, path, truth in images:
        r = results.get(path, {})
        status = r.get("status", "failed")
        got = r.get("category") if status in ("ok", "uncertain") else status
        if truth is None:
            flagged = status in ("uncertain", "no_object")
            out_of_scope["n"] += 1
            out_of_scope["flagged"] += flagged
            print("out of scope: %s -> %s (%s)" % (os.path.relpath(path, root), got, status))
            continue
        row = table.setdefault(name, {"n": 0, "right": 0, "right_ok": 0, "honest": 0,
                                      "wrong_ok": 0, "got": {}})
        row["n"] += 1
        row["right"] += got == truth
        row["right_ok"] += status == "ok" and got == truth
        row["honest"] += status in ("uncertain", "no_object")
        row["wrong_ok"] += status == "ok" and got != truth
        key = truth + "->" + str(got)
        row["got"][key] = row["got"].get(key, 0) + 1
    # "Honest" answers are uncertain or no_object; the goal is that every in-scope image is either
    # right or honest, so "wrong, confident" should be zero.
    print("| set | images | category right | right, confident | uncertain or no object | "
          "wrong, confident | answered | right of answered | true -> predicted |")
    print("|---|---|---|---|---|---|---|---|---|")
    total = {"n": 0, "right": 0, "right_ok": 0, "honest": 0, "wrong_ok": 0}
    for name, row in sorted(table.items()):
        for k in total:
            total[k] += row[k]
        pairs = ", ".join("%s %d" % (k, v) for k, v in sorted(row["got"].items()))
        print("| %s | %d | %d (%.0f%%) | %d | %d | %d | %s | %s |" % (
            name, row["n"], row["right"], 100.0 * row["right"] / row["n"], row["right_ok"],
            row["honest"], row["wrong_ok"], answered(row), pairs))
    print("| all | %d | %d (%.0f%%) | %d | %d | %d | %s | |" % (
        total["n"], total["right"], 100.0 * total["right"] / total["n"], total["right_ok"],
        total["honest"], total["wrong_ok"], answered(total)))
    if out_of_scope["n"]:
        print("out of scope: %d images, %d flagged uncertain or no_object" % (
            out_of_scope["n"], out_of_scope["flagged"]))


if __name__ == "__main__":
    main()
