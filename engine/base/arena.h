// A bump allocator for Values and string bytes. Memory is released only by Reset() or
// destruction; Reset() keeps the largest block so that a Scratch reused across releases
// stops allocating after the first few evaluations. Not thread-safe: one per thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/base/value.h"

namespace relgate {

class Arena {
 public:
  explicit Arena(size_t block_bytes = 64 * 1024) : block_bytes_(block_bytes) {}

  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Uninitialised storage for `count` Values.
  Value* AllocValues(size_t count) {
    return static_cast<Value*>(Allocate(count * sizeof(Value), alignof(Value)));
  }

  char* AllocChars(size_t count) { return static_cast<char*>(Allocate(count, 1)); }

  std::string_view CopyString(std::string_view text);
  // Throws BudgetExceeded (base/budget.h) past the limit.
  void* Allocate(size_t bytes, size_t align);
  void Reset();

  size_t bytes_allocated() const { return total_; }

  // Bytes that may be allocated between two Resets; 0 = no limit.
  void set_limit(size_t bytes) { limit_ = bytes; }

 private:
  struct Block {
    std::unique_ptr<std::byte[]> data;
    size_t size;
  };

  std::vector<Block> blocks_;
  size_t used_ = 0;  // in the last block
  size_t total_ = 0;
  size_t block_bytes_;
  size_t limit_ = 0;
};

}  // namespace relgate
