#!/bin/sh
# hmapcore report over every fixture, against oracles we did not write:
#   - the JSON report validates against the shipped schema
#     (src/report/hmapcore-report-1.schema.json) with Debian's jsonschema;
#   - the crash agrees with the program's own manifest (message, the goroutine
#     that crashed or one of the racing candidates, the victim map's name and
#     address, the writers) and the goroutine count with the runtime's own
#     traceback.txt; states and groups add up to it;
#   - the exit status is the verdict (1 when findings at or above --fail-on);
#   - two runs give byte-identical output in every format;
#   - --redact leaves out every sample key of the manifest and the panic text;
#   - text has colour only on a terminal without NO_COLOR;
#   - the golden files of tests/golden/report/ (HMAPCORE_REGEN_GOLDEN=1
#     rewrites them; the tool's version is normalised);
#   - exit codes 2 and 64, --help and --version.
# Hostile strings (the hostile fixtures) are tested by hostile.sh.
. "$(dirname "$0")/lib.sh"

SCHEMA=$top_srcdir/src/report/hmapcore-report-1.schema.json
JSONSCHEMA=
for c in /usr/bin/jsonschema; do [ -x "$c" ] && JSONSCHEMA=$c; done
[ -n "$JSONSCHEMA" ] || echo "note: no /usr/bin/jsonschema (python3-jsonschema): schema checks skipped"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Paths relative to the source tree, so reports (and golden files) do not
# depend on where the tree is.
cd "$top_srcdir" || exit 1
VERSION=$("$HMAPCORE" --version | sed 's/^hmapcore //')

# Fixtures for the costlier checks (determinism, --redact).
DEEP="go1.19.13/gallery go1.23.12/gallery go1.26.11/gallery go1.27.4-mapsplitgroup/gallery
	go1.24.13-noswissmap/nilmap go1.22.12/segv go1.23.12/hostile go1.26.11/hostile
	go1.26.11-arm64/gallery go1.23.12-pie/nilmap"
