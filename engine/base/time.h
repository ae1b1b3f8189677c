// Time and duration text formats shared by the language, the facts loaders and the
// reports. Times are int64 nanoseconds since the Unix epoch (UTC); durations are int64
// nanoseconds. Parsing never throws: it returns nullopt on malformed or out-of-range text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relgate {

inline constexpr int64_t kNanosPerSecond = 1'000'000'000;

// RFC 3339 date-time (`2026-04-17T15:36:45Z`, fractional seconds and offsets allowed).
// Second 60 only where a leap second can occur: 23:59:60 UTC on a month's last day (in
// any offset, `2016-12-31T18:59:60-05:00`); it is read as the first second of the next day.
[[nodiscard]] std::optional<int64_t> ParseRfc3339(std::string_view text);
// A full date (`2026-12-31`): midnight UTC at its start.
[[nodiscard]] std::optional<int64_t> ParseDate(std::string_view text);
// Why well-formed date or time text was refused by the parsers above, worded to follow
// the text: "is outside the supported range, ..." (int64 nanoseconds reach from 1677 to
// 2262), "has second 60, but a leap second can only be 23:59:60 UTC ..."; "" when it is
// simply malformed.
[[nodiscard]] std::string TimeProblem(std::string_view text);
// UTC, `Z` suffix, fractional seconds only when non-zero (trailing zeros trimmed).
[[nodiscard]] std::string FormatRfc3339(int64_t nanos);

// Durations: one or more `<digits><unit>` with units d, h, m, s, ms (`24h`, `1h30m`).
[[nodiscard]] std::optional<int64_t> ParseDuration(std::string_view text);
// Largest units first, zero components omitted (`1d2h`, `24h0m1s` is written `1d1s`).
[[nodiscard]] std::string FormatDuration(int64_t nanos);

}  // namespace relgate
