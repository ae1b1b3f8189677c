#include "engine/base/time.h"

#include <iterator>
#include <limits>

#include <fmt/format.h>

namespace relgate {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool Digits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size())
    return false;
  out = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

bool IsLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::optional<int64_t> DateDays(std::string_view text) {
  int y, m, d;
  if (text.size() < 10 || !Digits(text, 0, 4, y) || text[4] != '-' || !Digits(text, 5, 2, m) ||
      text[7] != '-' || !Digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m))
    return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

// Leap seconds are inserted after 23:59:59 UTC on the last day of a month (IERS
// Bulletin C; so far only at the end of June and December): `:60` is a real time only
// there, whatever the offset it is written in. `before` is the second before it.
bool IsLeapSecondSlot(int64_t before) {
  const int64_t day = before >= 0 ? before / 86400 : (before - 86399) / 86400;
  if (before - day * 86400 != 86399)
    return false;
  int64_t y;
  unsigned m, d;
  CivilFromDays(day + 1, y, m, d);
  return d == 1;
}

}  // namespace

std::string TimeProblem(std::string_view text) {
  int year = 0;
  if (!Digits(text, 0, 4, year) || !DateDays(text))
    return "";
  if (year < 1678 || year > 2261)
    return "is outside the supported range, 1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z";
  int ss = 0;
  if (text.size() >= 19 && Digits(text, 17, 2, ss) && ss == 60)
    return "has second 60, but a leap second can only be 23:59:60 UTC on the last day of a "
           "month";
  return "";
}

std::optional<int64_t> ParseDate(std::string_view text) {
  if (text.size() != 10)
    return std::nullopt;
  auto days = DateDays(text);
  if (!days)
    return std::nullopt;
  int64_t nanos;
  // Nanoseconds since 1970 in int64 reach from 1677 to 2262; outside that, no time.
  if (__builtin_mul_overflow(*days, 86400 * kNanosPerSecond, &nanos))
    return std::nullopt;
  return nanos;
}

std::optional<int64_t> ParseRfc3339(std::string_view text) {
  auto days = DateDays(text);
  if (!days || text.size() < 20)
    return std::nullopt;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ')
    return std::nullopt;
  int hh, mm, ss;
  if (!Digits(text, 11, 2, hh) || text[13] != ':' || !Digits(text, 14, 2, mm) || text[16] != ':' ||
      !Digits(text, 17, 2, ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 60)
    return std::nullopt;
  size_t pos = 19;
  int64_t frac = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const size_t start = pos;
    int64_t scale = 100'000'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      frac += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start)
      return std::nullopt;
  }
  if (pos >= text.size())
    return std::nullopt;
  int64_t offset_seconds = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh, om;
    if (!Digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !Digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_seconds = (oh * 3600 + om * 60) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size())
    return std::nullopt;
  const int64_t seconds = *days * 86400 + hh * 3600 + mm * 60 + ss - offset_seconds;
  if (ss == 60 && !IsLeapSecondSlot(seconds - 1))
    return std::nullopt;
  int64_t nanos;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &nanos) ||
      __builtin_add_overflow(nanos, frac, &nanos)) {
    return std::nullopt;  // outside 1677..2262
  }
  return nanos;
}

std::string FormatRfc3339(int64_t nanos) {
  int64_t seconds = nanos / kNanosPerSecond;
  int64_t frac = nanos % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, rem / 3600,
                                rem / 60 % 60, rem % 60);
  if (frac != 0) {
    std::string f = fmt::format(".{:09}", frac);
    while (f.back() == '0')
      f.pop_back();
    out += f;
  }
  out += "Z";
  return out;
}

std::optional<int64_t> ParseDuration(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  int64_t total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    int64_t number = 0;
    const size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (number > std::numeric_limits<int64_t>::max() / 10)
        return std::nullopt;
      number = number * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == start || pos >= text.size())
      return std::nullopt;
    int64_t unit;
    if (text.substr(pos, 2) == "ms") {
      unit = 1'000'000;
      pos += 2;
    } else {
      switch (text[pos]) {
        case 'd': unit = 86400 * kNanosPerSecond; break;
        case 'h': unit = 3600 * kNanosPerSecond; break;
        case 'm': unit = 60 * kNanosPerSecond; break;
        case 's': unit = kNanosPerSecond; break;
        default: return std::nullopt;
      }
      ++pos;
    }
    int64_t part;
    if (__builtin_mul_overflow(number, unit, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return std::nullopt;
    }
  }
  return total;
}

std::string FormatDuration(int64_t nanos) {
  if (nanos == 0)
    return "0s";
  std::string out;
  uint64_t n;
  if (nanos < 0) {
    out = "-";
    n = static_cast<uint64_t>(-(nanos + 1)) + 1;
  } else {
    n = static_cast<uint64_t>(nanos);
  }
  const uint64_t s = n / kNanosPerSecond;
  const uint64_t ns = n % kNanosPerSecond;

  struct Unit {
    uint64_t seconds;
    const char* suffix;
  };

  static constexpr Unit kUnits[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  uint64_t rest = s;
  for (const Unit& u : kUnits) {
    if (rest >= u.seconds) {
      fmt::format_to(std::back_inserter(out), "{}{}", rest / u.seconds, u.suffix);
      rest %= u.seconds;
    }
  }
  if (ns != 0) {
    if (ns % 1'000'000 == 0) {
      out += fmt::format("{}ms", ns / 1'000'000);
    } else {
      out += fmt::format("{}ns", ns);
    }
  }
  return out;
}

}  // namespace relgate
