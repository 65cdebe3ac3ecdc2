// Tables: four-leg dining, coffee and side tables (rectangular, rounded, round or oval tops;
// optional aprons, a lower shelf or stretchers), pedestal tables, trestle tables and desks with
// drawers. Dimensions in mm.
#include <cmath>
#include <numbers>

#include "synth/furniture.h"

namespace img2cad::synth {

namespace {

using program::Symmetry;

struct TableSize {
  double w, d, h;
  std::string kind;
};

TableSize DrawSize(core::Rng& rng) {
  switch (rng.Weighted({0.55, 0.25, 0.2})) {
    case 0:
      return {rng.Uniform(1000, 2000), rng.Uniform(700, 1000), rng.Uniform(700, 760), "dining"};
    case 1:
      return {rng.Uniform(800, 1300), rng.Uniform(450, 700), rng.Uniform(380, 480), "coffee"};
    default: {
      const double s = rng.Uniform(400, 600);
      return {s, s * rng.Uniform(0.8, 1.0), rng.Uniform(500, 650), "side"};
    }
  }
}

Part TableLeg(int kind, double cx, double cy, double z0, double z1, double s) {
  if (kind == 0) return Box("leg", cx - s / 2, cy - s / 2, z0, cx + s / 2, cy + s / 2, z1);
  if (kind == 1) return VCylinder("leg", cx, cy, z0, z1, s / 2);
  return TaperedLeg("leg", cx, cy, z0, z1, s, s * 0.55);
}

Sample FourLegTable(core::Rng& rng) {
  Furniture f("table");
  TableSize sz = DrawSize(rng);
  const double tt = rng.Uniform(20, 45), top_z = sz.h - tt, s = rng.Uniform(35, 80);
  const int shape = static_cast<int>(rng.Weighted({0.4, 0.3, 0.15, 0.15}));
  std::string style = "four_leg/" + sz.kind;
  double lx, ly;
  if (shape == 2) {  // round: the legs sit on a square inside the circle
    const double r = std::min(sz.w, sz.d) / 2;
    f.Add(Slab("top", top_z, tt, {program::CircleLoop(0, 0, r)}));
    lx = ly = r * 0.7071 - s / 2 - rng.Uniform(10, 60);
    style += "/round";
  } else {
    double e = rng.Uniform(20, 80);
    if (shape == 0) {
      f.Add(Box("top", -sz.w / 2, -sz.d / 2, top_z, sz.w / 2, sz.d / 2, sz.h));
    } else if (shape == 1) {
      const double r = rng.Uniform(20, std::min(150.0, sz.d / 3));
      f.Add(Slab("top", top_z, tt,
                 {program::RoundedRectLoop(-sz.w / 2, -sz.d / 2, sz.w / 2, sz.d / 2, r)}));
    } else {
      sz.w = std::max(sz.w, sz.d * 1.3);
      f.Add(Slab("top", top_z, tt, {SlotLoop(0, 0, sz.w, sz.d)}));
      e += sz.d * 0.15;  // keep the legs inside the rounded ends
    }
    lx = sz.w / 2 - e - s / 2;
    ly = sz.d / 2 - std::min(e, sz.d / 4) - s / 2;
    style += shape == 0 ? "/rect" : (shape == 1 ? "/rounded" : "/oval");
  }
  const int leg_kind = rng.UniformInt(0, 2);
  for (double x : {-lx, lx})
    for (double y : {-ly, ly}) f.Add(TableLeg(leg_kind, x, y, 0, top_z, s));
  if (rng.Bernoulli(0.55)) {  // aprons between the legs, right under the top
    const double ah = rng.Uniform(60, 120), at = rng.Uniform(18, 25);
    for (double y : {-ly, ly})
      f.Add(Box("apron", -lx, y - at / 2, top_z - ah, lx, y + at / 2, top_z));
    for (double x : {-lx, lx})
      f.Add(Box("apron", x - at / 2, -ly, top_z - ah, x + at / 2, ly, top_z));
    style += "+aprons";
  }
  if (rng.Bernoulli(0.3)) {
    const double z = rng.Uniform(80, std::min(250.0, sz.h * 0.4)), st = rng.Uniform(15, 25);
    if (rng.Bernoulli(0.3)) {
      f.Add(Slab("shelf", z, st,
                 {program::RectLoop(-lx, -ly, lx, ly),
                  program::CircleLoop(0, 0, std::min(lx, ly) * 0.4)}));
    } else {
      f.Add(Box("shelf", -lx, -ly, z, lx, ly, z + st));
    }
    style += "+shelf";
  } else if (rng.Bernoulli(0.3)) {
    const double z = rng.Uniform(100, 250), r = std::min(s / 3, 15.0);
    for (double x : {-lx, lx}) f.Add(Box("stretcher", x - r, -ly, z - r, x + r, ly, z + r));
    f.Add(Box("stretcher", -lx, -r, z - r, lx, r, z + r));
    style += "+stretchers";
  }
  return f.Finish(style, shape == 2 ? Symmetry::kRotational : Symmetry::kReflectX);
}

Sample PedestalTable(core::Rng& rng) {
  Furniture f("table");
  const double h = rng.Bernoulli(0.8) ? rng.Uniform(700, 760) : rng.Uniform(450, 600);
  const double tt = rng.Uniform(20, 45), ft = rng.Uniform(25, 45);
  const bool round = rng.Bernoulli(0.7);
  const double r = rng.Uniform(300, 600);
  if (round) {
    f.Add(Slab("top", h - tt, tt, {program::CircleLoop(0, 0, r)}));
  } else {
    f.Add(Slab("top", h - tt, tt, {program::RoundedRectLoop(-r, -r, r, r, rng.Uniform(10, 80))}));
  }
  const double cr = rng.Uniform(35, 80);
  if (rng.Bernoulli(0.7)) {
    f.Add(VCylinder("column", 0, 0, ft, h - tt, cr));
  } else {
    f.Add(Box("column", -cr, -cr, ft, cr, cr, h - tt));
  }
  std::string style = round ? "pedestal/round" : "pedestal/square";
  if (rng.Bernoulli(0.5)) {
    f.Add(Slab("foot", 0, ft, {program::CircleLoop(0, 0, rng.Uniform(0.45, 0.7) * r)}));
    style += "+disc";
  } else {
    const double len = rng.Uniform(0.5, 0.75) * r, fw = rng.Uniform(50, 90);
    for (int k = 0; k < 4; ++k)
      f.Add(Slab("foot", 0, ft, {RotatedRect(0, 0, len, fw, 45 + 90 * k)}));
    style += "+cross";
  }
  return f.Finish(style, round ? Symmetry::kRotational : Symmetry::kReflectX);
}

Sample TrestleTable(core::Rng& rng) {
  Furniture f("table");
  const double w = rng.Uniform(1200, 2200), d = rng.Uniform(700, 1000), h = rng.Uniform(700, 760);
  const double tt = rng.Uniform(25, 50), top_z = h - tt;
  f.Add(Box("top", -w / 2, -d / 2, top_z, w / 2, d / 2, h));
  const double fy = d / 2 * rng.Uniform(0.7, 0.9), fh = rng.Uniform(50, 90),
               pw = rng.Uniform(70, 140);
  const double hy = d / 2 * rng.Uniform(0.6, 0.85), hh = rng.Uniform(40, 80),
               lt = rng.Uniform(40, 80);
  const double lx = w / 2 - rng.Uniform(150, 350);
  const Loop trestle = program::PolygonLoop({{-fy, 0},
                                             {fy, 0},
                                             {fy, fh},
                                             {pw / 2, fh},
                                             {pw / 2, top_z - hh},
                                             {hy, top_z - hh},
                                             {hy, top_z},
                                             {-hy, top_z},
                                             {-hy, top_z - hh},
                                             {-pw / 2, top_z - hh},
                                             {-pw / 2, fh},
                                             {-fy, fh}});
  for (double x : {-lx, lx}) f.Add(SideProfile("leg", x, lt / 2, trestle));
  const double z = rng.Uniform(150, 400), sh = rng.Uniform(60, 120), st = rng.Uniform(30, 50);
  f.Add(Box("stretcher", -lx, -st / 2, z, lx, st / 2, z + sh));
  return f.Finish("trestle", Symmetry::kReflectX);
}

Sample Desk(core::Rng& rng) {
  Furniture f("table");
  const double w = rng.Uniform(1000, 1600), d = rng.Uniform(500, 750), h = rng.Uniform(720, 760);
  const double tt = rng.Uniform(20, 35), top_z = h - tt;
  f.Add(Box("top", -w / 2, -d / 2, top_z, w / 2, d / 2, h));
  const bool panels = rng.Bernoulli(0.5);
  const double pt = rng.Uniform(18, 30), s = rng.Uniform(35, 60);
  const int drawer_side =
      rng.UniformInt(-1, 1);  // -1 left, 1 right, 0 a single drawer under the top
  std::string style = panels ? "desk/panels" : "desk/legs";
  // Supports: panels at both ends, or legs; a drawer pedestal replaces one end's support.
  for (double sgn : {-1.0, 1.0}) {
    if (drawer_side == sgn) continue;
    const double x = sgn * (w / 2 - (panels ? pt / 2 : s / 2 + 20));
    if (panels) {
      f.Add(Box("leg", x - pt / 2, -d / 2 + 20, 0, x + pt / 2, d / 2 - 20, top_z));
    } else {
      for (double y : {-d / 2 + s / 2 + 20, d / 2 - s / 2 - 20})
        f.Add(TableLeg(0, x, y, 0, top_z, s));
    }
  }
  const double dt = rng.Uniform(16, 22);
  auto drawer = [&](double x0, double x1, double z0, double z1) {
    Part p = Box("drawer", x0, -d / 2 + 10, z0, x1, d / 2 - 20, z1);
    const double pull = std::min(rng.Uniform(80, 160), (x1 - x0) * 0.6);
    const double zc = z1 - std::min(40.0, (z1 - z0) / 3);
    CutFromFront(&p, -d / 2 + 10, 10, SlotLoop((x0 + x1) / 2, zc, pull, rng.Uniform(18, 26)));
    f.Add(p);
  };
  if (drawer_side != 0) {
    const double pw = rng.Uniform(380, 480), x_out = drawer_side * w / 2,
                 x_in = x_out - drawer_side * pw;
    const int n = rng.UniformInt(2, 4);
    for (int i = 0; i < n; ++i) {
      // Stacked flush: without a carcass, each drawer rests on the one below.
      const double z0 = top_z * i / n, z1 = top_z * (i + 1) / n;
      drawer(std::min(x_in, x_out), std::max(x_in, x_out), z0, z1);
    }
    style += "+pedestal";
  } else {
    const double dh = rng.Uniform(90, 140);
    drawer(-w / 4, w / 4, top_z - dh, top_z);
    style += "+drawer";
  }
  if (rng.Bernoulli(0.5)) {  // a modesty panel at the back
    const double x = w / 2 - (panels ? pt : s + 20);
    f.Add(Box("apron", -x, d / 2 - 20 - dt, top_z - rng.Uniform(250, 450), x, d / 2 - 20, top_z));
    style += "+modesty";
  }
  return f.Finish(style, drawer_side == 0 ? Symmetry::kReflectX : Symmetry::kNone);
}

}  // namespace

Sample GenerateTable(core::Rng& rng) {
  switch (rng.Weighted({0.55, 0.17, 0.1, 0.18})) {
    case 0:
      return FourLegTable(rng);
    case 1:
      return PedestalTable(rng);
    case 2:
      return TrestleTable(rng);
    default:
      return Desk(rng);
  }
}

}  // namespace img2cad::synth
