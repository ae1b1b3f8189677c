// Long chains: lets that use lets, consts that use consts, `and` chains of lets, in any
// declaration order. Every stage that recurses (checker, cost bound, compiler with and
// without folding, evaluator, explanations) is bounded by limits::kMaxNestingDepth,
// checked at compile time: at the bound a policy compiles and decides, one past it is a
// `too-deep` error, and far past it (20,000 and 30,000 lets) nothing crashes.
#include <algorithm>

#include <doctest/doctest.h>

#include "tests/test_util.h"

namespace relgate {
namespace {

using testing::CompileSource;

enum class Order { kForward, kReverse };

// `let l0 = release.ok`, `let lK = <step>(l(K-1))`, and a rule over the last one.
std::string LetChain(int lets, const std::string& step, Order order,
                     const std::string& keyword = "let") {
  std::vector<std::string> lines;
  lines.push_back(keyword + " l0 = " + (keyword == "let" ? "release.ok" : "true"));
  for (int k = 1; k < lets; ++k) {
    std::string prev = "l" + std::to_string(k - 1);
    std::string value = step;
    for (size_t at; (at = value.find("$")) != std::string::npos;)
      value.replace(at, 1, prev);
    lines.push_back(keyword + " l" + std::to_string(k) + " = " + value);
  }
  if (order == Order::kReverse)
    std::reverse(lines.begin(), lines.end());
  std::string text = "facts { release: { ok: bool } }\n";
  for (const std::string& line : lines)
    text += line + "\n";
  return text + "deny r \"no\": l" + std::to_string(lets - 1) + "\n";
}

// `release.ok` is two levels, each let that names the one before adds one (the name is
// the let's whole value), and the rule's reference one: 998 lets reach exactly 1000.
constexpr int kLongestChain = static_cast<int>(limits::kMaxNestingDepth) - 2;

TEST_CASE("a chain of lets at the nesting bound compiles and decides, one more is too deep") {
  for (Order order : {Order::kForward, Order::kReverse}) {
    for (bool fold : {true, false}) {
      CAPTURE(static_cast<int>(order));
      CAPTURE(fold);
      auto at = CompileSource(LetChain(kLongestChain, "$", order), {fold});
      INFO(at->diagnostics);
      REQUIRE(at->program != nullptr);
      CHECK(testing::DecideText(*at->program, "release: {ok: true}\n").verdict ==
            eval::Verdict::kOpen);
      // Failing, so the explanation walks the chain too.
      const eval::Decision shut = testing::DecideText(*at->program, "release: {ok: false}\n");
      CHECK(shut.verdict == eval::Verdict::kShut);
      auto past = CompileSource(LetChain(kLongestChain + 1, "$", order), {fold});
      CHECK(past->program == nullptr);
      CHECK(past->HasCode("too-deep"));
      CHECK(past->sink.diagnostics().size() == 1);
      CHECK(past->diagnostics.find("levels deep, counting the lets and consts it uses; the "
                                   "limit is 1000") != std::string::npos);
    }
  }
}

TEST_CASE("chains far past the bound are errors, not crashes, in every shape") {
  struct Shape {
    int lets;
    const char* step;
    const char* keyword;
  } shapes[] = {
      {20000, "$", "let"},      {30000, "$ and $", "let"}, {20000, "not $", "let"},
      {20000, "[$][0]", "let"}, {20000, "$", "const"},     {20000, "$ or false", "const"},
  };

  // Each shape in both declaration orders; folding alternates (the checker stops these
  // before the compiler, which the bound test above covers both ways).
  bool fold = true;
  for (const Shape& shape : shapes) {
    for (Order order : {Order::kForward, Order::kReverse}) {
      CAPTURE(shape.step);
      CAPTURE(shape.keyword);
      CAPTURE(fold);
      auto c = CompileSource(LetChain(shape.lets, shape.step, order, shape.keyword), {fold});
      CHECK(c->program == nullptr);
      CHECK(c->HasCode("too-deep"));
      fold = !fold;
    }
  }
}

TEST_CASE("a deep expression over a deep let crosses the bound together") {
  // 800 lets are fine alone, and so are 200 `and`s; the `and`s over the lets are not.
  const std::string policy = LetChain(800, "$", Order::kForward);
  auto alone = CompileSource(policy);
  REQUIRE(alone->program != nullptr);
  std::string wrapped = policy.substr(0, policy.rfind("deny")) + "deny r \"no\": l799";
  for (int k = 0; k < 200; ++k)
    wrapped += " and true";
  auto deep = CompileSource(wrapped + "\n");
  CHECK(deep->program == nullptr);
  CHECK(deep->HasCode("too-deep"));
}

}  // namespace
}  // namespace relgate
