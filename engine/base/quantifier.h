// How a quantifier combines its body over a list: `all`, `any`, `none`, `count`. Its own
// header so that the compiled program (engine/compile/node.h) names it without the
// syntax tree's header.
#pragma once

namespace relgate {

enum class Quantifier { kAll, kAny, kNone, kCount };

}  // namespace relgate