n=0
nk=0
ndeep=0
for d in $(fixtures); do
	rel=${d#"$top_srcdir"/}
	name=$(echo "$rel" | sed 's|corefiles/||; s|/|-|')
	m=$d/manifest.json
	prog=$(jq -r .program "$m")
	n=$((n + 1))
	j=$tmp/$name.json
	"$HMAPCORE" report -f json "$rel/core.xz" >"$j"
	rc=$?
	# Exit status = verdict.
	over=$(jq -r .verdict.at_or_above "$j")
	if [ "$over" -gt 0 ]; then want=1; else want=0; fi
	expect_eq "$name: exit status of report" "$want" "$rc"
	expect_eq "$name: schema id" "hmapcore-report/1" "$(jq -r .schema "$j")"
	if [ -n "$JSONSCHEMA" ]; then
		if "$JSONSCHEMA" -i "$j" "$SCHEMA" >"$tmp/schema.err" 2>&1; then ok; else
			bad "$name: report does not validate: $(grep -v Deprecation "$tmp/schema.err" | grep -v 'from jsonschema' | head -n 3)"
		fi
	fi
	# The crash, against the manifest.
	msg=$(jq -r .crash.message "$m" | escape_ctl)
	head=$(jq -r .crash.headline "$j")
	case $head in
	*"$msg"*) ok ;;
	*) bad "$name: headline '$head' lacks the manifest's '$msg'" ;;
	esac
	if is_signal_dump "$m"; then
		# Dumped by a signal from outside: the headline names it (not the
		# SIGABRT the runtime raised after), no goroutine crashed.
		expect_eq "$name: dump headline" "killed by $(jq -r .crash.signal "$m"): $msg" "$head"
		expect_eq "$name: dump kind" "signal" "$(jq -r .crash.kind "$j")"
		expect_eq "$name: dump has no crashed goroutine" "null" "$(jq -c .crash.goroutine "$j")"
		case $(jq -r .crash.summary "$j") in
		*"no goroutine panicked"*) ok ;;
		*) bad "$name: dump summary: $(jq -r .crash.summary "$j")" ;;
		esac
	else
		crashed=$(jq -r '.crash.goroutine.id // 0' "$j")
		cands=$(jq -r '[.crash.goroutine // empty] + (.crash.candidate_goroutines // []) | .[]' "$m")
		case " $(echo $cands) " in
		*" $crashed "*) ok ;;
		*) bad "$name: crashed goroutine $crashed not among the manifest's ($(echo $cands))" ;;
		esac
		fn=$(jq -r .crash.function "$m")
		if jq -e --arg f "$fn" '[.crash.goroutine.frames[].func] | index($f)' "$j" >/dev/null; then ok; else
			bad "$name: the crash stack lacks $fn"
		fi
	fi
	if [ "$prog" = gallery ]; then
		vaddr=$(jq -r '.maps[] | select(.name == "main.gVictim") | .addr' "$m")
		# Stripped: no names, but the crash still says which map.
		vname=main.gVictim
		is_stripped "$d" && vname=null
		expect_eq "$name: victim map" "$vname $vaddr" "$(jq -r '"\(.crash.map.path) \(.crash.map.addr)"' "$j")"
		for g in $(jq -r '.crash.map_goroutines[].id' "$j"); do
			case " $(echo $cands) " in
			*" $g "*) ok ;;
			*) bad "$name: map goroutine $g is not a racing candidate" ;;
			esac
		done
		nw=$(jq '.crash.map_goroutines | length' "$j")
		[ "$nw" -ge 1 ] && ok || bad "$name: no goroutine on the victim map"
		if ! is_stripped "$d"; then
			jq -e '.maps.listed[] | select(.path == "main.gVictim") | .occupancy.live == 64' "$j" >/dev/null &&
				ok || bad "$name: main.gVictim's occupancy is not its 64 live slots"
		fi
	fi
	# (Without DWARF the maps inside slices are not found: stripped.sh.)
	if [ "$prog" = nilmap ] && ! is_stripped "$d"; then
		jq -e '[.findings[] | select(.code == "slice-nil-map") | .path] | length >= 1' "$j" >/dev/null &&
			ok || bad "$name: no slice-nil-map finding"
	fi
	# Goroutines: the runtime's count; states and groups add up.
	expect_eq "$name: goroutines" "$(traceback_goids "$d/traceback.txt" | wc -l)" \
		"$(jq -r .goroutines.total "$j")"
	expect_eq "$name: states add up" "$(jq -r .goroutines.total "$j")" \
		"$(jq '[.goroutines.by_state[].count] | add' "$j")"
	if [ "$(jq '.goroutines.groups | length' "$j")" = "$(jq .goroutines.groups_total "$j")" ]; then
		expect_eq "$name: groups add up" "$(jq -r .goroutines.total "$j")" \
			"$(jq '[.goroutines.groups[].count] | add' "$j")"
	fi
	expect_eq "$name: findings counted" "$(jq '.findings | length' "$j")" \
		"$(jq '.verdict.errors + .verdict.warnings + .verdict.infos' "$j")"
	# The non-redacted report shows the keys: a listed map with at most 5
	# entries shows them all, the manifest's sample keys.
	jq -r '.maps[] | select(.stable and .count > 0 and .count <= 5 and (.sample_keys | length) == .count)
		| select(all(.sample_keys[]; test("^[ -~]+$") and (test("[\\\\\"]") | not)))
		| [.name, (.sample_keys | sort | join(","))] | @tsv' "$m" >"$tmp/small"
	while IFS=$(printf '\t') read -r mp keys; do
		got=$(jq -r --arg p "$mp" '.maps.listed[] | select(.path == $p) | .keys | sort | join(",")' "$j")
		[ -n "$got" ] || continue
		nk=$((nk + 1))
		expect_eq "$name: keys of $mp" "$keys" "$got"
	done <"$tmp/small"
	# --quiet: one line; --fail-on error still fails on the fatal finding.
	q=$("$HMAPCORE" report -q "$rel/core.xz")
	expect_eq "$name: --quiet exit" "$want" "$?"
	expect_eq "$name: --quiet lines" 1 "$(printf '%s\n' "$q" | wc -l)"
	"$HMAPCORE" report -q --fail-on error "$rel/core.xz" >/dev/null
	rc=$?
	if [ "$(jq .verdict.errors "$j")" -gt 0 ]; then want=1; else want=0; fi
	expect_eq "$name: --fail-on error exit" "$want" "$rc"
	# Byte-identical reports and --redact, every format: on a few fixtures
	# (each format costs a run; the sanitizer build is slow). The two runs
	# differ in threads: all on one, and two (the map walks in threads,
	# goroutines unwound ahead by a helper in chunks of 8).
	case " $DEEP " in *" ${rel#corefiles/} "*) ;; *) continue ;; esac
	ndeep=$((ndeep + 1))
	for f in json text markdown html; do
		HMAPCORE_THREADS=1 "$HMAPCORE" report -f "$f" "$rel/core.xz" >"$tmp/a" 2>/dev/null
		HMAPCORE_THREADS=2 "$HMAPCORE" report -f "$f" "$rel/core.xz" >"$tmp/b" 2>/dev/null
		if cmp -s "$tmp/a" "$tmp/b" && [ -s "$tmp/a" ]; then ok; else bad "$name: $f reports differ between runs (1 thread, 2 threads)"; fi
	done
	# --redact: no sample key of the manifest, no panic text. (Without it
	# the same keys are there, or this check could not fail.)
	shown=0
	for k in $(jq -r '.maps[].sample_keys[] | select(length >= 4) | select(test("^[A-Za-z][A-Za-z0-9_-]+$"))
			| select(. != "true" and . != "false" and . != "null")' "$m" | sort -u); do
		grep -qw -- "$k" "$j" && shown=$((shown + 1))
	done
	if [ "$prog" = gallery ]; then
		[ "$shown" -gt 0 ] && ok || bad "$name: no manifest key in the plain report"
	fi
	for f in json text markdown html; do
		"$HMAPCORE" report --redact -f "$f" "$rel/core.xz" >"$tmp/r" 2>/dev/null
		leaked=""
		for k in $(jq -r '.maps[].sample_keys[] | select(length >= 4) | select(test("^[A-Za-z][A-Za-z0-9_-]+$"))
				| select(. != "true" and . != "false" and . != "null")' "$m" | sort -u); do
			grep -qw -- "$k" "$tmp/r" && leaked="$leaked $k"
		done
		expect_eq "$name: --redact -f $f leaks no key" "" "$leaked"
		# A panic value from user code is the program's data; the runtime's
		# own panics (nilmap, segv) stay readable.
		if [ "$prog" = hostile ]; then
			if grep -qF -- "$msg" "$tmp/r"; then bad "$name: --redact -f $f shows the panic text"; else ok; fi
		fi
	done
done
[ "$n" -gt 0 ] || { echo "SKIP: no fixtures"; exit 77; }

# Colour: never in a pipe, on a terminal unless NO_COLOR or --color never.
fx=corefiles/go1.19.13/segv/core.xz
if [ -f "$fx" ]; then
	"$HMAPCORE" report "$fx" | grep -q "$(printf '\033')" && bad "colour in a pipe" || ok
	"$HMAPCORE" report --color always "$fx" | grep -q "$(printf '\033')" && ok || bad "no colour with --color always"
	if command -v script >/dev/null; then
		TERM=xterm script -qec "$HMAPCORE report $fx" /dev/null >"$tmp/tty" 2>&1
		grep -q "$(printf '\033')" "$tmp/tty" && ok || bad "no colour on a terminal"
		NO_COLOR=1 TERM=xterm script -qec "$HMAPCORE report $fx" /dev/null >"$tmp/tty" 2>&1
		grep -q "$(printf '\033')" "$tmp/tty" && bad "colour despite NO_COLOR" || ok
		TERM=xterm script -qec "$HMAPCORE report --color never $fx" /dev/null >"$tmp/tty" 2>&1
		grep -q "$(printf '\033')" "$tmp/tty" && bad "colour despite --color never" || ok
	fi
fi

# Golden files: reports of a few fixtures in every format.
GOLD=tests/golden/report
for fx in go1.26.11/gallery go1.23.12/gallery go1.24.13-noswissmap/nilmap go1.19.13/segv \
	go1.26.11/hostile go1.23.12/hostile; do
	[ -f "corefiles/$fx/core.xz" ] || continue
	base=$(echo "$fx" | tr / -)
	for f in text json markdown html; do
		case $f in text) ext=txt ;; json) ext=json ;; markdown) ext=md ;; html) ext=html ;; esac
		"$HMAPCORE" report -f "$f" "corefiles/$fx/core.xz" 2>/dev/null |
			sed "s/hmapcore $VERSION/hmapcore VERSION/g" >"$tmp/golden"
		if [ -n "${HMAPCORE_REGEN_GOLDEN:-}" ]; then
			mkdir -p "$GOLD"
			cp "$tmp/golden" "$GOLD/$base.$ext"
		fi
		if [ ! -f "$GOLD/$base.$ext" ]; then
			bad "golden $GOLD/$base.$ext missing (HMAPCORE_REGEN_GOLDEN=1 writes it)"
		elif cmp -s "$tmp/golden" "$GOLD/$base.$ext"; then
			ok
		else
			bad "$fx -f $f differs from $GOLD/$base.$ext:"
			diff "$GOLD/$base.$ext" "$tmp/golden" | head -n 20 >&2
		fi
	done
