#!/usr/bin/python3
"""Converts the ISNet model of @imgly/background-removal-data to a plain fp32 ONNX graph that
OpenCV's DNN module loads and runs at any input size.

    convert_isnet.py PACKAGE_DIR OUT.onnx

PACKAGE_DIR is the unpacked npm package (its dist/resources.json lists /models/medium as
content-addressed chunks, concatenated in order). The conversion, with Debian's python3-onnx:
  - fp16 initialisers and Constant values become fp32, and float<->float16 Cast nodes go away;
  - each Resize gets constant scales instead of the sizes the export baked in for 1024 x 1024
    (computed by shape inference at 1024 x 1024), so the graph runs at 512 or 320 too;
  - nodes left without consumers are removed.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference, TensorProto


def assemble(package):
    with open(os.path.join(package, "dist", "resources.json")) as f:
        resources = json.load(f)
    entry = resources["/models/medium"]
    data = b"".join(open(os.path.join(package, "dist", c["hash"]), "rb").read()
                    for c in entry["chunks"])
    if len(data) != entry["size"]:
        sys.exit(f"{package}: assembled {len(data)} bytes, resources.json says {entry['size']}")
    return onnx.load_from_string(data)


def to_fp32(model):
    g = model.graph
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT16:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float32),
                                                  init.name))
    for node in g.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value" and a.t.data_type == TensorProto.FLOAT16:
                    a.t.CopyFrom(numpy_helper.from_array(
                        numpy_helper.to_array(a.t).astype(np.float32)))
    # Drop float casts: every consumer of a cast's output reads its input instead.
    rename = {}
    keep = []
    for node in g.node:
        to = next((a.i for a in node.attribute if a.name == "to"), None)
        if node.op_type == "Cast" and to in (TensorProto.FLOAT16, TensorProto.FLOAT):
            rename[node.output[0]] = node.input[0]
        else:
            keep.append(node)

    def resolve(name):
        while name in rename:
            name = rename[name]
        return name

    for node in keep:
        for i, name in enumerate(node.input):
            node.input[i] = resolve(name)
    for out in g.output:
        if out.name in rename:
            # The graph output itself was a cast: rename the producer's output instead.
            src = resolve(out.name)
            for node in keep:
                for i, name in enumerate(node.output):
                    if name == src:
                        node.output[i] = out.name
                for i, name in enumerate(node.input):
                    if name == src:
                        node.input[i] = out.name
    del g.node[:]
    g.node.extend(keep)
    for vi in list(g.value_info):
        g.value_info.remove(vi)
    for v in list(g.input) + list(g.output):
        v.type.tensor_type.elem_type = TensorProto.FLOAT


def resize_to_scales(model):
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(
            inferred.graph.output):
        dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        shapes[vi.name] = dims
    producers = {o: n for n in model.graph.node for o in n.output}
    consts = {}
    for n in model.graph.node:
        if n.op_type == "Constant":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    for init in model.graph.initializer:
        consts[init.name] = numpy_helper.to_array(init)
    count = 0
    for node in model.graph.node:
        if node.op_type != "Resize" or len(node.input) < 4 or not node.input[3]:
            continue
        src = shapes.get(node.input[0])
        concat = producers.get(node.input[3])
        target = None
        if concat is not None and concat.op_type == "Concat":
            for name in concat.input:
                if name in consts and consts[name].size == 2:
                    target = [int(v) for v in consts[name]]
        if not src or len(src) != 4 or target is None or 0 in src[2:]:
            sys.exit(f"Resize {node.name}: cannot find its source shape or target size")
        scales = np.array([1, 1, target[0] / src[2], target[1] / src[3]], dtype=np.float32)
        name = node.name + "_scales"
        model.graph.initializer.append(numpy_helper.from_array(scales, name))
        del node.input[3]
        node.input[2] = name
        if not node.input[1]:
            node.input[1] = ""
        count += 1
    return count


def prune(model):
    g = model.graph
    while True:
        used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
        keep = [n for n in g.node if any(o in used for o in n.output)]
        if len(keep) == len(g.node):
            break
        del g.node[:]
        g.node.extend(keep)
    used = {i for n in g.node for i in n.input}
    inits = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(inits)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    model = assemble(argv[1])
    to_fp32(model)
    n = resize_to_scales(model)
    prune(model)
    onnx.checker.check_model(model)
    tmp = argv[2] + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, argv[2])
    print(f"convert_isnet: {argv[2]}: fp32, {n} Resize nodes on scales, {len(model.graph.node)} nodes")


if __name__ == "__main__":
    main(sys.argv)
