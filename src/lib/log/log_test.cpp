#include "lib/log/log.hpp"

#include "lib/core/text_rules.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace vetahut::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetSink([this](std::string_view line) { lines_.emplace_back(line); });
    SetLevel(Level::kInfo);
  }
  void TearDown() override { SetSink(nullptr); }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
  Info("order placed", {{"order_id", "ord_1"}, {"total", std::int64_t(1299)}, {"paid", true}});
  ASSERT_EQ(lines_.size(), 1u);
  const std::string& line = lines_[0];
  EXPECT_EQ(line.front(), '{');
  EXPECT_EQ(line.back(), '}');
  EXPECT_NE(line.find("\"level\":\"info\""), std::string::npos);
  EXPECT_NE(line.find("\"msg\":\"order placed\""), std::string::npos);
  EXPECT_NE(line.find("\"order_id\":\"ord_1\""), std::string::npos);
  EXPECT_NE(line.find("\"total\":1299"), std::string::npos);
  EXPECT_NE(line.find("\"paid\":true"), std::string::npos);
  EXPECT_NE(line.find("\"time\":\"20"), std::string::npos);
}

TEST_F(LogTest, CarriesRequestAndTraceIdsOfTheCurrentContext) {
  {
    Context ctx("req-42", "4bf92f3577b34da6a3ce929d0e0e4736");
    Warn("slow query");
  }
  Info("outside");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_NE(lines_[0].find("\"request_id\":\"req-42\""), std::string::npos);
  EXPECT_NE(lines_[0].find("\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\""), std::string::npos);
  EXPECT_EQ(lines_[1].find("request_id"), std::string::npos);
}

TEST_F(LogTest, EscapesWhatWouldBreakTheLine) {
  Error("bad \"input\"\nnext line\x01", {{"path", "C:\\x"}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find('\n'), std::string::npos);
  EXPECT_NE(lines_[0].find(R"(bad \"input\"\nnext line\u0001)"), std::string::npos);
  EXPECT_NE(lines_[0].find(R"("path":"C:\\x")"), std::string::npos);
}

TEST_F(LogTest, TextThatIsNotUtf8StaysValidJson) {
  Error("forbidden", {{"path", "/api/v1/stores/\xff\xfe%00caf\xc3\xa9"}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("\"path\":\"/api/v1/stores/\xEF\xBF\xBD\xEF\xBF\xBD%00caf\xc3\xa9\""), std::string::npos) << lines_[0];
  EXPECT_TRUE(core::IsValidUtf8(lines_[0]));
}

TEST(TraceIdOf, ReadsTheTraceIdOfAW3cTraceparentOnly) {
  EXPECT_EQ(TraceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(TraceIdOf("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "");  // all zeros is invalid
  EXPECT_EQ(TraceIdOf("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"), "");  // lower case only
  EXPECT_EQ(TraceIdOf("garbage"), "");
  EXPECT_EQ(TraceIdOf(""), "");
}

TEST_F(LogTest, DropsLinesBelowTheLevel) {
  Debug("noise");
  SetLevel(Level::kError);
  Warn("still noise");
  Error("kept");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("kept"), std::string::npos);
  EXPECT_EQ(ParseLevel("warn"), Level::kWarn);
}

}  // namespace
}  // namespace vetahut::log
