#include "program/program.h"

#include <type_traits>

namespace img2cad::program {

const char* ExtentName(Extent e) {
  switch (e) {
    case Extent::kOneSided:
      return "one_sided";
    case Extent::kSymmetric:
      return "symmetric";
    case Extent::kTwoSided:
      return "two_sided";
  }
  return "?";
}

const char* OperationName(Operation op) {
  switch (op) {
    case Operation::kNewBody:
      return "new_body";
    case Operation::kJoin:
      return "join";
    case Operation::kCut:
      return "cut";
    case Operation::kIntersect:
      return "intersect";
  }
  return "?";
}

const char* SymmetryName(Symmetry s) {
  switch (s) {
    case Symmetry::kNone:
      return "none";
    case Symmetry::kReflectX:
      return "reflect_x";
    case Symmetry::kRotational:
      return "rotational";
  }
  return "?";
}

const char* CurveTypeName(const Curve& c) {
  return std::visit(
      [](const auto& v) -> const char* {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Line>) return "line";
        if constexpr (std::is_same_v<T, Arc>) return "arc";
        return "circle";
      },
      c);
}

namespace {
template <typename E, size_t N>
bool LookUp(const std::string& name, const E (&all)[N], const char* (*namer)(E), E* out) {
  for (E e : all) {
    if (name == namer(e)) {
      *out = e;
      return true;
    }
  }
  return false;
}
}  // namespace

bool ParseExtent(const std::string& name, Extent* out) {
  static const Extent kAll[] = {Extent::kOneSided, Extent::kSymmetric, Extent::kTwoSided};
  return LookUp(name, kAll, ExtentName, out);
}

bool ParseOperation(const std::string& name, Operation* out) {
  static const Operation kAll[] = {Operation::kNewBody, Operation::kJoin, Operation::kCut,
                                   Operation::kIntersect};
  return LookUp(name, kAll, OperationName, out);
}

bool ParseSymmetry(const std::string& name, Symmetry* out) {
  static const Symmetry kAll[] = {Symmetry::kNone, Symmetry::kReflectX, Symmetry::kRotational};
  return LookUp(name, kAll, SymmetryName, out);
}

std::string PartDisplayName(const Part& part) {
  return part.label + " " + std::to_string(part.instance);
}

}  // namespace img2cad::program
