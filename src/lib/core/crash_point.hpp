#pragma once
/// Crash injection for the fault tests: a process started with VETAHUT_TEST_CRASH_AT=<name>
/// kills itself with SIGKILL (exactly what `kill -9` does) when it reaches the crash point of that
/// name, so a test can restart it and check that nothing acknowledged was lost and no money moved
/// twice. Without the variable a crash point is a string comparison.
#include <string_view>

namespace vetahut::core {

/// Dies here if VETAHUT_TEST_CRASH_AT names this point (read once per process).
void CrashPoint(std::string_view name);

}  // namespace vetahut::core
