#!/bin/sh
# Hostile and broken inputs over every fixture (issue 7): each run of
# hmapcore must end within a time bound with exit status 0, 1 or 2, say
# something (output, or an error on stderr), and show no sanitizer report.
#
# Per fixture, a deterministic sample (seeded by the fixture's index, so
# that together the fixtures cover many points):
#   - the core truncated: inside the headers/program headers, inside the
#     notes, inside the biggest writable segment (the heap), in the last page
#   - pseudo-random byte writes in the heap, in the g structs of allgs
#     (addresses from `hmapcore goroutines --format json`; read with and
#     without DWARF, --no-dwarf searching memory for the runtime's
#     globals), and at the map
#     headers, buckets and directories that manifest.json lists
#   - the wrong executable (another fixture's, with --ignore-build-id)
#   - the executable without DWARF (objcopy --strip-debug), and on every
#     third fixture without any symbols (strip)
# and once: a non-Go core (a C program crashed here, when core_pattern is a
# plain file name).
#
# Commands run on each variant: SWEEP_COMMANDS (default below). The
# default runs every command that reads the core through a different path;
# set it to a subset to iterate faster.
# SWEEP_FIXTURES=N limits the sweep to every N-th fixture (time); the
# default is every fixture. SWEEP_TIMEOUT is the bound per run (20 s).
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
for tool in xz jq od dd timeout; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

: "${SWEEP_COMMANDS:=info|goroutines --format go|threads --stacks|maps|check|report --format json}"
: "${SWEEP_FIXTURES:=1}"
: "${SWEEP_TIMEOUT:=20}"

dir=$(mktemp -d "${TMPDIR:-/tmp}/hmapcore-sweep.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

RUNS=0 ERRORS=0 FINDINGS=0 CRASHES=0

# run_one LABEL ARGS...: every command of SWEEP_COMMANDS with ARGS after it.
run_one() {
	label=$1
	shift
	old_ifs=$IFS
	IFS='|'
	set -f
	for c in $SWEEP_COMMANDS; do
		IFS=$old_ifs
		RUNS=$((RUNS + 1))
		# shellcheck disable=SC2086 # the command's words split on purpose
		timeout -s KILL "$SWEEP_TIMEOUT" "$HMAPCORE" $c "$@" \
			>"$dir/out" 2>"$dir/err"
		st=$?
		IFS='|'
		if grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
			-e 'runtime error:' -e 'SUMMARY: ' "$dir/err"; then
			CRASHES=$((CRASHES + 1))
			bad "$label: $c: sanitizer report: $(grep -m 3 -e ERROR -e 'runtime error' -e SUMMARY "$dir/err")"
			continue
		fi
		case $st in
		0)
			if [ -s "$dir/out" ] || [ -s "$dir/err" ]; then ok; else
				CRASHES=$((CRASHES + 1))
				bad "$label: $c: exit 0 saying nothing"
			fi
			;;
		1 | 2)
			[ $st -eq 1 ] && FINDINGS=$((FINDINGS + 1))
			[ $st -eq 2 ] && ERRORS=$((ERRORS + 1))
			if [ -s "$dir/err" ] || [ -s "$dir/out" ]; then ok; else
				CRASHES=$((CRASHES + 1))
				bad "$label: $c: exit $st without a message"
			fi
			;;
		137)
			CRASHES=$((CRASHES + 1))
			bad "$label: $c: no result within ${SWEEP_TIMEOUT}s"
			;;
		*)
			CRASHES=$((CRASHES + 1))
			bad "$label: $c: exit status $st: $(head -c 600 "$dir/err")"
			;;
		esac
	done
	IFS=$old_ifs
	set +f
}

# Little-endian unsigned integer of N bytes at OFFSET of FILE.
rd() {
	od -An -t u"$3" -j "$2" -N "$3" "$1" | tr -d ' '
}

# The program headers of a core: "type offset vaddr filesz flags" lines.
phdrs() {
	phoff=$(rd "$1" 32 8)
	phnum=$(rd "$1" 56 2)
	i=0
	while [ "$i" -lt "$phnum" ]; do
		o=$((phoff + 56 * i))
		echo "$(rd "$1" "$o" 4) $(rd "$1" $((o + 8)) 8) $(rd "$1" $((o + 16)) 8) $(rd "$1" $((o + 32)) 8) $(rd "$1" $((o + 4)) 4)"
		i=$((i + 1))
	done
}

