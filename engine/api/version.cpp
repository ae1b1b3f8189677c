// Apart from relgate_api.cpp: base/version.h's kVersion and base/value.h's
// ValueKind::kVersion cannot meet in one translation unit under -Wshadow.
#include "engine/base/version.h"

#include "include/relgate/relgate.h"

namespace relgate {

const char* Version() {
  return kVersion;
}

}  // namespace relgate
