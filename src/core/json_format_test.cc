#include "core/json_format.h"

#include <gtest/gtest.h>

namespace img2cad::core {
namespace {

TEST(JsonFormatTest, ShortContainersStayOnOneLine) {
  nlohmann::ordered_json j = {{"to", {30.0, 0.5}}, {"ccw", true}};
  EXPECT_EQ(FormatJson(j), "{ \"to\": [30, 0.5], \"ccw\": true }\n");
}

TEST(JsonFormatTest, LongContainersBreak) {
  nlohmann::ordered_json j;
  j["values"] = std::vector<double>(40, 123.25);
  const std::string s = FormatJson(j, 60);
  EXPECT_NE(s.find("\n  \"values\": [\n"), std::string::npos) << s;
  for (size_t start = 0, end; (end = s.find('\n', start)) != std::string::npos; start = end + 1) {
    EXPECT_LE(end - start, 60u);
  }
}

TEST(JsonFormatTest, NumbersRoundTripExactly) {
  for (double d : {0.1, 1.0 / 3.0, -2.5e-12, 1e20, 123456789.125, -0.0}) {
    nlohmann::ordered_json j = {{"x", d}};
    double back = nlohmann::json::parse(FormatJson(j))["x"].get<double>();
    EXPECT_EQ(back, d);
  }
}

TEST(JsonFormatTest, LineColumn) {
  EXPECT_EQ(LineColumn("ab\ncd", 4), "2:2");
  EXPECT_EQ(LineColumn("", 0), "1:1");
}

}  // namespace
}  // namespace img2cad::core
