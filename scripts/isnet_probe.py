#!/usr/bin/env python3
"""A linear category probe on ISNet's encoder features (issue 10, lever 1), to decide from numbers
whether features learned from real photos carry the category better than our from-scratch CNN.

    scripts/isnet_probe.py TRAIN.tsv VAL.tsv DEV.tsv [FEATURES.tsv SUMMARY.json ...]

The .tsv files come from build/bench/img2cad_isnet_probe (label, image, 1792 stage means, and with
its GRID argument g the layout too: stages 5 and 6 pooled to g x g cells, 512 g^2 values each).
The probe is multinomial logistic regression on log(1 + x), standardised with the train
statistics. With the layout, the candidates also read the pooled cells of stage 5 ("5g"), 6 ("6g")
or both.
Which stages and how much L2 are chosen on the synthetic VAL split only; DEV (real photos, e.g.
shared/realworld/ikea_lim2013_dev) is scored once per choice, with a confusion table, and its
out-of-scope rows (labels not chair/table/storage) are listed with the probe's answer.

With IMG2CAD_PROBE_MLP=1 it also fits a one-hidden-layer network (256 ReLU units, Adam, 60
epochs of batches of 64, seed 0) on the means and the layout, chosen on VAL as well, to see
whether a non-linear reading of the same frozen features names DEV's categories more often.

Each pair of FEATURES.tsv (from the probe program) and SUMMARY.json (from `predict --method
learned` over the same images) adds stage 1 and the product of stage 1's category distribution (details.stage1.category_probs) with the chosen
probe's, which needs no weight to choose. "Answered" follows `predict`'s rules with the product
as the confidence: an object was found, the confidence is at least the threshold (0.95), the
detector raises no out-of-scope flag, and it sees no chair or dining table (>= 0.3) against the
answer.
"""
import json
import os
import sys

import numpy as np

CATEGORIES = ["chair", "table", "storage"]
# Column ranges of the encoder stages in the feature vector (segment::Segmenter).
STAGES = {"3": (0, 256), "4": (256, 768), "5": (768, 1280), "6": (1280, 1792)}
MEANS = 1792


def add_layout_columns(width):
    """The pooled stage 5 and 6 cells that follow the means when the rows are wider."""
    cells = (width - MEANS) // (2 * 512)
    if cells > 0:
        STAGES["5g"] = (MEANS, MEANS + 512 * cells)
        STAGES["6g"] = (MEANS + 512 * cells, MEANS + 1024 * cells)


def load(path):
    labels, images, rows = [], [], []
    with open(path) as f:
        for line in f:
            label, image, values = line.rstrip("\n").split("\t")
            labels.append(label)
            images.append(image)
            rows.append(np.array(values.split(), dtype=np.float64))
    return labels, images, np.log1p(np.stack(rows))


def columns(stages):
    """stages: keys of STAGES joined by "+" ("5g+6g"), or single-digit stages run together
    ("3456")."""
    keys = stages.split("+") if "+" in stages or stages in STAGES else list(stages)
    return np.concatenate([np.arange(*STAGES[k]) for k in keys])