# File offset of target address ADDR (decimal) in the core, or nothing.
addr_off() {
	awk -v a="$1" '$1 == 1 && a >= $3 && a < $3 + $4 { printf "%.0f\n", $2 + (a - $3); exit }' "$dir/phdrs"
}

# Deterministic pseudo-random numbers (an LCG) in [0, $1).
rand() {
	SEED=$(((SEED * 1103515245 + 12345) % 2147483648))
	R=$((SEED % $1))
}

# poke FILE OFFSET COUNT SPAN: COUNT random bytes within [OFFSET, OFFSET+SPAN).
poke() {
	n=0
	while [ "$n" -lt "$3" ]; do
		rand "$4"
		o=$(($2 + R))
		rand 256
		# shellcheck disable=SC2059 # an octal escape, built on purpose
		printf "\\$(printf %03o "$R")" |
			dd of="$1" bs=1 seek="$o" count=1 conv=notrunc 2>/dev/null
		n=$((n + 1))
	done
}

# strip_debug IN OUT / strip_all IN OUT: binutils, else elfutils (the
# host's binutils do not read arm64 executables).
strip_debug() {
	objcopy --strip-debug "$1" "$2" 2>/dev/null || eu-strip -g -o "$2" "$1" 2>/dev/null
}
strip_all() {
	strip -o "$2" "$1" 2>/dev/null || eu-strip -o "$2" "$1" 2>/dev/null
}

hex2dec() {
	printf '%d\n' "$1" 2>/dev/null
}

