#include "engine/facts/json_locate.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace relgate::facts::internal {
namespace {

class Locator {
 public:
  explicit Locator(std::string_view text) : t_(text) {}

  JsonSyntaxError Run() {
    SkipSpace();
    if (!Value())
      return error_;
    SkipSpace();
    if (p_ != t_.size())
      return Fail("end of input after the document");
    return {};
  }

 private:
  JsonSyntaxError Fail(const char* expected) {
    error_ = {p_, expected};
    return error_;
  }

  bool FailBool(const char* expected) {
    Fail(expected);
    return false;
  }

  void SkipSpace() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\n' || t_[p_] == '\r'))
      ++p_;
  }

  bool Literal(std::string_view word) {
    if (t_.substr(p_, word.size()) != word)
      return FailBool("a value");
    p_ += word.size();
    return true;
  }

  bool String() {
    ++p_;  // opening quote
    while (p_ < t_.size()) {
      const unsigned char c = static_cast<unsigned char>(t_[p_]);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20)
        return FailBool("a control character to be escaped");
      if (c == '\\') {
        ++p_;
        if (p_ >= t_.size())
          break;
        const char e = t_[p_];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k) {
            if (p_ + k >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[p_ + k]))) {
              p_ += k;
              return FailBool("four hex digits after \\u");
            }
          }
          p_ += 4;
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return FailBool("a valid escape");
        }
      }
      ++p_;
    }
    return FailBool("a closing `\"`");
  }

  bool Number() {
    const size_t start = p_;
    if (t_[p_] == '-')
      ++p_;
    if (p_ < t_.size() && t_[p_] == '0') {
      ++p_;
    } else if (p_ < t_.size() && t_[p_] >= '1' && t_[p_] <= '9') {
      while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_])))
        ++p_;
    } else {
      p_ = start;
      return FailBool("a value");
    }
    if (p_ < t_.size() && t_[p_] == '.') {
      ++p_;
      if (p_ >= t_.size() || !std::isdigit(static_cast<unsigned char>(t_[p_])))
        return FailBool("a digit after `.`");
      while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_])))
        ++p_;
    }
    if (p_ < t_.size() && (t_[p_] == 'e' || t_[p_] == 'E')) {
      ++p_;
      if (p_ < t_.size() && (t_[p_] == '+' || t_[p_] == '-'))
        ++p_;
      if (p_ >= t_.size() || !std::isdigit(static_cast<unsigned char>(t_[p_])))
        return FailBool("a digit in the exponent");
      while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_])))
        ++p_;
    }
    return true;
  }

  // A value, with arrays and objects handled by an explicit stack.
  bool Value() {
    std::vector<char> stack;  // '[' or '{'
    for (;;) {
      SkipSpace();
      if (p_ >= t_.size())
        return FailBool("a value");
      const char c = t_[p_];
      if (c == '{' || c == '[') {
        stack.push_back(c);
        ++p_;
        SkipSpace();
        if (p_ < t_.size() && t_[p_] == (c == '{' ? '}' : ']')) {
          ++p_;
          stack.pop_back();
        } else if (c == '{') {
          if (!Key())
            return false;
          continue;
        } else {
          continue;
        }
      } else if (c == '"') {
        if (!String())
          return false;
      } else if (c == 't') {
        if (!Literal("true"))
          return false;
      } else if (c == 'f') {
        if (!Literal("false"))
          return false;
      } else if (c == 'n') {
        if (!Literal("null"))
          return false;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        if (!Number())
          return false;
      } else {
        return FailBool("a value");
      }
      // After a complete value: close containers or continue with `,`.
      for (;;) {
        if (stack.empty())
          return true;
        SkipSpace();
        const char close = stack.back() == '{' ? '}' : ']';
        if (p_ < t_.size() && t_[p_] == ',') {
          ++p_;
          if (stack.back() == '{' && !Key())
            return false;
          break;
        }
        if (p_ < t_.size() && t_[p_] == close) {
          ++p_;
          stack.pop_back();
          continue;
        }
        return FailBool(close == '}' ? "`,` or `}`" : "`,` or `]`");
      }
    }
  }

  // A key and its colon.
  bool Key() {
    SkipSpace();
    if (p_ >= t_.size() || t_[p_] != '"')
      return FailBool("a key in double quotes");
    if (!String())
      return false;
    SkipSpace();
    if (p_ >= t_.size() || t_[p_] != ':')
      return FailBool("`:`");
    ++p_;
    return true;
  }

  std::string_view t_;
  size_t p_ = 0;
  JsonSyntaxError error_;
};

}  // namespace

JsonSyntaxError LocateJsonSyntaxError(std::string_view text) {
  return Locator(text).Run();
}

size_t FindBadJsonNumber(std::string_view text, std::string& token) {
  bool in_string = false;
  for (size_t p = 0; p < text.size(); ++p) {
    const char c = text[p];
    if (in_string) {
      if (c == '\\')
        ++p;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && !std::isdigit(static_cast<unsigned char>(c)))
      continue;
    size_t end = p + 1;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
            text[end] == 'e' || text[end] == 'E' || text[end] == '+' || text[end] == '-')) {
      ++end;
    }
    const std::string number(text.substr(p, end - p));
    const bool integer = number.find_first_of(".eE") == std::string::npos;
    errno = 0;
    bool bad;
    if (integer) {
      (void)std::strtoll(number.c_str(), nullptr, 10);
      bad = errno == ERANGE && number[0] == '-';
    } else {
      bad = !std::isfinite(std::strtod(number.c_str(), nullptr));
    }
    if (bad) {
      token = number;
      return p;
    }
    p = end - 1;
  }
  return std::string_view::npos;
}

}  // namespace relgate::facts::internal
