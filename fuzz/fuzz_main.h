// Every fuzz target defines LLVMFuzzerTestOneInput. Built with RELGATE_FUZZ (clang), it
// links libFuzzer; otherwise replay_main.cpp runs each file of the committed corpus once,
// so that every input that ever crashed or hung is a regression test in ctest.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