all=$(fixtures)
[ -n "$all" ] || { echo "SKIP: no fixtures under corefiles/"; exit 77; }
nfx=$(echo "$all" | wc -l)
idx=0
for fx in $all; do
	idx=$((idx + 1))
	[ $(((idx - 1) % SWEEP_FIXTURES)) -eq 0 ] || continue
	name=${fx#"$top_srcdir"/corefiles/}
	SEED=$idx
	w="$dir/fx"
	rm -rf "$w"
	mkdir -p "$w"
	xz -dc "$fx/core.xz" >"$w/core"
	xz -dc "$fx/exe.xz" >"$w/exe"
	size=$(wc -c <"$w/core")
	phdrs "$w/core" >"$dir/phdrs"
	phoff=$(rd "$w/core" 32 8)
	phnum=$(rd "$w/core" 56 2)
	notes=$(awk '$1 == 4 { print $2, $4; exit }' "$dir/phdrs")
	notes_off=${notes% *}
	notes_size=${notes#* }
	# The biggest writable PT_LOAD with bytes in the core: the heap arena.
	heap=$(awk '$1 == 1 && $5 % 4 >= 2 && $4 > 0 { if ($4 > best) { best = $4; l = $2 " " $4 } } END { print l }' "$dir/phdrs")
	heap_off=${heap% *}
	heap_size=${heap#* }

	# --- truncation: headers, notes, heap, last page (rotating sample)
	case $((idx % 4)) in
	0) c1=$((idx * 7 % 64 + 1)) ;;
	1) c1=$((phoff + 56 * (idx % phnum) + 20)) ;;
	2) c1=$((phoff + 56 * phnum)) ;;
	*) c1=$((notes_off + 20)) ;;
	esac
	rand "$notes_size"
	c2=$((notes_off + R))
	rand "$heap_size"
	c3=$((heap_off + R))
	rand 4096
	c4=$((size - 1 - R))
	for cut in $c1 $c2 $c3 $c4; do
		[ "$cut" -gt 0 ] && [ "$cut" -lt "$size" ] || continue
		head -c "$cut" "$w/core" >"$w/cut"
		run_one "$name: truncated at $cut" --exe "$w/exe" "$w/cut"
	done
	rm -f "$w/cut"

	# --- byte writes in the heap
	cp "$w/core" "$w/flip"
	poke "$w/flip" "$heap_off" 64 "$heap_size"
	run_one "$name: heap bytes (seed $idx)" --exe "$w/exe" "$w/flip"

	# --- byte writes in the g structs of allgs
	cp "$w/core" "$w/flip"
	"$HMAPCORE" goroutines --format json --exe "$w/exe" "$w/core" 2>/dev/null |
		jq -r '.goroutines[].gp' >"$dir/gs" 2>/dev/null
	ng=$(wc -l <"$dir/gs")
	if [ "$ng" -gt 0 ]; then
		k=0
		while [ $k -lt 4 ]; do
			rand "$ng"
			g=$(sed -n "$((R + 1))p" "$dir/gs")
			o=$(addr_off "$(hex2dec "$g")")
			[ -n "$o" ] && poke "$w/flip" "$o" 6 384
			k=$((k + 1))
		done
		run_one "$name: g structs (seed $idx)" --exe "$w/exe" "$w/flip"
		# The same read as a stripped build: allgs and the Ms found by
		# searching memory that now holds broken g's.
		run_one "$name: g structs, --no-dwarf (seed $idx)" --no-dwarf --exe "$w/exe" "$w/flip"
	else
		bad "$name: no goroutines found in the intact core"
	fi

	# --- byte writes at map headers, buckets, directories, groups
	cp "$w/core" "$w/flip"
	jq -r '.maps[] | (.addr, (.classic // {} | .buckets, .oldbuckets, .extra),
		(.swiss // {} | .dirPtr)) | select(. != null and . != "0x0")' \
		"$fx/manifest.json" 2>/dev/null | sort -u >"$dir/maps"
	nm=0
	while read -r a; do
		o=$(addr_off "$(hex2dec "$a")")
		[ -n "$o" ] || continue
		poke "$w/flip" "$o" 3 64
		nm=$((nm + 1))
	done <"$dir/maps"
	[ $nm -gt 0 ] && run_one "$name: map structures ($nm)" --exe "$w/exe" "$w/flip"
	rm -f "$w/flip"

	# --- the wrong executable (the next fixture's), forced
	other=$(echo "$all" | sed -n "$((idx % nfx + 1))p")
	run_one "$name: wrong executable ${other#"$top_srcdir"/corefiles/}" \
		--ignore-build-id --exe "$other/exe.xz" "$w/core"

	# --- the executable without DWARF, and without any symbols (the
	# host's binutils know only amd64: elfutils' eu-strip does arm64)
	if strip_debug "$w/exe" "$w/exe-nodwarf"; then
		run_one "$name: executable without DWARF" \
			--exe "$w/exe-nodwarf" "$w/core"
	else
		bad "$name: cannot strip the debug sections of the executable"
	fi
	if [ $((idx % 3)) -eq 1 ]; then
		if strip_all "$w/exe" "$w/exe-stripped"; then
			run_one "$name: stripped executable" \
				--ignore-build-id --exe "$w/exe-stripped" "$w/core"
		else
			bad "$name: cannot strip the executable"
		fi
	fi
	rm -rf "$w"
done

# --- a non-Go core: a C program crashed here
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
cc=${CC:-cc}
case $pattern in
'' | '|'* | */*)
	echo "note: non-Go core case skipped: core_pattern is '$pattern' (not a plain file name)" ;;
*)
	if command -v "$cc" >/dev/null 2>&1; then
		mkdir -p "$dir/c"
		printf 'int main(void){volatile int *p = 0; return *p;}\n' >"$dir/c/crash.c"
		if (cd "$dir/c" && "$cc" -o crash crash.c 2>/dev/null &&
			ulimit -c unlimited 2>/dev/null && ./crash) >/dev/null 2>&1; then
			:
		fi
		core=$(ls "$dir/c" | grep -v -e '^crash$' -e '^crash\.c$' | head -n 1)
		if [ -n "$core" ]; then
			echo "non-Go core: $core from a crashed C program"
			run_one "non-Go core" --exe "$dir/c/crash" "$dir/c/$core"
			run_one "non-Go core without --exe" "$dir/c/$core"
		else
			echo "note: non-Go core case skipped: the C program left no core (ulimit -c?)"
		fi
	else
		echo "note: non-Go core case skipped: no C compiler ($cc)"
	fi
	;;
esac

echo "sweep: $RUNS runs, $ERRORS errors (exit 2), $FINDINGS findings (exit 1), $CRASHES crashes"
[ "$CRASHES" -eq 0 ] || bad "$CRASHES crashes"
finish
