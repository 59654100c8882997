#pragma once
// A property every input must keep. A violation aborts, which libFuzzer reports like a crash:
// it prints the stack and saves the input as crash-<sha1>.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                                \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::fprintf(stderr, "property violated: %s\n  (%s) at %s:%d\n", what, #condition, __FILE__, \
                   __LINE__);                                                                      \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)
