# uaknn: build, install and test the extension.
#
#   make              build the extension (release, Swift stdlib linked statically)
#                     and the offline evaluator uaknn-eval; installs nothing
#   make install      install into the PostgreSQL that PG_CONFIG names; honours
#                     DESTDIR (make install DESTDIR=/tmp/stage stages the files)
#   make installcheck pg_regress and isolation tests against a running server
#                     (PGHOST, PGPORT, PGUSER as usual), as PGXS extensions do
#   make setup        install the build and test dependencies (OS packages; may
#                     use sudo): the only target that installs software
#   make check        every test (setup first): Swift unit tests, the evaluator's
#                     check, then pg_regress, isolation and TAP tests against
#                     throwaway clusters of a temporary installation
#   make demo         the main job (setup first): SJAFFE in a throwaway cluster
#   make bench        the benchmarks (print figures; no timing asserts)
#
# check, demo and bench never touch the PostgreSQL installation: they copy
# it (the server's bin, lib and share directories, about 60 MB) into
# TEMP_INSTALL and stage the extension there with DESTDIR, as PostgreSQL's
# own "make check" runs against a temporary installation.

PG_CONFIG ?= pg_config
PGINC      = $(shell $(PG_CONFIG) --includedir-server)
PKGLIBDIR  = $(shell $(PG_CONFIG) --pkglibdir)
SHAREDIR   = $(shell $(PG_CONFIG) --sharedir)
BINDIR     = $(shell $(PG_CONFIG) --bindir)

# The version is written once, in the control file.
EXTENSION  = uaknn
EXTVERSION = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" extension/$(EXTENSION).control)
# sql/ holds the first release's script and one upgrade script per release;
# the current release's full script is assembled from them (so a fresh
# install and an upgraded one run the same statements).
SQL_SOURCES = $(wildcard sql/$(EXTENSION)--*.sql)
FULL_SQL    = .build/sql/$(EXTENSION)--$(EXTVERSION).sql
EXT_FILES   = extension/$(EXTENSION).control $(SQL_SOURCES) $(FULL_SQL)

SWIFT       ?= swift
SWIFT_FLAGS  = -Xcc -I$(PGINC)
# The CPU the release build targets. By default, haswell (AVX2) when the
# build machine has AVX2 and FMA: the batch kernels run about twice as fast.
# A library built so crashes (SIGILL) on an older CPU: build with
# SWIFT_CPU= (empty, the x86-64 baseline) for machines other than this one,
# and for packages.
SWIFT_CPU   ?= $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo && echo haswell)
# With a CPU target the kernels also use fused multiply-adds (UAKNN_FMA):
# results then differ from a baseline build's in the last bits.
RELEASE_FLAGS = -c release $(if $(SWIFT_CPU),-Xswiftc -target-cpu -Xswiftc $(SWIFT_CPU) -Xswiftc -DUAKNN_FMA)
RELEASE_LIB  = .build/release/lib$(EXTENSION).so
EVALUATOR    = .build/release/uaknn-eval

# The temporary installation of check, demo and bench: outside the source
# tree, so that the postgres user (which runs the servers when make runs as
# root) can read it wherever the tree is.
TEMP_INSTALL ?= $(or $(TMPDIR),/tmp)/uaknn-install-$(shell id -u)-$(shell printf %s "$(CURDIR)" | cksum | cut -d' ' -f1)
TEMP_PG_CONFIG = $(TEMP_INSTALL)$(BINDIR)/pg_config

