#!/bin/sh
# The cgo fixtures (corefiles/*-cgo/cgo): a goroutine whose thread is in C
# (c_outer -> c_inner -> nanosleep) when another goroutine panics. Against
# the fixture's own manifest.json ("cgo": the goroutine and the C functions
# of the executable) and traceback.txt:
#   - the thread in C (its M's curg is the manifest's goroutine) runs g0
#     (asmcgocall switched to it; the g comes from the TLS slot of an
#     externally linked program, runtime.tlsg), and its native frames
#     (threads --stacks, JSON native_frames) hold the manifest's C functions
#     innermost first, then end in Go code; the C functions are in the
#     executable, so this does not depend on the system's libc;
#   - its function column is a native symbol, not "?";
#   - the goroutine is [syscall] with runtime.cgocall and the manifest's Go
#     frames in its stack, as in traceback.txt.
# Whole-traceback agreement is goroutines.sh's.
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
n=0
for d in $(fixtures); do
	m=$d/manifest.json
	[ "$(jq -r .program "$m")" = cgo ] || continue
	n=$((n + 1))
	name=${d#"$top_srcdir"/corefiles/}
	goid=$(jq -r .cgo.goid "$m")
	th=$("$HMAPCORE" threads --stacks --format json "$d/core.xz" 2>/dev/null) ||
		{ bad "$name: threads --stacks --format json failed"; continue; }
	t=$(echo "$th" | jq -c --argjson g "$goid" '[.threads[] | select(.curg == $g)][0]')
	[ "$t" != null ] && ok || { bad "$name: no thread has goroutine $goid as curg"; continue; }
	expect_eq "$name: g of the thread in C" g0 "$(echo "$t" | jq -r .g)"
	fn=$(echo "$t" | jq -r .function)
	[ "$fn" != "?" ] && [ -n "$fn" ] && ok || bad "$name: function of the thread in C is '$fn'"
	# The manifest's C functions, in order, among the native frames.
	want=$(jq -c .cgo.c_functions "$m")
	got=$(echo "$t" | jq -c --argjson w "$want" '[.native_frames[].function | select(. as $f | $w | index($f))]')
	expect_eq "$name: C functions in the native frames" "$want" "$got"
	last=$(echo "$t" | jq -r '.native_frames[-1].go')
	expect_eq "$name: native frames end in Go code" true "$last"
	# The same in the text output.
	txt=$("$HMAPCORE" threads --stacks "$d/core.xz" 2>/dev/null)
	for f in $(jq -r '.cgo.c_functions[]' "$m"); do
		echo "$txt" | grep -qE "^    native +#[0-9]+ +0x[0-9a-f]+ in $f\+0x" && ok ||
			bad "$name: text native frames lack $f"
	done
	# The C frames' source lines, against the program's source: c_inner
	# waits in its nanosleep call, c_outer in its call of c_inner. Both
	# outputs: the JSON opens hmapcore's own DWARF before libdwfl reads
	# the executable's, the text does not.
	src=$top_srcdir/corefiles/programs/cgo/main.go
	l_inner=$(grep -n 'nanosleep(&ts' "$src" | head -n 1 | cut -d: -f1)
	l_outer=$(grep -n '^	c_inner(secs);' "$src" | head -n 1 | cut -d: -f1)
	for fl in "c_inner $l_inner" "c_outer $l_outer"; do
		set -- $fl
		expect_eq "$name: $1's line (JSON)" "cgo/main.go:$2" \
			"$(echo "$t" | jq -r --arg f "$1" '.native_frames[] | select(.function == $f) | "\(.file | sub(".*/(?<x>cgo/main.go)$"; "\(.x)")):\(.line)"' | head -n 1)"
		echo "$txt" | grep -qE "^    native +#[0-9]+ +0x[0-9a-f]+ in $1\+0x[0-9a-f]+ from [^ ]+ at [^ ]*cgo/main\.go:$2\$" && ok ||
			bad "$name: text native frame $1 is not at cgo/main.go:$2"
	done
	# A Go frame ends the native ones, with no line from libdw (a Go PC
	# can fall in a cgo C unit's line table).
	expect_eq "$name: the Go frame ending the native ones has no file" null \
		"$(echo "$t" | jq -r '.native_frames[-1].file')"
	# The report lists the same native frames under the thread in C, in
	# every format (the JSON's threads[].native_frames; text, Markdown).
	rj=$("$HMAPCORE" report -f json "$d/core.xz" 2>/dev/null)
	tid=$(echo "$t" | jq -r .tid)
	expect_eq "$name: report: native frames of thread $tid" \
		"$(echo "$t" | jq -c '[.native_frames[] | {function, file, line, go}]')" \
		"$(echo "$rj" | jq -c --argjson tid "$tid" '[.threads[] | select(.tid == $tid)][0] | [.native_frames[] | {function, file, line, go}]')"
	expect_eq "$name: report: threads in Go have no native frames" 0 \
		"$(echo "$rj" | jq --argjson tid "$tid" '[.threads[] | select(.tid != $tid) | .native_frames[]] | length')"
	for fmt in text markdown; do
		out=$("$HMAPCORE" report -f $fmt "$d/core.xz" 2>/dev/null)
		for f in $(jq -r '.cgo.c_functions[]' "$m"); do
			echo "$out" | grep -qE "#[0-9]+ +0x[0-9a-f]+ in $f\+0x[0-9a-f]+ from " && ok ||
				bad "$name: report -f $fmt lacks the native frame $f"
		done
	done
	# The goroutine in C: [syscall], runtime.cgocall and the manifest's Go
	# frames, as the runtime printed it.
	tb=$("$HMAPCORE" goroutines --format go "$d/core.xz" 2>/dev/null)
	hdr=$(echo "$tb" | grep -m1 "^goroutine $goid ")
	case $hdr in *"[syscall]:"|*"[syscall, "*) ok ;; *) bad "$name: goroutine $goid header '$hdr'" ;; esac
	expect_eq "$name: goroutine $goid header as in traceback.txt" \
		"$(grep -m1 "^goroutine $goid " "$d/traceback.txt")" "$hdr"
	frames=$(echo "$tb" | awk -v g="$goid" '/^goroutine /{on = ($2 == g)} on && /^[^\t]/ && !/^goroutine /{sub(/\(.*/, ""); print}')
	for f in $(jq -r '.cgo.go_functions[]' "$m"); do
		echo "$frames" | grep -qxF "$f" && ok || bad "$name: goroutine $goid lacks frame $f"
	done
done
[ "$n" -gt 0 ] || [ -n "$HC_FIXTURE_CONFIGS" ] && ok || bad "no cgo fixture"
finish
