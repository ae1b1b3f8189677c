# make demo   install what is missing, build, and decide the shipped example releases
# make test   install what is missing, build, and run the whole test suite (ctest)
# make bench  build with Google Benchmark and run bench/ (reads ../shared/workload if present)
BUILD ?= build
JOBS ?= 2

.PHONY: demo test deps configure compile compile-cli bench format clean

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

format:
	clang-format -i --style=file $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) build-bench