done

# Errors and usage.
"$HMAPCORE" report /nonexistent/core >/dev/null 2>&1
expect_eq "missing core exit" 2 "$?"
head -c 4096 corefiles/go1.19.13/segv/core.xz >"$tmp/cut.xz"
"$HMAPCORE" report "$tmp/cut.xz" >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] && ok || bad "truncated core: exit $rc, want 2"
"$HMAPCORE" report -f go corefiles/go1.19.13/segv/core.xz >/dev/null 2>&1
expect_eq "report -f go exit" 64 "$?"
"$HMAPCORE" report --color sometimes corefiles/go1.19.13/segv/core.xz >/dev/null 2>&1
expect_eq "--color sometimes exit" 64 "$?"
"$HMAPCORE" report --no-such-option corefiles/go1.19.13/segv/core.xz >/dev/null 2>&1
expect_eq "unknown option exit" 64 "$?"
h=$("$HMAPCORE" report --help)
expect_eq "report --help exit" 0 "$?"
case $h in *--redact*hmapcore-report/1*|*hmapcore-report/1*--redact*) ok ;; *) bad "report --help: $h" ;; esac
for c in info goroutines threads maps map check addr tui; do
	h=$("$HMAPCORE" "$c" --help)
	case $h in "usage: hmapcore"*" $c "*) ok ;; *) bad "$c --help: $(echo "$h" | head -n 1)" ;; esac
done
expect_eq "--version" "hmapcore $VERSION" "$("$HMAPCORE" --version)"
# Without a command and without a terminal: the report.
"$HMAPCORE" corefiles/go1.19.13/segv/core.xz 2>/dev/null | head -n 1 | grep -q '^hmapcore report' && ok ||
	bad "no command without a terminal is not the report"

# Over the default fixture set only: HC_FIXTURE_CONFIGS and
# HC_FIXTURE_SAMPLE may leave out DEEP.
if [ -z "${HC_FIXTURE_CONFIGS:-}" ] && [ "${HC_FIXTURE_SAMPLE:-1}" = 1 ]; then
	[ "$ndeep" -ge 4 ] && ok || bad "only $ndeep fixtures got the determinism and --redact checks"
fi
case ${HC_FIXTURE_CONFIGS:-} in
*-stripped) ;; # nothing to compare: no map is found by name
*) [ "$nk" -gt 0 ] && ok || bad "no listed map's keys were compared with a manifest" ;;
esac
echo "$n fixtures, keys of $nk small maps compared with the manifests"
finish
