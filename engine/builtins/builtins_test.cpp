#include <doctest/doctest.h>

#include "engine/base/semver.h"
#include "engine/base/time.h"
#include "engine/builtins/registry.h"

namespace relgate {
namespace {

TEST_CASE("glob: * and ? within a segment, ** across segments") {
  using builtins::GlobMatch;
  CHECK(GlobMatch("*.map", "app.map"));
  CHECK_FALSE(GlobMatch("*.map", "dist/app.map"));
  CHECK(GlobMatch("**/*.map", "dist/app.map"));
  CHECK(GlobMatch("**/*.map", "app.map"));
  CHECK(GlobMatch("dist/**", "dist/a/b/c"));
  CHECK(GlobMatch("dist/**/x.js", "dist/x.js"));
  CHECK(GlobMatch("dist/**/x.js", "dist/a/b/x.js"));
  CHECK_FALSE(GlobMatch("dist/**/x.js", "src/a/x.js"));
  CHECK(GlobMatch("a?c", "abc"));
  CHECK_FALSE(GlobMatch("a?c", "a/c"));
  CHECK(GlobMatch("[ab]x", "bx"));
  CHECK(GlobMatch("[!ab]x", "cx"));
  CHECK_FALSE(GlobMatch("[a-c]x", "dx"));
  CHECK(GlobMatch("*.js.map", "app.js.map"));
  CHECK_FALSE(GlobMatch("*.map", "app.js.map.gz"));
  // Worst case stays fast (no exponential backtracking).
  CHECK_FALSE(GlobMatch("**a**a**a**a**a**a**b", std::string(2000, 'a')));
}

TEST_CASE("semver: validation and precedence per semver.org") {
  CHECK(IsSemver("1.2.3"));
  CHECK(IsSemver("v1.2.3"));
  CHECK(IsSemver("1.0.0-alpha.1+build.5"));
  CHECK_FALSE(IsSemver("1.2"));
  CHECK_FALSE(IsSemver("01.2.3"));
  CHECK_FALSE(IsSemver("1.2.3-"));
  CHECK(SemverCompare("1.10.0", "1.9.0") > 0);
  CHECK(SemverCompare("1.0.0-alpha", "1.0.0") < 0);
  CHECK(SemverCompare("1.0.0-alpha", "1.0.0-alpha.1") < 0);
  CHECK(SemverCompare("1.0.0-alpha.1", "1.0.0-alpha.beta") < 0);
  CHECK(SemverCompare("1.0.0-beta.2", "1.0.0-beta.11") < 0);
  CHECK(SemverCompare("1.0.0+a", "1.0.0+b") == 0);
}

TEST_CASE("times and durations") {
  CHECK(ParseRfc3339("2026-04-17T15:36:45Z") == 1776440205LL * kNanosPerSecond);
  CHECK(ParseRfc3339("2026-04-17T17:36:45+02:00") == ParseRfc3339("2026-04-17T15:36:45Z"));
  CHECK(ParseRfc3339("2026-04-17T15:36:45.5Z").value() % kNanosPerSecond == 500000000);
  CHECK_FALSE(ParseRfc3339("2026-04-17 15:36"));
  CHECK_FALSE(ParseRfc3339("2026-02-29T00:00:00Z"));
  CHECK(ParseRfc3339("2024-02-29T00:00:00Z").has_value());
  CHECK(FormatRfc3339(*ParseRfc3339("1969-12-31T23:59:59.25Z")) == "1969-12-31T23:59:59.25Z");
  // int64 nanoseconds cover 1677-09-21 .. 2262-04-11; outside, there is no time (fuzz).
  CHECK_FALSE(ParseDate("1013-06-30"));
  CHECK_FALSE(ParseRfc3339("9999-12-31T23:59:59Z"));
  CHECK(ParseDate("2261-12-31").has_value());
  CHECK(ParseDuration("1h30m") == 5400 * kNanosPerSecond);
  CHECK(ParseDuration("7d") == 7 * 86400 * kNanosPerSecond);
  CHECK(ParseDuration("250ms") == 250'000'000);
  CHECK_FALSE(ParseDuration("10"));
  CHECK_FALSE(ParseDuration("99999999999999999999d"));
  CHECK(FormatDuration(86401 * kNanosPerSecond) == "1d1s");
  CHECK(FormatDuration(-300 * kNanosPerSecond) == "-5m");
  CHECK(FormatDuration(0) == "0s");
}

TEST_CASE("a leap second is accepted only where one can occur, in any offset") {
  for (const char* ok :
       {"2016-12-31T23:59:60Z", "2015-06-30T23:59:60Z", "2026-03-31T23:59:60Z",
        "2016-12-31T18:59:60-05:00", "2017-01-01T05:29:60+05:30", "2016-12-31T23:59:60.5Z"}) {
    CAPTURE(ok);
    REQUIRE(ParseRfc3339(ok).has_value());
    // Read as the first second of the next day (UTC).
    CHECK(FormatRfc3339(*ParseRfc3339(ok)).substr(11, 8) == "00:00:00");
  }
  for (const char* bad : {"2026-06-30T12:30:60Z", "2026-06-29T23:59:60Z", "2016-12-31T23:58:60Z",
                          "2016-12-31T23:59:60+01:00", "2026-01-15T00:00:60Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseRfc3339(bad).has_value());
    CHECK(TimeProblem(bad).find("a leap second can only be 23:59:60 UTC on the last day of a "
                                "month") != std::string::npos);
  }
  CHECK_FALSE(ParseRfc3339("2016-12-31T23:59:61Z").has_value());
}

TEST_CASE("times outside the supported range say so and give the range") {
  for (const char* text : {"2300-01-01", "1600-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
    CAPTURE(text);
    CHECK(TimeProblem(text) ==
          "is outside the supported range, 1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z");
  }
  CHECK(TimeProblem("2026-13-01") == "");
  CHECK(TimeProblem("yesterday") == "");
}

}  // namespace
}  // namespace relgate
