// Storage: cabinets with one or two doors, chests of two to six drawers, open bookshelves with
// shelves and dividers, sideboards, wardrobes and TV benches; knob or bar handles, recessed door
// panels cut into the doors, and a plinth, legs or neither. Dimensions in mm.
#include <algorithm>
#include <cmath>

#include "synth/furniture.h"

namespace img2cad::synth {

namespace {

using program::Symmetry;

// The box every storage piece is built on, and the helpers that fill its front.
class Carcass {
 public:
  Carcass(core::Rng& rng, Furniture* f, double w, double d, double h)
      : rng_(rng), f_(f), w_(w), d_(d), h_(h) {
    b_ = rng.Uniform(15, 25);
    knobs_ = rng.Bernoulli(0.5);
    recessed_ = rng.Bernoulli(0.5);
    handle_len_ = rng.Uniform(90, 200);
    // One hardware per piece: every handle stands out as far as the others. (Drawn per handle,
    // the depths of a column's handles differed by a few mm at random, and as the instance rule
    // orders by x, then y, that noise numbered the handles of a column in random order.)
    handle_out_ = rng.Uniform(20, 32);
  }

  // Plinth, legs or nothing under the sides; returns the height the carcass starts at.
  double Base() {
    switch (rng_.Weighted({0.4, 0.35, 0.25})) {
      case 0: {
        z0_ = rng_.Uniform(50, 120);
        const double inset = rng_.Uniform(20, 50);
        f_->Add(Box("plinth", -w_ / 2 + inset / 2, -d_ / 2 + inset, 0, w_ / 2 - inset / 2,
                    d_ / 2 - inset, z0_));
        base_ = "plinth";
        break;
      }
      case 1: {
        z0_ = rng_.Uniform(100, 250);
        const double s = rng_.Uniform(30, 50);
        const bool round = rng_.Bernoulli(0.5);
        for (double x : {-w_ / 2 + s, w_ / 2 - s})
          for (double y : {-d_ / 2 + s, d_ / 2 - s}) {
            f_->Add(round ? VCylinder("leg", x, y, 0, z0_, s / 2)
                          : TaperedLeg("leg", x, y, 0, z0_, s, s * 0.6));
          }
        base_ = "legs";
        break;
      }
      default:
        z0_ = 0;
        base_ = "flat";
    }
    return z0_;
  }

  // Sides, top, bottom and (optionally) back.
  void Shell(bool back) {
    f_->Add(Box("side", -w_ / 2, -d_ / 2, z0_, -w_ / 2 + b_, d_ / 2, h_ - b_));
    f_->Add(Box("side", w_ / 2 - b_, -d_ / 2, z0_, w_ / 2, d_ / 2, h_ - b_));
    const double over = rng_.Bernoulli(0.4) ? rng_.Uniform(5, 25) : 0;
    if (over > 0 && rng_.Bernoulli(0.5)) {
      f_->Add(Slab(
          "top", h_ - b_, b_,
          {program::RoundedRectLoop(-w_ / 2 - over, -d_ / 2 - over, w_ / 2 + over, d_ / 2, over)}));
    } else {
      f_->Add(Box("top", -w_ / 2 - over, -d_ / 2 - over, h_ - b_, w_ / 2 + over, d_ / 2, h_));
    }
    f_->Add(Box("bottom", -w_ / 2 + b_, -d_ / 2, z0_, w_ / 2 - b_, d_ / 2, z0_ + b_));
    if (back)
      f_->Add(Box("back", -w_ / 2 + b_, d_ / 2 - 8, z0_ + b_, w_ / 2 - b_, d_ / 2, h_ - b_));
  }

  void Shelf(double x0, double x1, double z) {
    f_->Add(Box("shelf", x0, -d_ / 2 + 20, z, x1, d_ / 2 - 8, z + b_ * 0.9));
  }
  void Divider(double x) {
    f_->Add(Box("divider", x - b_ / 2, -d_ / 2, z0_ + b_, x + b_ / 2, d_ / 2 - 8, h_ - b_));
  }

  // A door covering [x0, x1] x [z0, z1] on the front, its handle near `handle_side` (-1 left,
  // +1 right edge).
  void Door(double x0, double x1, double z0, double z1, int handle_side) {
    const double t = 18, y = -d_ / 2;
    // Overlay doors: flush with the top panel's underside, so each hangs on the carcass.
    Part door = Box("door", x0 + 1, y - t, z0 + 1, x1 - 1, y, z1);
    const double m = std::min({rng_.Uniform(50, 90), (x1 - x0) / 4, (z1 - z0) / 4});
    if (recessed_) CutFromFront(&door, y - t, 6, program::RectLoop(x0 + m, z0 + m, x1 - m, z1 - m));
    f_->Add(door);
    const double hx = handle_side > 0 ? x1 - 35 : x0 + 35;
    const double hz = std::min((z0 + z1) / 2, z0 + 1000);
    Handle(hx, hz, y - t, true, z1 - z0);
  }

