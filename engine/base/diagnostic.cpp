#include "engine/base/diagnostic.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "engine/base/printable.h"

namespace relgate {
namespace {

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

const char* SeverityColor(Severity severity) {
  switch (severity) {
    case Severity::kError: return "\x1b[1;31m";
    case Severity::kWarning: return "\x1b[1;35m";
    case Severity::kNote: return "\x1b[1;36m";
  }
  return "";
}

// Display width of a byte range of a line: code points, tabs expanded to 4.
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if (c == '\t') {
      width += 4;
    } else if ((c & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

std::string ExpandTabs(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (c == '\t') {
      out += "    ";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void DiagnosticSink::Report(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::kError) {
    if (error_count_ >= max_errors_) {
      if (!capped_) {
        capped_ = true;
        diagnostics_.push_back({Severity::kNote,
                                "too-many-errors",
                                diagnostic.span,
                                false,
                                fmt::format("too many errors; stopped after {}", max_errors_),
                                {},
                                {}});
      }
      ++error_count_;
      return;
    }
    ++error_count_;
  }
  diagnostics_.push_back(std::move(diagnostic));
}

void DiagnosticSink::Error(std::string code, Span span, std::string message, std::string help) {
  Report({Severity::kError, std::move(code), span, true, std::move(message), {}, std::move(help)});
}

void DiagnosticSink::Warning(std::string code, Span span, std::string message, std::string help) {
  Report(
      {Severity::kWarning, std::move(code), span, true, std::move(message), {}, std::move(help)});
}

std::vector<Diagnostic> DiagnosticSink::Sorted() const {
  std::vector<Diagnostic> sorted = diagnostics_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.has_span != b.has_span)
      return !a.has_span;
    if (a.span.file != b.span.file)
      return a.span.file < b.span.file;
    if (a.span.begin != b.span.begin)
      return a.span.begin < b.span.begin;
    return static_cast<int>(a.severity) < static_cast<int>(b.severity);
  });
  return sorted;
}

// Messages quote policy text and facts keys, and source lines are policy text: all of it
// passes through Printable (base/printable.h) so no policy can write escape sequences or
// fake lines into a CI log through a diagnostic.
std::string Render(const Diagnostic& d, const SourceMap& sources, bool color) {
  const std::string bold = color ? "\x1b[1m" : "";
  const std::string reset = color ? "\x1b[0m" : "";
  const std::string sev_color = color ? SeverityColor(d.severity) : "";
  std::string out;
  if (!d.has_span || d.span.file >= sources.size()) {
    fmt::format_to(std::back_inserter(out), "{}{}{}{}: {}{}\n", sev_color, SeverityName(d.severity),
                   reset, bold, Printable(d.message), reset);
    if (!d.help.empty())
      fmt::format_to(std::back_inserter(out), "  = help: {}\n", Printable(d.help));
    return out;
  }
  const SourceFile& file = sources.file(d.span.file);
  const Location loc = file.LocationOf(d.span.begin);
  auto put = std::back_inserter(out);
  fmt::format_to(put, "{}{}:{}:{}: {}{}{}{}{}: {}{}\n", bold, Printable(file.path()), loc.line,
                 loc.column, reset, sev_color, SeverityName(d.severity), reset, bold,
                 Printable(d.message), reset);
  std::string_view line = file.Line(loc.line);
  const std::string number = fmt::to_string(loc.line);
  const std::string gutter(number.size(), ' ');
  const std::string_view full = file.text();
  uint32_t line_start = d.span.begin;
  while (line_start > 0 && full[line_start - 1] != '\n')
    --line_start;
  const uint32_t line_end = line_start + static_cast<uint32_t>(line.size());
  // Very long lines (generated or hostile input) are shown as a window around the span.
  constexpr uint32_t kBefore = 60, kWidth = 120;
  std::string prefix, suffix;
  uint32_t shown_start = line_start;
  if (line.size() > kWidth) {
    shown_start = d.span.begin > line_start + kBefore ? d.span.begin - kBefore : line_start;
    while (shown_start > line_start &&
           (static_cast<unsigned char>(full[shown_start]) & 0xC0) == 0x80)
      --shown_start;
    uint32_t shown_end = std::min(line_end, shown_start + kWidth);
    while (shown_end < line_end && (static_cast<unsigned char>(full[shown_end]) & 0xC0) == 0x80)
      ++shown_end;
    if (shown_start > line_start)
      prefix = "...";
    if (shown_end < line_end)
      suffix = "...";
    line = full.substr(shown_start, shown_end - shown_start);
  }
  fmt::format_to(put, " {} | {}{}{}\n", number, prefix, PrintableColumns(ExpandTabs(line)), suffix);
  // Caret under the span, clipped to the shown part of its first line.
  const size_t indent =
      prefix.size() + DisplayWidth(full.substr(shown_start, d.span.begin - shown_start));
  const uint32_t shown_line_end = shown_start + static_cast<uint32_t>(line.size());
  const uint32_t span_end = std::min(std::max(d.span.end, d.span.begin), shown_line_end);
  size_t width = span_end > d.span.begin
                     ? DisplayWidth(full.substr(d.span.begin, span_end - d.span.begin))
                     : 0;
  if (width == 0)
    width = 1;
  fmt::format_to(put, " {} | {:{}}{}^{:~<{}}{}\n", gutter, "", indent, sev_color, "", width - 1,
                 reset);
  for (const Label& label : d.labels) {
    const SourceFile& lf = sources.file(label.span.file);
    const Location ll = lf.LocationOf(label.span.begin);
    fmt::format_to(put, " {} = note: {} ({}:{}:{})\n", gutter, Printable(label.text),
                   Printable(lf.path()), ll.line, ll.column);
  }
  if (!d.help.empty())
    fmt::format_to(put, " {} = help: {}\n", gutter, Printable(d.help));
  return out;
}

std::string RenderAll(const DiagnosticSink& sink, const SourceMap& sources, bool color) {
  std::string out;
  for (const Diagnostic& d : sink.Sorted())
    out += Render(d, sources, color);
  return out;
}

}  // namespace relgate