def fit(x, y, l2, steps=400, lr=0.5):
    """Softmax regression by full-batch gradient descent (the loss is convex)."""
    w = np.zeros((x.shape[1], len(CATEGORIES)))
    b = np.zeros(len(CATEGORIES))
    onehot = np.eye(len(CATEGORIES))[y]
    for _ in range(steps):
        p = softmax(x @ w + b)
        g = (p - onehot) / len(y)
        w -= lr * (x.T @ g + l2 * w)
        b -= lr * g.sum(0)
    return w, b


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def main():
    train_l, _, train_x = load(sys.argv[1])
    val_l, _, val_x = load(sys.argv[2])
    dev_l, dev_images, dev_x = load(sys.argv[3])
    add_layout_columns(train_x.shape[1])
    mean, std = train_x.mean(0), train_x.std(0) + 1e-6
    norm = lambda x: (x - mean) / std  # noqa: E731
    y_train = np.array([CATEGORIES.index(c) for c in train_l])
    y_val = np.array([CATEGORIES.index(c) for c in val_l])
    in_scope = np.array([c in CATEGORIES for c in dev_l])
    y_dev = np.array([CATEGORIES.index(c) if c in CATEGORIES else -1 for c in dev_l])
    print("train %d, val %d, dev %d (%d in scope)" % (len(y_train), len(y_val), len(dev_l),
                                                      in_scope.sum()))
    print("| stages | L2 | train | val | dev in scope |")
    print("|---|---|---|---|---|")
    best = None
    candidates = ["3", "4", "5", "6", "56", "3456"]
    if "5g" in STAGES:
        candidates += ["5g", "6g", "5g+6g", "5+6+5g+6g"]
    for stages in candidates:
        cols = columns(stages)
        xt, xv, xd = norm(train_x)[:, cols], norm(val_x)[:, cols], norm(dev_x)[:, cols]
        for l2 in (1e-3, 1e-2, 1e-1, 1.0):
            w, b = fit(xt, y_train, l2)
            acc = lambda x, y: float(((x @ w + b).argmax(1) == y).mean())  # noqa: E731
            val_acc = acc(xv, y_val)
            dev_pred = (xd @ w + b).argmax(1)
            dev_acc = float((dev_pred[in_scope] == y_dev[in_scope]).mean())
            print("| %s | %g | %.1f%% | %.1f%% | %.1f%% (%d) |" % (
                stages, l2, 100 * acc(xt, y_train), 100 * val_acc, 100 * dev_acc,
                (dev_pred[in_scope] == y_dev[in_scope]).sum()))
            if best is None or val_acc > best[0]:
                best = (val_acc, stages, l2, w, b, xd)
    if os.environ.get("IMG2CAD_PROBE_MLP") == "1":
        mlp_table(norm(train_x), y_train, norm(val_x), y_val, norm(dev_x), y_dev, in_scope)
    val_acc, stages, l2, w, b, xd = best
    p = softmax(xd @ w + b)
    for features, summary in zip(sys.argv[4::2], sys.argv[5::2]):
        labels, images, x = load(features)
        fused_table(summary, labels, images, softmax(norm(x)[:, columns(stages)] @ w + b))
    pred = p.argmax(1)
    print("\nchosen on val: stages %s, L2 %g (val %.1f%%)" % (stages, l2, 100 * val_acc))
    print("dev confusion (rows: truth; columns: probe):")
    print("| | " + " | ".join(CATEGORIES) + " |\n|---|---|---|---|")
    for t, c in enumerate(CATEGORIES):
        counts = [int(((y_dev == t) & (pred == k)).sum()) for k in range(len(CATEGORIES))]
        print("| %s | %s |" % (c, " | ".join(map(str, counts))))
    print("out of scope:")
    for i in np.where(~in_scope)[0]:
        print("  %s %s -> %s %.2f" % (dev_l[i], dev_images[i].split("/")[-1],
                                      CATEGORIES[pred[i]], p[i].max()))