  // A drawer front covering [x0, x1] x [z0, z1], with one centred handle or two.
  void Drawer(double x0, double x1, double z0, double z1) {
    const double t = 18, y = -d_ / 2;
    // The front, and a body behind it that spans the opening between the sides or dividers, as
    // a drawer rests on its runners.
    Part drawer = Box("drawer", x0 + 1, y - t, z0 + 1, x1 - 1, y, z1 - 1);
    const double bx0 = std::max(x0, inner_x0()), bx1 = std::min(x1, inner_x1());
    const double bz0 = std::max(z0 + 1, inner_z0()), bz1 = std::min(z1 - 1, inner_z1());
    if (bx1 - bx0 > 1 && bz1 - bz0 > 1) {
      drawer.features.push_back(program::MakeFeature(
          program::HorizontalPlane(bz0), {program::RectLoop(bx0, y, bx1, y + d_ * 0.6)},
          program::Extent::kOneSided, bz1 - bz0, program::Operation::kJoin));
    }
    f_->Add(drawer);
    if (x1 - x0 > 700 && knobs_) {
      for (double hx : {x0 + (x1 - x0) / 4, x1 - (x1 - x0) / 4})
        Handle(hx, (z0 + z1) / 2, y - t, false, z1 - z0);
    } else {
      Handle((x0 + x1) / 2, (z0 + z1) / 2, y - t, false, z1 - z0);
    }
  }

  void Handle(double x, double z, double y_face, bool upright, double room) {
    const double out = handle_out_;
    if (knobs_) {
      f_->Add(RodY("handle", y_face - out, y_face, x, z, rng_.Uniform(10, 18)));
      return;
    }
    const double len = std::min(handle_len_, room * 0.7), wd = 16;
    const Loop bar = upright ? VSlotLoop(x, z, std::max(len, 2 * wd), wd)
                             : SlotLoop(x, z, std::max(len, 2 * wd), wd);
    f_->Add(Part{"handle",
                 0,
                 {program::MakeFeature(program::FrontPlane(y_face), {bar},
                                       program::Extent::kOneSided, out)}});
  }

  // Fills [x0, x1] x [z0, z1] with n drawers stacked.
  void Drawers(double x0, double x1, double z0, double z1, int n) {
    for (int i = 0; i < n; ++i)
      Drawer(x0, x1, z0 + (z1 - z0) * i / n, z0 + (z1 - z0) * (i + 1) / n);
  }
  // One or two doors over [x0, x1] x [z0, z1].
  void Doors(double x0, double x1, double z0, double z1, int n) {
    if (n == 1) {
      Door(x0, x1, z0, z1, rng_.Bernoulli(0.5) ? 1 : -1);
    } else {
      const double xm = (x0 + x1) / 2;
      Door(x0, xm, z0, z1, 1);
      Door(xm, x1, z0, z1, -1);
    }
  }

  double b() const { return b_; }
  double inner_x0() const { return -w_ / 2 + b_; }
  double inner_x1() const { return w_ / 2 - b_; }
  double inner_z0() const { return z0_ + b_; }
  double inner_z1() const { return h_ - b_; }
  std::string Describe() const {
    return std::string("+") + base_ + (knobs_ ? "+knobs" : "+bars") +
           (recessed_ ? "+recessed" : "");
  }

