# Thin wrapper over CMake. `make demo` and `make test` set up a fresh Debian machine themselves.
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all setup configure build demo test test-sanitize test-werror bench clean

all: build

setup:
	@sh tools/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/lanesim run

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build tree.
test-sanitize: setup
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLANESIM_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS)

# A warnings-as-errors build (what CI requires of every commit).
test-werror: setup
	@cmake -S . -B build-werror -DLANESIM_WERROR=ON -DLANESIM_TESTS=ON >/dev/null
	@cmake --build build-werror -j $(JOBS)

bench: build
	./$(BUILD)/lanesim bench

clean:
	rm -rf $(BUILD) build-asan build-werror
