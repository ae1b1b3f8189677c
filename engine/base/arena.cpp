#include "engine/base/arena.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "engine/base/budget.h"

namespace relgate {

void* Arena::Allocate(size_t bytes, size_t align) {
  if (bytes == 0)
    bytes = 1;
  if (limit_ != 0 && (bytes > limit_ || total_ > limit_ - bytes)) {
    throw BudgetExceeded(
        fmt::format("evaluation stopped: its temporary values would need more than {} MiB, the "
                    "memory budget of one decision",
                    limit_ >> 20));
  }
  if (!blocks_.empty()) {
    Block& block = blocks_.back();
    const size_t start = (used_ + align - 1) & ~(align - 1);
    if (start + bytes <= block.size) {
      used_ = start + bytes;
      total_ += bytes;
      return block.data.get() + start;
    }
  }
  const size_t size = std::max(block_bytes_, bytes + align);
  // `new T[n]` without `()`: default-initialised, not zero-filled (make_unique would
  // zero every block, which showed up as memset in per-release profiles).
  blocks_.push_back({std::unique_ptr<std::byte[]>(new std::byte[size]), size});
  const uintptr_t base = reinterpret_cast<uintptr_t>(blocks_.back().data.get());
  const size_t start = ((base + align - 1) & ~(uintptr_t{align} - 1)) - base;
  used_ = start + bytes;
  total_ += bytes;
  return blocks_.back().data.get() + start;
}

std::string_view Arena::CopyString(std::string_view text) {
  char* out = AllocChars(text.size());
  if (!text.empty())
    std::memcpy(out, text.data(), text.size());
  return std::string_view(out, text.size());
}

void Arena::Reset() {
  if (blocks_.size() > 1) {
    // Keep the largest block only.
    auto largest = std::max_element(blocks_.begin(), blocks_.end(),
                                    [](const Block& a, const Block& b) { return a.size < b.size; });
    Block keep = std::move(*largest);
    blocks_.clear();
    blocks_.push_back(std::move(keep));
  }
  used_ = 0;
  total_ = 0;
}

}  // namespace relgate
