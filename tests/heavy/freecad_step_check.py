# Independent STEP check with FreeCAD (run by freecadcmd; see freecad_check.sh).
#
# Environment: STEP_FILE, the STEP file; SUMMARY_JSON, `img2cad build --json` output for it.
# Imports the file through FreeCAD's own OCAF importer and requires, for every part in the
# summary: an object carrying the part's name, holding exactly one solid, that passes FreeCAD's
# strict BOP check (shape.check(True); isValid() alone is too lenient) and whose volume matches
# ours within 0.1%. Exits 0 when all hold, 3 otherwise. os._exit is used because freecadcmd
# exits 0 on an uncaught exception.
import json
import os
import sys

try:
    import FreeCAD
    import Import

    summary = json.load(open(os.environ["SUMMARY_JSON"]))
    doc = FreeCAD.newDocument("check")
    # useLinkGroup=False: FreeCAD 0.20's link-group import crashes without a GUI.
    Import.insert(os.environ["STEP_FILE"], doc.Name, merge=False, useLinkGroup=False)
    by_label = {}
    for obj in doc.Objects:
        if obj.TypeId == "Part::Feature":
            by_label.setdefault(obj.Label, []).append(obj)
    containers = [o.Label for o in doc.Objects if o.TypeId == "App::Part"]
    problems = []
    if summary["category"] not in containers:
        problems.append("no assembly named %r (found %r)" % (summary["category"], containers))
    for part in summary["parts"]:
        name = part["name"]
        objs = by_label.get(name, [])
        if len(objs) != 1:
            problems.append("%s: expected one object, found %d" % (name, len(objs)))
            continue
        shape = objs[0].Shape
        if len(shape.Solids) != 1:
            problems.append("%s: expected one solid, found %d" % (name, len(shape.Solids)))
            continue
        solid = shape.Solids[0]
        try:
            solid.check(True)
        except Exception as e:  # FreeCAD raises on any BOP/topology problem
            problems.append("%s: shape.check(True) failed: %s" % (name, str(e).strip()))
        want = part["volume_mm3"]
        if abs(solid.Volume - want) > 1e-3 * want:
            problems.append("%s: volume %.6g mm3, expected %.6g" % (name, solid.Volume, want))
    extra = set(by_label) - {p["name"] for p in summary["parts"]}
    if extra:
        problems.append("unexpected objects: %s" % sorted(extra))
    for p in problems:
        print("FREECAD-CHECK FAIL " + p)
    print("FREECAD-CHECK %s: %d parts, %d problems" % (
        os.path.basename(os.environ["STEP_FILE"]), len(summary["parts"]), len(problems)))
    sys.stdout.flush()
    os._exit(0 if not problems else 3)
except Exception as e:
    print("FREECAD-CHECK ERROR %s" % e)
    sys.stdout.flush()
    os._exit(4)
