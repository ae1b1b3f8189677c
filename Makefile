# make demo   install what is missing, build, and decide the shipped example releases
# make test   install what is missing, build, and run the whole test suite (ctest)
# make bench  build with Google Benchmark and run bench/ (reads ../shared/workload if present)
# make fuzz   libFuzzer targets with ASan+UBSan, 5 minutes each (FUZZ_SECONDS)
# make sanitize  the test suite under ASan+UBSan
# make tsan   the threads test under ThreadSanitizer
# make package  the release tarball (the portable binary, man pages, docs) into dist/
# make tree-sitter  regenerate editors/tree-sitter-gate/src from its grammar.js
# make vsix   the VS Code extension (editors/vscode) as a .vsix in dist/
# make lint   clang-format layout, and text formatted with fmt in engine/ and cli/ (scripts/lint.py)
BUILD ?= build
JOBS ?= 2

.PHONY: demo test deps configure compile compile-cli bench fuzz sanitize tsan lint format clean \
  package tree-sitter vsix

demo: compile-cli
	scripts/demo.sh

test: compile
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

deps:
	scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/CMakeCache.txt ]; then \
	  cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo; fi

compile: configure
	cmake --build $(BUILD) -j$(JOBS)

compile-cli: configure
	cmake --build $(BUILD) -j$(JOBS) --target relgate

bench:
	scripts/bench.sh

# FUZZ_SECONDS per target (default 300) or FUZZ_BUDGET shared among them; FUZZ_TARGETS to
# pick some of policy yaml json eval import.
fuzz:
	scripts/fuzz.sh

# The whole test suite built with AddressSanitizer + UndefinedBehaviorSanitizer, but the
# editor grammars' tests, which run no relgate code, and the CI runner simulations (the
# action, the GitLab template, the CI examples), whose cost under ASan is packing the
# sanitized binary into tarballs and whose relgate commands the CLI tests run. Line
# tables only (-g1): a sanitizer's report needs no more, and full debug info made the
# objects a third larger. The engine as a unity build (eight sources to a translation
# unit), as in the TSan, fuzz and package builds: each is built once, from scratch, so
# parsing the headers once per eight files, not once per file, is time CI keeps.
sanitize: deps
	@if [ ! -f build-asan/CMakeCache.txt ]; then \
	  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
	    -DCMAKE_UNITY_BUILD=ON -DRELGATE_SANITIZE=ON; fi
	cmake --build build-asan -j$(JOBS)
	cd build-asan && LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j$(JOBS) \
	  -E '^(tree-sitter-grammar|vscode-extension|(action|gitlab_template|ci_examples)_tests:.*)$$'

# The threads test (one program shared by several threads) and the replay tests (a
# ThreadSanitizer relgate replaying on several threads) under ThreadSanitizer.
tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_UNITY_BUILD=ON \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DRELGATE_TSAN=ON >/dev/null
	cmake --build build-tsan -j$(JOBS) --target threads_tests replay_tests relgate
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/threads_tests
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/replay_tests

# The portable binary (everything but glibc linked in) in the release tarball, in dist/.
package:
	scripts/package.sh

# The tree-sitter parser, generated from grammar.js by Debian's tree-sitter-cli.
tree-sitter:
	cli=$$(scripts/tree-sitter-cli.sh $(BUILD)/tools/tree-sitter) && cd editors/tree-sitter-gate && \
	  rm -rf src && $$cli generate --no-bindings && $$cli --version | awk '{print $$2}' >TREE_SITTER_VERSION

# The VS Code extension, packaged with @vscode/vsce (npm ci from the committed lockfile).
vsix:
	scripts/install-deps.sh
	cd editors/vscode && npm ci --no-fund --no-audit --loglevel=error && npm run package

lint:
	RELGATE_WITH_LINT=1 scripts/install-deps.sh
	scripts/lint.py
	scripts/layers.py

format:
	clang-format -i --style=file $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) build-bench build-fuzz build-asan build-tsan build-portable dist
