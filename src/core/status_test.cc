#include "core/status.h"

#include "core/version.h"

#include <gtest/gtest.h>

// Our checks must not take glog's names: libtorch brings glog's CHECK into the same files.
#ifdef CHECK
#error "core/check.h must not define CHECK (glog, via libtorch, defines it)"
#endif

namespace img2cad::core {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status(StatusCode::kInvalidArgument, "odd", "[" + std::to_string(x) + "]");
  return x / 2;
}

Result<int> Quarter(int x) {
  IMG2CAD_ASSIGN_OR_RETURN(int h, Half(x));
  IMG2CAD_ASSIGN_OR_RETURN(h, Half(h));
  return h;
}

TEST(StatusTest, OkAndErrorFormatting) {
  EXPECT_TRUE(OkStatus().ok());
  EXPECT_EQ(OkStatus().ToString(), "OK");
  Status s(StatusCode::kInvalidArgument, "arc sweep must be in (0, 360)", "loops[1][2]");
  EXPECT_EQ(s.WithPrefix("parts[3].features[0].sketch").WithFile("a.json").ToString(),
            "a.json: parts[3].features[0].sketch.loops[1][2]: arc sweep must be in (0, 360)");
  Status p(StatusCode::kParse, "unexpected end of input", "3:14", "b.json");
  EXPECT_EQ(p.ToString(), "b.json:3:14: unexpected end of input");
  // WithFile never overwrites a more specific file.
  EXPECT_EQ(p.WithFile("other.json").file(), "b.json");
}

TEST(StatusTest, JoinPath) {
  EXPECT_EQ(JoinPath("parts[1]", "features[0]"), "parts[1].features[0]");
  EXPECT_EQ(JoinPath("loops", "[2]"), "loops[2]");
  EXPECT_EQ(JoinPath("", "x"), "x");
  EXPECT_EQ(JoinPath("x", ""), "x");
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(Quarter(8).value(), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().where(), "[3]");
}

TEST(StatusDeathTest, ValueOfErrorAborts) {
  Result<int> r = Half(3);
  EXPECT_DEATH((void)r.value(), "CHECK failed");
}

TEST(CheckDeathTest, PrintsBothValues) {
  int a = 1, b = 2;
  EXPECT_DEATH(IMG2CAD_CHECK_EQ(a, b) << "context", "a == b \\(1 vs. 2\\) context");
}

TEST(StatusTest, VersionComesFromTheBuild) {
  // The generated header carries the project() version of CMakeLists.txt.
  EXPECT_EQ(std::string(kVersion), std::to_string(kVersionMajor) + "." +
                                       std::to_string(kVersionMinor) + "." +
                                       std::to_string(kVersionPatch));
}

}  // namespace
}  // namespace img2cad::core
