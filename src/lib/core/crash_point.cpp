#include "lib/core/crash_point.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>

namespace vetahut::core {

void CrashPoint(std::string_view name) {
  static const std::string armed = [] {
    const char* v = std::getenv("VETAHUT_TEST_CRASH_AT");
    return std::string(v ? v : "");
  }();
  if (armed.empty() || armed != name) return;
  // Written straight to stderr (the logger may buffer): the test looks for this line.
  const std::string line = "{\"level\":\"warn\",\"msg\":\"test crash point reached\",\"point\":\"" + armed + "\"}\n";
  [[maybe_unused]] auto written = ::write(2, line.data(), line.size());
  std::raise(SIGKILL);
}

}  // namespace vetahut::core
