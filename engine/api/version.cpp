// relgate::Version() of the public header: the version this library was built as.
#include "engine/base/version.h"

#include "include/relgate/relgate.h"

namespace relgate {

const char* Version() {
  return kRelgateVersion;
}

}  // namespace relgate
