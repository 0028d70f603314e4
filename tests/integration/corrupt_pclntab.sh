#!/bin/sh
# Issue 24 item 2 (pclntab-bit-flip): the executable is as untrusted as the
# core.
#   - One bit of go1.22.12/gallery's .gopclntab (byte 485727, 0x00 -> 0x40,
#     found by a bit-flip sweep) made a pcln line lookup fail in
#     src/go/stack.c emit(), whose error was freed, then tested and freed
#     again: a double free in goroutines, maps, check and report.
#   - A zeroed pclntab magic (every gallery fixture): check dereferenced the
#     NULL pclntab for a finding's created-by line, and no output said the
#     pclntab was unreadable. Now no crash, and info and report say it.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# pclntab_off EXE: the file offset of the executable's pclntab section.
pclntab_off() {
	off=$(readelf -SW "$1" |
		sed -n 's/.*\] \.\(data\.rel\.ro\.\)\{0,1\}gopclntab  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\2/p')
	[ -n "$off" ] && echo $((0x$off))
}

# run NAME ARGS...: hmapcore does not crash or hang (exit 0, 1 or 2).
run() {
	what=$1
	shift
	timeout 60 "$HMAPCORE" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -lt 3 ] && ok || bad "$what: exit $rc: $(tail -2 "$tmp/err")"
}

d=$top_srcdir/corefiles/go1.22.12/gallery
case "go1.22.12" in
${HC_FIXTURE_CONFIGS:-go*})
	if [ -f "$d/exe.xz" ]; then
		xz -dc "$d/exe.xz" >"$tmp/exe"
		o=$(($(pclntab_off "$tmp/exe") + 485727))
		if [ "$(od -An -tx1 -j $o -N1 "$tmp/exe" | tr -d ' ')" = 00 ]; then
			printf '\100' | dd of="$tmp/exe" bs=1 seek=$o conv=notrunc 2>/dev/null
			xz -dc "$d/core.xz" >"$tmp/core"
			for cmd in goroutines "goroutines --format go" maps check report; do
				# shellcheck disable=SC2086
				run "go1.22.12/gallery bit flip: $cmd" --exe "$tmp/exe" $cmd "$tmp/core"
			done
		else
			bad "go1.22.12/gallery: the byte to flip is not 0x00 (the fixture changed?)"
		fi
	fi
	;;
esac

n=0
for d in $(fixtures); do
	[ "$(jq -r .program "$d/manifest.json")" = gallery ] || continue
	n=$((n + 1))
	name=${d#"$top_srcdir"/corefiles/}
	xz -dc "$d/exe.xz" >"$tmp/exe"
	o=$(pclntab_off "$tmp/exe")
	[ -n "$o" ] || { bad "$name: no pclntab section"; continue; }
	printf '\0\0\0\0' | dd of="$tmp/exe" bs=1 seek="$o" conv=notrunc 2>/dev/null
	# Where the core holds the executable's read-only data (arm64), the
	# changed executable is refused: a clear error is the answer too.
	xz -dc "$d/core.xz" >"$tmp/core"
	run "$name zeroed magic: info" --exe "$tmp/exe" info "$tmp/core"
	grep -q "is not the executable of this core" "$tmp/err" && continue
	grep -q "^problem .*pclntab is unreadable" "$tmp/out" && ok ||
		bad "$name zeroed magic: info does not say the pclntab is unreadable"
	run "$name zeroed magic: check" --exe "$tmp/exe" check "$tmp/core"
	run "$name zeroed magic: report" --exe "$tmp/exe" report -f json "$tmp/core"
	grep -q "pclntab is unreadable" "$tmp/out" && ok ||
		bad "$name zeroed magic: the report does not say the pclntab is unreadable"
done
[ "$n" -gt 0 ] || [ -n "${HC_FIXTURE_CONFIGS:-}" ] || bad "no gallery fixture"
finish