def fit_mlp(x, y, l2, hidden=256, epochs=60, lr=1e-3, seed=0):
    """A one-hidden-layer softmax classifier trained with Adam; returns its logit function."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(0, np.sqrt(2 / x.shape[1]), (x.shape[1], hidden)), np.zeros(hidden),
              rng.normal(0, np.sqrt(1 / hidden), (hidden, len(CATEGORIES))),
              np.zeros(len(CATEGORIES))]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    onehot = np.eye(len(CATEGORIES))[y]
    t = 0
    for _ in range(epochs):
        perm = rng.permutation(len(y))
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            w1, b1, w2, b2 = params
            h = np.maximum(0, x[idx] @ w1 + b1)
            g = (softmax(h @ w2 + b2) - onehot[idx]) / len(idx)
            gh = g @ w2.T * (h > 0)
            grads = [x[idx].T @ gh + l2 * w1, gh.sum(0), h.T @ g + l2 * w2, g.sum(0)]
            t += 1
            for k, (p, gk) in enumerate(zip(params, grads)):
                m[k] = 0.9 * m[k] + 0.1 * gk
                v[k] = 0.999 * v[k] + 0.001 * gk * gk
                p -= lr * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)
    w1, b1, w2, b2 = params
    return lambda z: np.maximum(0, z @ w1 + b1) @ w2 + b2


def mlp_table(xt, yt, xv, yv, xd, yd, in_scope):
    print("\none hidden layer (256 units):")
    print("| stages | L2 | val | dev in scope |\n|---|---|---|---|")
    best = None
    candidates = ["56"] + (["5g", "5g+6g"] if "5g" in STAGES else [])
    for stages in candidates:
        cols = columns(stages)
        for l2 in (1e-3, 1e-2):
            logits = fit_mlp(xt[:, cols], yt, l2)
            val_acc = float((logits(xv[:, cols]).argmax(1) == yv).mean())
            right = int((logits(xd[:, cols]).argmax(1)[in_scope] == yd[in_scope]).sum())
            print("| %s | %g | %.1f%% | %.1f%% (%d) |" % (stages, l2, 100 * val_acc,
                                                        100.0 * right / in_scope.sum(), right))
            if best is None or val_acc > best[0]:
                best = (val_acc, stages, l2, right)
    print("chosen on val: stages %s, L2 %g (val %.1f%%, dev %d right)" % (
        best[1], best[2], 100 * best[0], best[3]))


def detector_category(scores, floor=0.3):
    """pipeline::DetectorCategory: the stronger of chair and dining table, if at least floor."""
    chair, table = scores.get("chair", 0), scores.get("dining_table", 0)
    if max(chair, table) < floor:
        return None
    return "chair" if chair >= table else "table"


def fused_table(summary_path, labels, images, probe_probs, threshold=0.95):
    with open(summary_path) as f:
        summary = json.load(f)
    results = summary["results"] if isinstance(summary, dict) else summary
    by_name = {os.path.splitext(os.path.basename(r["input"]))[0]: r for r in results}
    print("\n%s (in scope; answered = %s):" % (summary_path, "confidence >= %g and the detector "
                                                "neither flags nor disagrees" % threshold))
    print("| | category right | answered | right of answered |\n|---|---|---|---|")
    rows = {"stage 1": [], "probe": [], "product": []}
    for label, image, pp in zip(labels, images, probe_probs):
        if label not in CATEGORIES:
            continue
        r = by_name[os.path.splitext(os.path.basename(image))[0]]
        stage1 = r.get("details", {}).get("stage1", {}).get("category_probs")
        if stage1 is None:  # no_object and failed results carry no distribution
            stage1 = {c: 1.0 / 3 for c in CATEGORIES}
        s1 = np.array([stage1[c] for c in CATEGORIES])
        product = s1 * pp
        product /= product.sum()
        scores = r.get("detector", {})
        out_of_scope = max(scores.get("couch", 0), scores.get("bed", 0)) >= 0.3 and max(
            scores.get("couch", 0), scores.get("bed", 0)) > max(scores.get("chair", 0),
                                                                scores.get("dining_table", 0))
        for name, dist in (("stage 1", s1), ("probe", pp), ("product", product)):
            answer = CATEGORIES[int(dist.argmax())]
            if name == "stage 1" and r.get("category") in CATEGORIES:
                # predict's own answer: the beam's best sequence, whose category can differ from
                # the first token's most probable one (then its confidence is low).
                answer = r["category"]
                dist = np.array([s1[CATEGORIES.index(answer)]])
            det = detector_category(scores)
            found = r["status"] in ("ok", "uncertain")  # as realworld_categories.py counts
            answered = (found and dist.max() >= threshold and not out_of_scope and
                        (det is None or det == answer))
            rows[name].append((found and answer == label, answered))
    for name, rs in rows.items():
        right = sum(a for a, _ in rs)
        answered = [a for a, ok in rs if ok]
        print("| %s | %d of %d | %d | %s |" % (
            name, right, len(rs), len(answered),
            "%.0f%%" % (100.0 * sum(answered) / len(answered)) if answered else "-"))


if __name__ == "__main__":
    main()
