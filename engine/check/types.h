// The checker's names for the language's types (engine/types/types.h), so that the
// checker writes `Type` and `TypeKind` as before the types moved below it.
#pragma once

#include "engine/types/types.h"

namespace relgate::check {

using types::Assignable;
using types::Field;
using types::kPreviousFact;
using types::SameType;
using types::Type;
using types::TypeArena;
using types::TypeKind;
using types::TypeName;

}  // namespace relgate::check
