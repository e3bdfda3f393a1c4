# A thin layer over CMake.
#   make run     install what is missing, build, run the daemon on feeds.conf
#   make test    build with sanitizers and run the whole test suite
#   make bench   the benchmark suite: installs the peers, builds its own
#                optimised tree in bench/out, prints the table (bench/README.md)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 20
CONF ?= feeds.conf

.PHONY: all deps test-deps run test unit fuzz bench man clean

all: build/earshot

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

build/earshot: deps FORCE
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DES_TESTS=OFF >/dev/null
	@cmake --build build -j $(JOBS)

run: build/earshot
	./build/earshot -c $(CONF) run

# The whole suite: unit and integration tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, then every fuzz target briefly on its seeds.
test: unit fuzz

unit: test-deps
	@cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DES_SANITIZE=ON >/dev/null
	@cmake --build build-test -j $(JOBS)
	cd build-test && ctest --output-on-failure -j $(JOBS)

fuzz: test-deps
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DES_FUZZ=ON \
		-DES_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	cd build-fuzz && ctest --output-on-failure -L fuzz -j $(JOBS)

bench:
	bench/run

man: build/earshot
	@cmake --build build --target man

clean:
	rm -rf build build-test build-fuzz

FORCE:
