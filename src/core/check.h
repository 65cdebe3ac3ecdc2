// Always-on invariant checks, as in pbrt-v4 and SolveSpace: a broken invariant aborts with the
// file, line, the failed condition and (for the comparison forms) both values. They are for bugs,
// never for bad user input, which gets a Status instead (core/status.h).
//
// The macros carry the IMG2CAD_ prefix because libtorch's headers bring glog's CHECK family,
// which would otherwise clash with ours in any file that includes both.
//
//   IMG2CAD_CHECK(mesh.triangles.size() == mesh.part_ids.size()) << "while tessellating " << name;
//   IMG2CAD_CHECK_EQ(a, b);  IMG2CAD_CHECK_LT(i, n);  IMG2CAD_CHECK_GT(volume, 0.0);
#pragma once

#include <sstream>
#include <string>

namespace img2cad::core::internal {

// Collects the message of a failed check and aborts in its destructor.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const std::string& condition);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

// Lets `IMG2CAD_CHECK(x) << ...` compile to a void expression in both branches of the ternary.
struct Voidify {
  void operator&(std::ostream&) {}
};

template <typename A, typename B>
std::string CompareText(const char* expr, const A& a, const B& b) {
  std::ostringstream s;
  s << expr << " (" << a << " vs. " << b << ")";
  return s.str();
}

}  // namespace img2cad::core::internal

#define IMG2CAD_CHECK(cond)                       \
  (cond) ? (void)0                                \
         : ::img2cad::core::internal::Voidify() & \
               ::img2cad::core::internal::CheckFailure(__FILE__, __LINE__, #cond).stream()

#define IMG2CAD_CHECK_OP_(a, b, op)                                                         \
  ((a)op(b)) ? (void)0                                                                      \
             : ::img2cad::core::internal::Voidify() &                                       \
                   ::img2cad::core::internal::CheckFailure(                                 \
                       __FILE__, __LINE__,                                                  \
                       ::img2cad::core::internal::CompareText(#a " " #op " " #b, (a), (b))) \
                       .stream()

#define IMG2CAD_CHECK_EQ(a, b) IMG2CAD_CHECK_OP_(a, b, ==)
#define IMG2CAD_CHECK_NE(a, b) IMG2CAD_CHECK_OP_(a, b, !=)
#define IMG2CAD_CHECK_LT(a, b) IMG2CAD_CHECK_OP_(a, b, <)
#define IMG2CAD_CHECK_LE(a, b) IMG2CAD_CHECK_OP_(a, b, <=)
#define IMG2CAD_CHECK_GT(a, b) IMG2CAD_CHECK_OP_(a, b, >)
#define IMG2CAD_CHECK_GE(a, b) IMG2CAD_CHECK_OP_(a, b, >=)
