# uaknn: build, install and test the extension.
#
#   make            build the extension (release, Swift stdlib linked statically)
#                   and the offline evaluator uaknn-eval
#   make install    install into the PostgreSQL that PG_CONFIG names
#   make check      every test: Swift unit tests, the evaluator's end-to-end
#                   check, then pg_regress, isolation and TAP tests against
#                   throwaway clusters
#   make demo       the main job: SJAFFE in a throwaway cluster, end to end
#   make bench      the benchmarks (print figures; no timing asserts)

PG_CONFIG ?= pg_config
PGINC      = $(shell $(PG_CONFIG) --includedir-server)
PKGLIBDIR  = $(shell $(PG_CONFIG) --pkglibdir)
SHAREDIR   = $(shell $(PG_CONFIG) --sharedir)
BINDIR     = $(shell $(PG_CONFIG) --bindir)
PGXS_TEST  = $(PKGLIBDIR)/pgxs/src/test

SWIFT       ?= swift
SWIFT_FLAGS  = -Xcc -I$(PGINC)
# The CPU the release build targets. By default, haswell (AVX2) when the
# build machine has AVX2 and FMA: the batch kernels run about twice as fast.
# A library built so crashes (SIGILL) on an older CPU: build with
# SWIFT_CPU= (empty, the x86-64 baseline) for machines other than this one.
SWIFT_CPU   ?= $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo && echo haswell)
# With a CPU target the kernels also use fused multiply-adds (UAKNN_FMA):
# results then differ from a baseline build's in the last bits.
RELEASE_FLAGS = -c release $(if $(SWIFT_CPU),-Xswiftc -target-cpu -Xswiftc $(SWIFT_CPU) -Xswiftc -DUAKNN_FMA)
RELEASE_LIB  = .build/release/libuaknn.so
EXT_FILES    = extension/uaknn.control $(wildcard sql/uaknn--*.sql)

REGRESS_SCHEDULE = Tests/regress/schedule
ISOLATION   = $(sort $(basename $(notdir $(wildcard Tests/isolation/specs/*.spec))))
TMP         = .build/test-output

export PG_CONFIG

.PHONY: all setup build library evaluator install uninstall unit evalcheck installcheck isolationcheck tapcheck \
        integration check demo bench clean

all: build

setup:
	@scripts/setup.sh

build: library evaluator

library: setup
	$(SWIFT) build $(RELEASE_FLAGS) --product uaknn -Xswiftc -static-stdlib $(SWIFT_FLAGS)

evaluator: setup
	$(SWIFT) build $(RELEASE_FLAGS) --product uaknn-eval $(SWIFT_FLAGS)

install: library
	scripts/install.sh $(RELEASE_LIB) $(EXT_FILES)

uninstall:
	rm -f $(PKGLIBDIR)/uaknn.so $(SHAREDIR)/extension/uaknn.control $(SHAREDIR)/extension/uaknn--*.sql

unit: setup
	$(SWIFT) test $(SWIFT_FLAGS)

# The offline evaluator, end to end on SJAFFE (the release binary of `build`).
evalcheck: evaluator
	UAKNN_EVAL=$(CURDIR)/.build/release/uaknn-eval Tests/eval/check.sh

# The next three need a running server: PGHOST/PGPORT (scripts/cluster.sh sets them).
installcheck:
	@rm -rf $(TMP)/regress && mkdir -p $(TMP)/regress
	$(PGXS_TEST)/regress/pg_regress --bindir=$(BINDIR) --inputdir=Tests/regress \
	    --outputdir=$(TMP)/regress --dbname=uaknn_regress --schedule=$(REGRESS_SCHEDULE) \
	    || { cat $(TMP)/regress/regression.diffs; exit 1; }

isolationcheck:
	@rm -rf $(TMP)/isolation && mkdir -p $(TMP)/isolation
	$(if $(ISOLATION),$(PGXS_TEST)/isolation/pg_isolation_regress --bindir=$(BINDIR) \
	    --inputdir=Tests/isolation --outputdir=$(TMP)/isolation --dbname=uaknn_isolation \
	    $(ISOLATION) || { cat $(TMP)/isolation/regression.diffs; exit 1; },@echo "no isolation tests")

# TAP tests start clusters of their own (PostgreSQL::Test::Cluster).
tapcheck:
	scripts/tap.sh

integration:
	scripts/cluster.sh $(MAKE) --no-print-directory installcheck isolationcheck

check: install unit evalcheck integration tapcheck
	@echo "all tests passed"

demo: install
	scripts/cluster.sh $(if $(KEEP),--keep) scripts/demo.sh

bench: install evaluator
	scripts/cluster.sh scripts/bench.sh

clean:
	rm -rf .build
