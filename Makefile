# cleangov: PGXS build.
#
# The version is written once, in cleangov.control, and read here.  The install
# script cleangov--$(EXTVERSION).sql is concatenated from the small files in
# src/sql/ (sorted by their numeric prefix), one file per feature area, with
# the rule library (src/library/<domain>/<RULE_CODE>.sql, one file per rule)
# in place of the prefix 60: after the engine (5x), before the index (7x).

EXTENSION   = cleangov
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)

MODULE_big  = $(EXTENSION)
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

SQL_SOURCES = $(sort $(wildcard src/sql/*.sql))
LIBRARY_SOURCES = $(sort $(wildcard src/library/*/*.sql))
SQL_BEFORE_LIBRARY = $(filter $(addprefix src/sql/,0% 1% 2% 3% 4% 5%),$(SQL_SOURCES))
SQL_AFTER_LIBRARY = $(filter-out $(SQL_BEFORE_LIBRARY),$(SQL_SOURCES))
DATA_built  = $(EXTENSION)--$(EXTVERSION).sql
DATA        = $(wildcard $(EXTENSION)--*--*.sql)

# pg_regress suites: sql/<name>.sql with expected/<name>.out
TESTS       = $(sort $(wildcard sql/*.sql))
REGRESS     = $(patsubst sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

PG_CONFIG  ?= pg_config
PG_CPPFLAGS += -Isrc -DCLEANGOV_VERSION='"$(EXTVERSION)"'

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(OBJS): src/cleangov.h

# The logistic pass's inner loop (the Hessian's rank-one update, O(k^2) per
# row) is vectorised with the dynamic cost model, which -O2's "very cheap"
# model refuses for loops that need an epilogue (bench/model.sh).
src/logit.o: CFLAGS += -fvect-cost-model=dynamic

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_SOURCES) $(LIBRARY_SOURCES) $(EXTENSION).control
	@printf '%s\n' '-- cleangov $(EXTVERSION): generated from src/sql/*.sql by the Makefile; do not edit.' \
		'\echo Use "CREATE EXTENSION cleangov" to load this file. \quit' > $@
	@for f in $(SQL_BEFORE_LIBRARY) $(LIBRARY_SOURCES) $(SQL_AFTER_LIBRARY); do printf '\n-- ---- %s ----\n' "$$f"; cat "$$f"; done >> $@

.PHONY: version prove
version:
	@echo $(EXTVERSION)

# pgTAP suites (test/pgtap/*.sql), run by pg_prove against $PG* of the caller.
prove:
	pg_prove --ext .sql -v --failures test/pgtap/ 
