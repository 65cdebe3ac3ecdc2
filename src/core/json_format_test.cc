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

nlohmann::ordered_json LongElement(int i) {
  return {{"name", "p" + std::to_string(i)},
          {"timing_ms", {{"load", 1.5}, {"find_object", 20}, {"method", 400.25}}},
          {"details", {{"values", std::vector<double>(30, 0.125 * i)}, {"short", {1, 2}}}}};
}

TEST(JsonFormatTest, ArrayTailPiecesMakeTheWholeText) {
  // Too long for one line even with an empty array, as FormatJson's own choice needs.
  const nlohmann::ordered_json head = {
      {"method", "learned"}, {"warnings", {std::string(60, 'w'), "b"}}, {"inputs", 3}};
  for (int n : {0, 1, 3}) {
    JsonArrayTail tail(head, "results");
    std::string pieces = tail.Open();
    nlohmann::ordered_json whole = head;
    whole["results"] = nlohmann::ordered_json::array();
    for (int i = 0; i < n; ++i) {
      pieces += tail.Element(LongElement(i), i);
      whole["results"].push_back(LongElement(i));
    }
    pieces += tail.Close(n);
    EXPECT_EQ(pieces, FormatJson(whole)) << n << " elements";
  }
}

TEST(JsonFormatTest, ArrayTailOfAnEmptyHead) {
  const nlohmann::ordered_json head = nlohmann::ordered_json::object();
  JsonArrayTail tail(head, "results");
  EXPECT_EQ(tail.Open() + tail.Element(LongElement(0), 0) + tail.Close(1),
            FormatJson({{"results", nlohmann::ordered_json::array({LongElement(0)})}}));
}

TEST(JsonFormatTest, LineColumn) {
  EXPECT_EQ(LineColumn("ab\ncd", 4), "2:2");
  EXPECT_EQ(LineColumn("", 0), "1:1");
}

}  // namespace
}  // namespace img2cad::core
