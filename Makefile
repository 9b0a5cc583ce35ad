# Thin wrapper over CMake. `make demo` and `make test` set up a fresh Debian machine themselves.
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all setup configure build demo test test-sanitize test-werror test-mpi bench clean \
	fuzz-build fuzz-ci fuzz

all: build

setup:
	@sh tools/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# A newcomer's first command: one line per stage, then the table. What the stages print goes to
# $(DEMO_LOG), shown only when a stage fails.
DEMO_LOG = $(BUILD)/demo.log
DEMO_STAGE = >>$(DEMO_LOG) 2>&1 || { cat $(DEMO_LOG); echo "demo: failed (log: $(DEMO_LOG))"; exit 1; }
demo:
	@mkdir -p $(BUILD) && : >$(DEMO_LOG)
	@echo "demo: checking the packages the build needs (tools/setup.sh installs any missing)"
	@sh tools/setup.sh $(DEMO_STAGE)
	@echo "demo: configuring $(BUILD)/"
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) $(DEMO_STAGE)
	@echo "demo: building (a few minutes the first time)"
	@cmake --build $(BUILD) -j $(JOBS) $(DEMO_STAGE)
	@echo "demo: running the built-in scenario, the 101-92 morning: ./$(BUILD)/lanesim run"
	@./$(BUILD)/lanesim run

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

# Sweeps over MPI (Open MPI from Debian) in their own build tree, without the viewer to keep it
# quick: `mpirun -n 2 lanesim sweep` against the threaded sweep, and the sweep tests.
MPI_BUILD ?= build-mpi
test-mpi:
	@LANESIM_EXTRA_PKGS="openmpi-bin libopenmpi-dev" sh tools/setup.sh
	@cmake -S . -B $(MPI_BUILD) -DCMAKE_BUILD_TYPE=Release -DLANESIM_MPI=ON \
		-DLANESIM_VIEW=OFF >/dev/null
	@cmake --build $(MPI_BUILD) -j $(JOBS)
	cd $(MPI_BUILD) && ctest --output-on-failure -R sweep

bench: build
	./$(BUILD)/lanesim bench

# The pictures in README.md and docs/viewer.md, drawn by `lanesim view --screenshot` with SDL's
# offscreen driver (no display needed). tests/test_view.c runs the same script.
.PHONY: screenshots
screenshots: build
	sh tools/screenshots.sh ./$(BUILD)/lanesim docs/images

# The fuzz targets (clang's libFuzzer with ASan + UBSan) in their own build tree, one process at
# a time: `make fuzz-ci` is CI's bounded run (a fixed number of inputs from a fixed seed, about
# a minute whatever the machine's speed), `make fuzz FUZZ_SECONDS=600` a long one. Findings are
# saved in $(FUZZ_BUILD)/fuzz/artifacts (docs/reliability.md).
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz-build: setup
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLANESIM_FUZZ=ON \
		-DLANESIM_TESTS=OFF -DLANESIM_VIEW=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz-ci: fuzz-build
	FUZZ_RUNS=150000 sh tests/fuzz/run.sh $(FUZZ_BUILD) 120 loader
	FUZZ_RUNS=6000 sh tests/fuzz/run.sh $(FUZZ_BUILD) 120 set
	FUZZ_RUNS=20000 sh tests/fuzz/run.sh $(FUZZ_BUILD) 60 grid

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) loader set grid

clean:
	rm -rf $(BUILD) build-asan build-werror $(MPI_BUILD) $(FUZZ_BUILD)
