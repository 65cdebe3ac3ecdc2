#!/usr/bin/python3
"""Draws one outside set's predictions as a grid of what img2cad made, for the README.

    scripts/realworld_grid.py PRED_DIR SET OUT.png [REALWORLD_DIR] [--columns 15] [--cell 104]

PRED_DIR is scripts/realworld_categories.py's output folder (it holds SET/summary.json and each
image's preview.png). Each cell is the prediction's preview, never the photo (the outside images
may not be copied into the repository), framed by how the answer went: green right and `ok`,
amber `uncertain` or `no_object` (honest), red wrong and `ok`; its caption is "true > answer".
Out-of-scope images (sofas, beds) come last, as "other". Needs python3-pil.
"""
import argparse
import json
import os
import sys

try:
    from PIL import Image, ImageDraw
except ImportError:
    sys.exit(f"{sys.argv[0]}: needs Pillow (Debian's python3-pil): run scripts/setup --heavy")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from realworld_categories import labelled_images  # noqa: E402

COLOURS = {"right": (46, 160, 67), "honest": (230, 160, 30), "wrong": (210, 45, 45)}
ORDER = {"chair": 0, "table": 1, "storage": 2, None: 3}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pred_dir")
    ap.add_argument("set")
    ap.add_argument("out")
    ap.add_argument("realworld", nargs="?", default="../shared/realworld")
    ap.add_argument("--columns", type=int, default=15)
    ap.add_argument("--cell", type=int, default=104)
    a = ap.parse_args()
    truth = {path: cat for name, path, cat in labelled_images(a.realworld) if name == a.set}
    with open(os.path.join(a.pred_dir, a.set, "summary.json")) as f:
        results = json.load(f)["results"]
    cells, tally = [], {"right": 0, "honest": 0, "wrong": 0, "n": 0, "flagged": 0, "other": 0}
    for r in results:
        true = truth.get(r["input"])
        status = r.get("status", "failed")
        got = r.get("category") if status in ("ok", "uncertain") else status
        if status in ("uncertain", "no_object", "failed"):
            how = "honest"
        else:
            how = "right" if got == true else "wrong"
        if true is None:
            tally["other"] += 1
            tally["flagged"] += how == "honest"
        else:
            tally["n"] += 1
            tally[how] += 1
        cells.append((ORDER[true], how != "right", r["name"], true or "other", got, how))
    cells.sort()
    c, pad, caption = a.cell, 4, 14
    rows = (len(cells) + a.columns - 1) // a.columns
    header = 22
    sheet = Image.new("RGB", (a.columns * (c + pad) + pad, header + rows * (c + caption + pad) + pad),
                      (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    draw.text((pad, 5), "%s: %d in scope, %d right and ok (green), %d uncertain or no object "
              "(amber), %d wrong and ok (red); %d of %d out of scope flagged" % (
                  a.set, tally["n"], tally["right"], tally["honest"], tally["wrong"],
                  tally["flagged"], tally["other"]), fill=(0, 0, 0))
    for i, (_, _, name, true, got, how) in enumerate(cells):
        x = pad + (i % a.columns) * (c + pad)
        y = header + (i // a.columns) * (c + caption + pad)
        draw.rectangle([x - 2, y - 2, x + c + 1, y + c + 1], outline=COLOURS[how], width=3)
        preview = os.path.join(a.pred_dir, a.set, name, "preview.png")
        if os.path.exists(preview):
            sheet.paste(Image.open(preview).convert("RGB").resize((c, c)), (x, y))
        else:
            draw.rectangle([x, y, x + c - 1, y + c - 1], fill=(225, 225, 225))
        draw.text((x, y + c + 2), "%s > %s" % (true, got), fill=(0, 0, 0))
    sheet = sheet.quantize(colors=128)
    sheet.save(a.out, optimize=True)
    print("%s: %d cells, %d bytes" % (a.out, len(cells), os.path.getsize(a.out)))


if __name__ == "__main__":
    main()
