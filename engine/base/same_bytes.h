// Whether two runs of bytes are the same, without a call. The strings rules compare are
// short — user names, package names, digests, patterns such as `sha512-` — and a call to
// memcmp (through the PLT) cost more than the compare itself in profiles of evaluation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace relgate {

inline bool SameBytes(const char* x, const char* y, size_t size) {
  size_t k = 0;
  for (; k + 8 <= size; k += 8) {
    uint64_t a, b;
    std::memcpy(&a, x + k, 8);
    std::memcpy(&b, y + k, 8);
    if (a != b)
      return false;
  }
  for (; k < size; ++k) {
    if (x[k] != y[k])
      return false;
  }
  return true;
}

}  // namespace relgate
