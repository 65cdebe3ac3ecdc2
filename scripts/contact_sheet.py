#!/usr/bin/python3
"""Tiles the first images of a synth dataset into a contact sheet (needs python3-pil).

    scripts/contact_sheet.py DATASET OUT.jpg [--count 64] [--columns 8]

Categories are interleaved (chair, table, storage, chair, ...) in manifest order.
"""
import argparse
import json
import os
import sys

try:
    from PIL import Image
except ImportError:
    sys.exit(f"{sys.argv[0]}: needs Pillow (Debian's python3-pil): run scripts/setup --heavy")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset")
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=64)
    ap.add_argument("--columns", type=int, default=8)
    a = ap.parse_args()
    by_category = {}
    with open(os.path.join(a.dataset, "manifest.jsonl")) as f:
        for line in f:
            entry = json.loads(line)
            by_category.setdefault(entry["category"], []).append(entry)
    picked, i = [], 0
    while len(picked) < a.count and any(i < len(v) for v in by_category.values()):
        for entries in by_category.values():
            if len(picked) < a.count and i < len(entries):
                picked.append(entries[i])
        i += 1
    if not picked:
        sys.exit("contact_sheet: the manifest lists no samples")
    first = Image.open(os.path.join(a.dataset, picked[0]["image"]))
    w, h = first.size
    rows = (len(picked) + a.columns - 1) // a.columns
    sheet = Image.new("RGB", (a.columns * w, rows * h), (255, 255, 255))
    for k, entry in enumerate(picked):
        img = Image.open(os.path.join(a.dataset, entry["image"])).convert("RGB")
        sheet.paste(img, ((k % a.columns) * w, (k // a.columns) * h))
    sheet.save(a.out, quality=88)


if __name__ == "__main__":
    main()
