# Shared helpers for the integration tests (sourced).
# Environment from the Makefile: top_srcdir, top_builddir, HMAPCORE.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${HMAPCORE:=$top_srcdir/hmapcore}"

PASS=0
FAIL=0

# Tests never ask a debuginfod server for a stripped fixture's debug file.
unset DEBUGINFOD_URLS

# Every fixture folder (corefiles/<config>/<program>) that has a core.
# HC_FIXTURE_CONFIGS (a glob, default go*) narrows the configurations, e.g.
# HC_FIXTURE_CONFIGS='*-arm64' make check TESTS=tests/integration/maps.sh.
# Configurations ending in -stripped (-ldflags=-s -w: no symbols, no DWARF)
# are in: every test runs on them; what they cannot give (maps by name,
# labels) is asserted by stripped.sh, and tests skip those checks with
# is_stripped.
# HC_FIXTURE_SAMPLE=N keeps every N-th configuration of each program (the
# first, the N+1-th, ...), so that every program stays in: the sanitizer
# pass of .ci/run runs the integration tests on such a sample.
fixtures() {
	for d in "$top_srcdir"/corefiles/${HC_FIXTURE_CONFIGS:-go*}/*/; do
		[ -f "$d/core.xz" ] && [ -f "$d/manifest.json" ] && echo "${d%/}"
	done | awk -F/ -v n="${HC_FIXTURE_SAMPLE:-1}" '(seen[$NF]++ % n) == 0'
}

# is_stripped DIR: the fixture's executable was built without DWARF.
is_stripped() {
	case $1 in *-stripped/*) return 0 ;; esac
	return 1
}

# is_signal_dump MANIFEST: the program was killed by a signal sent from
# outside that nothing panicked on (sigquit: "SIGQUIT: quit"): crash.kind
# signal without a crashing goroutine (segv's signal became a panic).
is_signal_dump() {
	[ "$(jq -r '.crash.kind + " " + (.crash.goroutine | tostring)' "$1")" = "signal null" ]
}

ok() { PASS=$((PASS + 1)); }

bad() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $*" >&2
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi
}

# The distinct goroutine ids (not 0) in a runtime traceback, one a line.
traceback_goids() {
	sed -n 's/^goroutine \([0-9][0-9]*\)\( gp=[^[]*\)\{0,1\} \[.*/\1/p' "$1" |
		grep -v '^0$' | sort -un
}

# The first goroutine the runtime printed (the one that crashed).
traceback_first_goid() {
	sed -n 's/^goroutine \([0-9][0-9]*\)\( gp=[^[]*\)\{0,1\} \[.*/\1/p' "$1" |
		grep -v '^0$' | head -n 1
}

# Goroutines the runtime printed as [running] with a stack of their own: the
# ones that died (when two writers race, both may call fatal and both print).
traceback_crashed_goids() {
	awk '/^goroutine [0-9]+ .*\[running\]:$/ { id = $2; next }
	     id != "" { if ($0 !~ /stack unavailable/) print id; id = "" }' "$1" |
		grep -v '^0$' | sort -un
}

# escape_ctl: stdin to stdout with every control byte but tab and newline
# written as hmapcore writes it ("\x1b"): hmapcore never prints a control
# byte from the core, so an oracle that holds raw ones is compared escaped.
escape_ctl() {
	LC_ALL=C sed "$(for b in 01 02 03 04 05 06 07 08 0b 0c 0d 0e 0f 10 11 12 13 14 15 \
		16 17 18 19 1a 1b 1c 1d 1e 1f 7f; do printf 's/\\x%s/\\\\x%s/g;' "$b" "$b"; done)"
}

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}

# layout_verified RELEASE EXPERIMENTS: corefiles/layouts.txt lists the
# release (go1.N.P) built with that GOEXPERIMENT set (sorted, comma-
# separated; "" for none): hmapcore has a table verified for it.
layout_verified() {
	grep -q "^$1 ${2:--} " "$top_srcdir/corefiles/layouts.txt"
}

# table_holds SOURCE RELEASE: SOURCE ("built-in table for go1.N.A[-go1.N.B]
# [+EXP]") is a table whose range of releases holds RELEASE.
table_holds() {
	_r=${1#built-in table for }
	[ "$_r" != "$1" ] || return 1
	_r=${_r%%+*}
	case $_r in "go1.$(echo "$2" | cut -d. -f2)."*) ;; *) return 1 ;; esac
	_p=$(echo "$2" | cut -d. -f3)
	[ "$(echo "${_r%%-*}" | cut -d. -f3)" -le "$_p" ] &&
		[ "$_p" -le "$(echo "${_r##*-}" | cut -d. -f3)" ]
}
