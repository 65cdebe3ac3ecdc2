// Chairs: four-leg chairs (square, round or tapered legs; solid, slatted, ladder or curved backs;
// optional arms and stretchers), swivel chairs, stools and bar stools, cantilever chairs,
// armchairs with solid sides and, on request, lounge chairs. Dimensions in mm from common
// furniture ranges.
#include <cmath>
#include <numbers>

#include "synth/furniture.h"

namespace img2cad::synth {

namespace {

using program::Symmetry;
constexpr double kDeg = std::numbers::pi / 180;

enum class LegKind { kSquare, kRound, kTapered };

Part Leg(LegKind kind, double cx, double cy, double z0, double z1, double s) {
  switch (kind) {
    case LegKind::kSquare:
      return Box("leg", cx - s / 2, cy - s / 2, z0, cx + s / 2, cy + s / 2, z1);
    case LegKind::kRound:
      return VCylinder("leg", cx, cy, z0, z1, s / 2);
    case LegKind::kTapered:
      return TaperedLeg("leg", cx, cy, z0, z1, s, s * 0.6);
  }
  return Part{};
}

// A leg between two points (possibly splayed): a circle on the plane at `bottom` whose normal
// runs to `top`, extruded the full length.
Part SplayedLeg(const program::Vec3& bottom, const program::Vec3& top, double r) {
  program::Vec3 d{top[0] - bottom[0], top[1] - bottom[1], top[2] - bottom[2]};
  const double len = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  program::Plane plane{bottom, {d[0] / len, d[1] / len, d[2] / len}, {1, 0, 0}};
  if (std::abs(plane.normal[0]) > 0.9) plane.x_dir = {0, 1, 0};
  return Part{"leg",
              0,
              {program::MakeFeature(plane, {program::CircleLoop(0, 0, r)},
                                    program::Extent::kOneSided, len)}};
}

std::string ChairBack(core::Rng& rng, Furniture* f, double w, double d, double h, double e,
                      double s, double back_h) {
  const double bt = rng.Uniform(18, 30);
  const double yb = d / 2 - bt / 2;  // back plane centre
  const double x_in = w / 2 - e;     // back spans the seat width less the inset
  switch (rng.UniformInt(0, 3)) {
    case 0: {  // solid panel, straight or arched, sometimes with a hand hole cut through
      const bool arched = rng.Bernoulli(0.5);
      Loop loop = arched ? ArchedRect(-x_in, h, x_in, h + back_h, rng.Uniform(15, 60))
                         : program::RectLoop(-x_in, h, x_in, h + back_h);
      f->Add(FrontProfile("back", yb, bt / 2, loop));
      if (rng.Bernoulli(0.35)) {
        const double len = rng.Uniform(100, std::min(220.0, x_in)), hw = rng.Uniform(25, 40);
        f->Last().features.push_back(program::MakeFeature(
            program::FrontPlane(yb), {SlotLoop(0, h + back_h - hw - 35, len, hw)},
            program::Extent::kSymmetric, bt, program::Operation::kCut));
      }
      return arched ? "arched" : "solid";
    }
    case 1:
    case 2: {  // posts and a top rail with vertical slats (1) or horizontal ladder rails (2)
      const bool slats = rng.Bernoulli(0.5);
      const double px = w / 2 - e - s / 2, rail = rng.Uniform(50, 90);
      for (double sx : {-px, px})
        f->Add(Box("back", sx - s / 2, yb - bt / 2, h, sx + s / 2, yb + bt / 2, h + back_h));
      const double x0 = -px + s / 2, x1 = px - s / 2;
      f->Add(Box("back", x0, yb - bt / 2, h + back_h - rail, x1, yb + bt / 2, h + back_h));
      if (slats) {
        const int n = rng.UniformInt(2, 6);
        const double sw = std::min(rng.Uniform(20, 60), (x1 - x0) / (n + 1) * 0.8);
        for (int i = 1; i <= n; ++i) {
          const double cx = x0 + (x1 - x0) * i / (n + 1);
          f->Add(Box("back", cx - sw / 2, yb - bt / 4, h, cx + sw / 2, yb + bt / 4,
                     h + back_h - rail));
        }
        return "slatted";
      }
      const int n = rng.UniformInt(1, 3);
      const double rh = rng.Uniform(30, 60);
      for (int i = 1; i <= n; ++i) {
        const double zc = h + (back_h - rail) * i / (n + 1);
        f->Add(Box("back", x0, yb - bt / 4, zc - rh / 2, x1, yb + bt / 4, zc + rh / 2));
      }
      return "ladder";
    }
    default: {  // curved in plan: a band of a circle centred in front of the back
      const double r_out = rng.Uniform(450, 900);
      const double half = std::asin(std::min(0.95, x_in / r_out)) / kDeg;
      const double yc = d / 2 - r_out;
      f->Add(Slab("back", h, back_h, {ArcBand(0, yc, r_out - bt, r_out, 90 - half, 90 + half)}));
      return "curved";
    }
  }
}

Sample FourLegChair(core::Rng& rng) {
  Furniture f("chair");
  const double w = rng.Uniform(400, 520), d = rng.Uniform(380, 500), h = rng.Uniform(400, 480);
  const double t = rng.Uniform(20, 50), e = rng.Uniform(0, 30), s = rng.Uniform(28, 50);
  const LegKind legs = static_cast<LegKind>(rng.UniformInt(0, 2));
  if (rng.Bernoulli(0.5)) {
    f.Add(Slab("seat", h - t, t,
               {program::RoundedRectLoop(-w / 2, -d / 2, w / 2, d / 2, rng.Uniform(10, 60))}));
  } else {
    f.Add(Box("seat", -w / 2, -d / 2, h - t, w / 2, d / 2, h));
  }
  const double lx = w / 2 - e - s / 2, ly = d / 2 - e - s / 2;
  for (double x : {-lx, lx})
    for (double y : {-ly, ly}) f.Add(Leg(legs, x, y, 0, h - t, s));
  const std::string back = ChairBack(rng, &f, w, d, h, e, s, rng.Uniform(300, 500));
  std::string style = "four_leg/" + back;
  if (rng.Bernoulli(0.5)) {  // stretchers: side rails, plus front and back or a middle cross bar
    const double z = rng.Uniform(90, 220), r = std::min(s * 0.3, rng.Uniform(8, 14));
    const bool round = legs == LegKind::kRound || rng.Bernoulli(0.3);
    for (double x : {-lx, lx}) {
      f.Add(round ? RodY("stretcher", -ly, ly, x, z, r)
                  : Box("stretcher", x - r, -ly, z - r, x + r, ly, z + r));
    }
    const bool box_layout = rng.Bernoulli(0.5);
    for (double y : box_layout ? std::vector<double>{-ly, ly} : std::vector<double>{0}) {
      f.Add(round ? RodX("stretcher", -lx, lx, y, z, r)
                  : Box("stretcher", -lx, y - r, z - r, lx, y + r, z + r));
    }
    style += "+stretchers";
  }
  if (rng.Bernoulli(0.35)) {  // arms: an L of rest and front support, standing on the seat
    const double aw = rng.Uniform(30, 60), ah = rng.Uniform(180, 260), at = rng.Uniform(25, 45);
    const double yf = -d / 2 + e, yr = d / 2 - 30, sw = rng.Uniform(30, 50);
    for (double x : {-(w / 2 - aw / 2), w / 2 - aw / 2}) {
      f.Add(SideProfile("arm", x, aw / 2,
                        program::PolygonLoop({{yf, h},
                                              {yf + sw, h},
                                              {yf + sw, h + ah},
                                              {yr, h + ah},
                                              {yr, h + ah + at},
                                              {yf, h + ah + at}})));
    }
    style += "+arms";
  }
  return f.Finish(style, Symmetry::kReflectX);
}

Sample SwivelChair(core::Rng& rng) {
  Furniture f("chair");
  const double w = rng.Uniform(440, 520), d = rng.Uniform(420, 500), h = rng.Uniform(430, 520);
  const double t = rng.Uniform(60, 100), base_h = rng.Uniform(35, 55);
  const double spoke_len = rng.Uniform(280, 350), spoke_w = rng.Uniform(40, 55);
  for (int k = 0; k < 5; ++k) {
    f.Add(Slab("spoke", 0, base_h, {RotatedRect(0, 0, spoke_len, spoke_w, -90 + 72 * k)}));
  }
  f.Add(VCylinder("column", 0, 0, base_h, h - t, rng.Uniform(22, 35)));
  f.Add(Slab("seat", h - t, t,
             {program::RoundedRectLoop(-w / 2, -d / 2, w / 2, d / 2, rng.Uniform(30, 80))}));
  // Back: a rounded panel above the seat, held by a bar joined to it that reaches into the seat.
  const double bw = rng.Uniform(360, 480), bt = rng.Uniform(40, 70), gap = rng.Uniform(40, 120);
  const double bh = rng.Uniform(350, 600), yb = d / 2 - bt / 2;
  Part back = FrontProfile(
      "back", yb, bt / 2,
      program::RoundedRectLoop(-bw / 2, h + gap, bw / 2, h + gap + bh, rng.Uniform(20, 60)));
  back.features.push_back(program::MakeFeature(
      program::FrontPlane(yb), {program::RectLoop(-35, h - t / 2, 35, h + gap + 40)},
      program::Extent::kSymmetric, bt / 2, program::Operation::kJoin));
  f.Add(back);
  std::string style = "swivel";
  if (rng.Bernoulli(0.5)) {
    const double aw = rng.Uniform(40, 70), ah = rng.Uniform(180, 250), yr = rng.Uniform(0, d / 4);
    const double yf = -d / 2 + rng.Uniform(40, 100);
    for (double x : {-(w / 2 + aw / 2), w / 2 + aw / 2}) {
      f.Add(SideProfile("arm", x, aw / 2,
                        program::PolygonLoop({{yr - 40, h - t / 2},
                                              {yr, h - t / 2},
                                              {yr, h + ah + 30},
                                              {yf, h + ah + 30},
                                              {yf, h + ah},
                                              {yr - 40, h + ah}})));
    }
    style += "+arms";
  }
  return f.Finish(style, Symmetry::kReflectX);
}

Sample Stool(core::Rng& rng, bool bar) {
  Furniture f("chair");
  const double h = bar ? rng.Uniform(620, 780) : rng.Uniform(430, 480), t = rng.Uniform(25, 45);
  const bool round_seat = rng.Bernoulli(0.6);
  const double half = round_seat ? rng.Uniform(160, 210) : rng.Uniform(160, 200);
  if (round_seat) {
    f.Add(Slab("seat", h - t, t, {program::CircleLoop(0, 0, half)}));
  } else {
    f.Add(Slab("seat", h - t, t,
               {program::RoundedRectLoop(-half, -half, half, half, rng.Uniform(10, 50))}));
  }
  const int n = rng.Bernoulli(0.3) ? 3 : 4;
  const double r = rng.Uniform(13, 22), top_r = half * rng.Uniform(0.55, 0.75);
  const double splay = rng.Bernoulli(0.6) ? rng.Uniform(1.05, 1.35) : 1.0;
  std::vector<program::Vec3> tops, bottoms;
  for (int k = 0; k < n; ++k) {
    const double a = (n == 4 ? 45 + 90 * k : 90 + 120 * k) * kDeg;
    tops.push_back({top_r * std::cos(a), top_r * std::sin(a), h - t});
    bottoms.push_back({splay * top_r * std::cos(a), splay * top_r * std::sin(a), 0});
    f.Add(SplayedLeg(bottoms.back(), tops.back(), r));
  }
  std::string style = bar ? "bar_stool" : "stool";
  if (n == 4 && rng.Bernoulli(bar ? 0.8 : 0.4)) {  // a ring of footrest rails between the legs
    const double z = bar ? rng.Uniform(220, 330) : rng.Uniform(120, 200);
    const double s = z / (h - t);  // where each leg's axis is at height z
    auto at = [&](int k) {
      return program::Vec2{bottoms[k][0] + (tops[k][0] - bottoms[k][0]) * s,
                           bottoms[k][1] + (tops[k][1] - bottoms[k][1]) * s};
    };
    const double rr = r * 0.6;
    // legs 0 (+,+), 1 (-,+), 2 (-,-), 3 (+,-)
    f.Add(RodX("stretcher", at(1)[0], at(0)[0], at(0)[1], z, rr));
    f.Add(RodX("stretcher", at(2)[0], at(3)[0], at(3)[1], z, rr));
    f.Add(RodY("stretcher", at(3)[1], at(0)[1], at(0)[0], z, rr));
    f.Add(RodY("stretcher", at(2)[1], at(1)[1], at(1)[0], z, rr));
    style += "+ring";
  }
  bool has_back = false;
  if (bar && rng.Bernoulli(0.35)) {  // a low curved backrest on two posts
    const double post_h = rng.Uniform(200, 320), rail = rng.Uniform(50, 80), pr = 10;
    const double yp = half * 0.8;
    for (double x : {-half * 0.45, half * 0.45}) f.Add(VCylinder("back", x, yp, h, h + post_h, pr));
    const double rc = std::hypot(half * 0.45, yp);
    f.Add(Slab("back", h + post_h, rail, {ArcBand(0, 0, rc - 12, rc + 12, 90 - 40, 90 + 40)}));
    has_back = true;
    style += "+back";
  }
  return f.Finish(style, round_seat && !has_back ? Symmetry::kRotational : Symmetry::kReflectX);
}

Sample Cantilever(core::Rng& rng) {
  Furniture f("chair");
  const double w = rng.Uniform(420, 480), d = rng.Uniform(400, 460), h = rng.Uniform(430, 470);
  const double t = rng.Uniform(12, 30), bh = rng.Uniform(380, 480), tt = rng.Uniform(20, 28);
  const double y_back_floor = d / 2 - rng.Uniform(0, 60), y_front = -d / 2 - rng.Uniform(0, 40);
  const double lean = rng.Uniform(0, 50);
  const std::vector<program::Vec2> path = {{y_back_floor, tt / 2},
                                           {y_front, tt / 2},
                                           {y_front + rng.Uniform(0, 40), h - t / 2},
                                           {d / 2 - tt / 2, h - t / 2},
                                           {d / 2 - tt / 2 + lean, h + bh}};
  for (double x : {-(w / 2 + tt / 2), w / 2 + tt / 2})
    f.Add(SideProfile("leg", x, tt / 2, ThickPath(path, tt)));
  f.Add(Box("seat", -w / 2, y_front + 20, h - t, w / 2, d / 2, h));
  const double bt = rng.Uniform(12, 25), yb = d / 2 - tt / 2 + lean / 2;
  const double b0 = h + rng.Uniform(60, 150);
  f.Add(FrontProfile("back", yb, bt / 2,
                     program::RectLoop(-w / 2, b0, w / 2, h + bh - rng.Uniform(0, 40))));
  return f.Finish("cantilever", Symmetry::kReflectX);
}

Sample Armchair(core::Rng& rng) {
  Furniture f("chair");
  const double w = rng.Uniform(650, 900), d = rng.Uniform(700, 900), h = rng.Uniform(380, 450);
  const double ha = rng.Uniform(550, 680), hb = rng.Uniform(750, 1000), sw = rng.Uniform(80, 180);
  const double bd = rng.Uniform(120, 220);
  const bool legs = rng.Bernoulli(0.5);
  const double z0 = legs ? rng.Uniform(60, 150) : 0;
  std::string style = "armchair";
  for (double sgn : {-1.0, 1.0}) {
    const double xc = sgn * (w / 2 - sw / 2);
    if (rng.Bernoulli(0.5)) {
      const double r = rng.Uniform(30, std::min(sw, 120.0));
      f.Add(SideProfile(
          "arm", xc, sw / 2,
          {program::Line{{d / 2, z0}}, program::Line{{d / 2, ha}}, program::Line{{-d / 2 + r, ha}},
           program::Arc{{-d / 2, ha - r}, 90, true}, program::Line{{-d / 2, z0}}}));
    } else {
      f.Add(Box("arm", xc - sw / 2, -d / 2, z0, xc + sw / 2, d / 2, ha));
    }
  }
  f.Add(Box("seat", -w / 2 + sw, -d / 2, z0, w / 2 - sw, d / 2 - bd, h));
  if (rng.Bernoulli(0.5)) {
    f.Add(FrontProfile("back", d / 2 - bd / 2, bd / 2,
                       ArchedRect(-w / 2, z0, w / 2, hb, rng.Uniform(20, 80))));
  } else {
    f.Add(Box("back", -w / 2 + sw, d / 2 - bd, z0, w / 2 - sw, d / 2, hb));
  }
  if (legs) {
    const double s = rng.Uniform(35, 60);
    const LegKind kind = static_cast<LegKind>(rng.UniformInt(0, 2));
    for (double x : {-(w / 2 - sw / 2), w / 2 - sw / 2})
      for (double y : {-d / 2 + s, d / 2 - s}) f.Add(Leg(kind, x, y, 0, z0, s));
    style += "+legs";
  }
  return f.Finish(style, Symmetry::kReflectX);
}

// A lounge chair like the IKEA POANG: two bent-wood side frames (a floor runner that turns up
// into a front post, then an armrest running back), a floor rail between the runners, and one
// thick cushion, seat and reclined back, hung between the frames.
Sample Lounge(core::Rng& rng) {
  Furniture f("chair");
  const double w = rng.Uniform(480, 560), tt = rng.Uniform(18, 26), ft = rng.Uniform(35, 50);
  const double d = rng.Uniform(720, 840), h_arm = rng.Uniform(540, 640);
  const double y_b = d / 2 - rng.Uniform(0, 60), y_f = -d / 2 + rng.Uniform(40, 100);
  const double lean = rng.Uniform(-20, 60);
  const double ct = rng.Uniform(60, 110);  // cushion thickness
  auto post_y = [&](double z) { return y_f + lean * (z - ft / 2) / (h_arm - ft / 2); };
  // The cushion: its seat slopes down to the back, its back leans back by `recline`.
  const double z_sf = rng.Uniform(380, 440), z_sr = z_sf - rng.Uniform(60, 120);
  const double y_sf = post_y(z_sf), y_sr = y_sf + rng.Uniform(420, 500);
  const double recline = rng.Uniform(15, 30) * kDeg, back_len = rng.Uniform(520, 700);
  const double y_bt = y_sr + back_len * std::sin(recline);
  const double z_bt = z_sr + back_len * std::cos(recline);
  // The armrest falls a little to the back and ends inside the back cushion.
  const double z_ae = h_arm - rng.Uniform(0, 60);
  const double y_ae = y_sr + (z_ae - z_sr) * std::tan(recline);
  for (double x : {-(w / 2 + tt / 2), w / 2 + tt / 2}) {
    f.Add(SideProfile("leg", x, tt / 2,
                      ThickPath({{y_b, ft / 2}, {y_f, ft / 2}, {post_y(h_arm), h_arm}}, ft)));
    f.Add(SideProfile("arm", x, tt / 2, ThickPath({{post_y(h_arm), h_arm}, {y_ae, z_ae}}, ft)));
  }
  f.Add(Box("stretcher", -w / 2, y_b - ft, 0, w / 2, y_b, ft * 0.8));
  f.Add(SideProfile("seat", 0, w / 2, ThickPath({{y_sf, z_sf}, {y_sr, z_sr}}, ct)));
  std::vector<Vec2> back = {{y_sr, z_sr}, {y_bt, z_bt}};
  std::string style = "lounge";
  if (rng.Bernoulli(0.5)) {  // a headrest that curls forward
    back.push_back({y_bt - rng.Uniform(20, 60), z_bt + rng.Uniform(80, 150)});
    style += "+headrest";
  }
  f.Add(SideProfile("back", 0, w / 2, ThickPath(back, ct)));
  return f.Finish(style, Symmetry::kReflectX);
}

}  // namespace

Sample GenerateChair(core::Rng& rng) {
  switch (rng.Weighted({0.45, 0.12, 0.1, 0.1, 0.1, 0.13})) {
    case 0:
      return FourLegChair(rng);
    case 1:
      return SwivelChair(rng);
    case 2:
      return Stool(rng, false);
    case 3:
      return Stool(rng, true);
    case 4:
      return Cantilever(rng);
    default:
      return Armchair(rng);
  }
}

Sample GenerateLoungeChair(core::Rng& rng) { return Lounge(rng); }

}  // namespace img2cad::synth