REGRESS_SCHEDULE = Tests/regress/schedule
ISOLATION   = $(sort $(basename $(notdir $(wildcard Tests/isolation/specs/*.spec))))
TMP         = .build/test-output

.PHONY: all setup headers library evaluator sql install uninstall temp-install unit evalcheck \
        installcheck regresscheck isolationcheck tapcheck integration consistency check demo bench clean

all: library evaluator

setup:
	@scripts/setup.sh

headers:
	@test -f "$(PGINC)/postgres.h" || { echo "PostgreSQL server headers not found in $(PGINC) (PG_CONFIG=$(PG_CONFIG)); make setup installs them" >&2; exit 1; }

library: headers
	$(SWIFT) build $(RELEASE_FLAGS) --product $(EXTENSION) -Xswiftc -static-stdlib $(SWIFT_FLAGS)

evaluator: headers
	$(SWIFT) build $(RELEASE_FLAGS) --product uaknn-eval $(SWIFT_FLAGS)

sql: $(FULL_SQL)

$(FULL_SQL): $(SQL_SOURCES) extension/$(EXTENSION).control scripts/assemble-sql.sh
	@mkdir -p $(dir $@)
	scripts/assemble-sql.sh $(EXTVERSION) $(SQL_SOURCES) > $@.tmp && mv $@.tmp $@

install: library sql
	install -d "$(DESTDIR)$(PKGLIBDIR)" "$(DESTDIR)$(SHAREDIR)/extension"
	install -m 755 $(RELEASE_LIB) "$(DESTDIR)$(PKGLIBDIR)/$(EXTENSION).so"
	install -m 644 $(EXT_FILES) "$(DESTDIR)$(SHAREDIR)/extension/"

uninstall:
	rm -f "$(DESTDIR)$(PKGLIBDIR)/$(EXTENSION).so" "$(DESTDIR)$(SHAREDIR)/extension/$(EXTENSION).control" \
	      "$(DESTDIR)$(SHAREDIR)"/extension/$(EXTENSION)--*.sql

# A copy of the server's installation with the extension staged into it.
temp-install: library sql
	scripts/temp-install.sh "$(TEMP_INSTALL)"
	$(MAKE) --no-print-directory install DESTDIR="$(TEMP_INSTALL)"

unit: headers
	$(SWIFT) test $(SWIFT_FLAGS)

# The offline evaluator, end to end on SJAFFE (the release binary).
evalcheck: evaluator
	UAKNN_EVAL=$(CURDIR)/$(EVALUATOR) Tests/eval/check.sh

# The version is written once: everything that repeats it must agree.
consistency: sql
	scripts/check-consistency.sh

# Against a running server (PGHOST, PGPORT, PGUSER), with the extension installed.
installcheck: regresscheck isolationcheck

regresscheck:
	@rm -rf $(TMP)/regress && mkdir -p $(TMP)/regress
	"$(PKGLIBDIR)/pgxs/src/test/regress/pg_regress" --bindir="$(BINDIR)" --inputdir=Tests/regress \
	    --outputdir=$(TMP)/regress --dbname=uaknn_regress --schedule=$(REGRESS_SCHEDULE) \
	    || { cat $(TMP)/regress/regression.diffs; exit 1; }

isolationcheck:
	@rm -rf $(TMP)/isolation && mkdir -p $(TMP)/isolation
	$(if $(ISOLATION),"$(PKGLIBDIR)/pgxs/src/test/isolation/pg_isolation_regress" --bindir="$(BINDIR)" \
	    --inputdir=Tests/isolation --outputdir=$(TMP)/isolation --dbname=uaknn_isolation \
	    $(ISOLATION) || { cat $(TMP)/isolation/regression.diffs; exit 1; },@echo "no isolation tests")

# The TAP tests start clusters of their own (PostgreSQL::Test::Cluster).
tapcheck: temp-install
	PG_CONFIG="$(TEMP_PG_CONFIG)" scripts/tap.sh

integration: temp-install
	PG_CONFIG="$(TEMP_PG_CONFIG)" scripts/cluster.sh $(MAKE) --no-print-directory installcheck PG_CONFIG="$(TEMP_PG_CONFIG)"

check: setup
	$(MAKE) --no-print-directory consistency unit evalcheck integration tapcheck
	@echo "all tests passed"

demo: setup
	$(MAKE) --no-print-directory temp-install
	PG_CONFIG="$(TEMP_PG_CONFIG)" scripts/cluster.sh $(if $(KEEP),--keep) scripts/demo.sh

bench: setup
	$(MAKE) --no-print-directory temp-install evaluator
	PG_CONFIG="$(TEMP_PG_CONFIG)" scripts/cluster.sh scripts/bench.sh $(BENCH)

clean:
	rm -rf .build "$(TEMP_INSTALL)"