 private:
  core::Rng& rng_;
  Furniture* f_;
  double w_, d_, h_, b_ = 18, z0_ = 0, handle_len_ = 120, handle_out_ = 25;
  bool knobs_ = true, recessed_ = false;
  std::string base_ = "flat";
};

}  // namespace

Sample GenerateStorage(core::Rng& rng) {
  Furniture f("storage");
  // Each kind: its name, how often it is drawn, and width, depth and height ranges (mm).
  struct Kind {
    const char* name;
    double weight, w0, w1, d0, d1, h0, h1;
  };
  static const Kind kKinds[] = {
      {"cabinet", 0.22, 400, 1000, 350, 550, 600, 1200},
      {"chest", 0.20, 450, 1200, 400, 550, 500, 1300},
      {"bookshelf", 0.18, 500, 1200, 250, 400, 800, 2000},
      {"sideboard", 0.15, 1200, 2000, 400, 500, 700, 900},
      {"wardrobe", 0.12, 800, 1600, 550, 650, 1800, 2200},
      {"tv_bench", 0.13, 1200, 2000, 350, 450, 400, 600},
  };
  std::vector<double> weights;
  for (const Kind& k : kKinds) weights.push_back(k.weight);
  const size_t kind = rng.Weighted(weights);
  const Kind& spec = kKinds[kind];
  const double w = rng.Uniform(spec.w0, spec.w1), d = rng.Uniform(spec.d0, spec.d1),
               h = rng.Uniform(spec.h0, spec.h1);
  Carcass c(rng, &f, w, d, h);
  c.Base();
  c.Shell(kind != 2 || rng.Bernoulli(0.7));
  const double x0 = c.inner_x0(), x1 = c.inner_x1(), z0 = c.inner_z0(), z1 = c.inner_z1();
  bool symmetric = true;
  std::string style = spec.name;
  switch (kind) {
    case 0: {  // cabinet: shelves behind one or two doors
      const int shelves = rng.UniformInt(0, 3);
      for (int i = 1; i <= shelves; ++i) c.Shelf(x0, x1, z0 + (z1 - z0) * i / (shelves + 1));
      const int doors = w > 600 ? 2 : rng.UniformInt(1, 2);
      c.Doors(-w / 2, w / 2, c.inner_z0() - c.b(), h - c.b(), doors);
      symmetric = doors == 2;
      style += doors == 2 ? "/2doors" : "/1door";
      break;
    }
    case 1: {  // chest of drawers, one column or two when wide
      const int n = rng.UniformInt(2, 6);
      if (w > 900 && rng.Bernoulli(0.5)) {
        c.Drawers(-w / 2, 0, z0 - c.b(), h - c.b(), n);
        c.Drawers(0, w / 2, z0 - c.b(), h - c.b(), n);
        style += "/2x" + std::to_string(n);
      } else {
        c.Drawers(-w / 2, w / 2, z0 - c.b(), h - c.b(), n);
        style += "/" + std::to_string(n);
      }
      break;
    }
    case 2: {  // open bookshelf
      const int shelves = rng.UniformInt(1, 5), dividers = w > 800 ? rng.UniformInt(0, 2) : 0;
      for (int i = 1; i <= shelves; ++i) c.Shelf(x0, x1, z0 + (z1 - z0) * i / (shelves + 1));
      for (int i = 1; i <= dividers; ++i) c.Divider(x0 + (x1 - x0) * i / (dividers + 1));
      style += "/" + std::to_string(shelves) + "s" + std::to_string(dividers) + "d";
      break;
    }
    case 3:
    case 5: {  // sideboard / TV bench: sections of doors, drawers or open shelves
      const int sections = rng.UniformInt(2, 3);
      std::vector<double> xs = {x0};
      for (int i = 1; i < sections; ++i) {
        const double x = x0 + (x1 - x0) * i / sections;
        c.Divider(x);
        xs.push_back(x);
      }
      xs.push_back(x1);
      for (int s = 0; s < sections; ++s) {
        const double a = s == 0 ? -w / 2 : xs[s] + c.b() / 2,
                     bnd = s + 1 == sections ? w / 2 : xs[s + 1] - c.b() / 2;
        const int fill = rng.UniformInt(kind == 5 ? 0 : 1, 2);  // 0 open, 1 doors, 2 drawers
        if (fill == 0) {
          c.Shelf(xs[s] + (s ? c.b() / 2 : 0), xs[s + 1] - (s + 1 < sections ? c.b() / 2 : 0),
                  (z0 + z1) / 2);
        } else if (fill == 1) {
          c.Doors(a, bnd, z0 - c.b(), h - c.b(), bnd - a > 700 ? 2 : 1);
        } else {
          c.Drawers(a, bnd, z0 - c.b(), h - c.b(), rng.UniformInt(1, 3));
        }
        style += std::string("/") + "odr"[fill];
      }
      symmetric = false;
      break;
    }
    default: {  // wardrobe: tall doors, sometimes a drawer row at the bottom
      const int doors = w > 1300 ? 3 : 2;
      const bool drawers = rng.Bernoulli(0.4);
      const double dz = drawers ? z0 + rng.Uniform(200, 300) : z0 - c.b();
      if (drawers) c.Drawers(-w / 2, w / 2, z0 - c.b(), dz, 1);
      if (doors == 2) {
        c.Doors(-w / 2, w / 2, dz, h - c.b(), 2);
      } else {
        for (int i = 0; i < 3; ++i)
          c.Door(-w / 2 + w * i / 3, -w / 2 + w * (i + 1) / 3, dz, h - c.b(), i == 2 ? -1 : 1);
        symmetric = false;
      }
      style += "/" + std::to_string(doors) + "doors" + (drawers ? "+drawer" : "");
    }
  }
  return f.Finish(style + c.Describe(), symmetric ? Symmetry::kReflectX : Symmetry::kNone);
}

}  // namespace img2cad::synth
