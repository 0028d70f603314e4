#!/bin/sh
# Issue 24 item 1 (swiss-lengthmask-overflow): one byte of a real core
# changed, the top byte of a Swiss table's groups.lengthMask (0x7f ->
# 0x800000000000007f). (mask + 1) * 8 and (mask + 1) * group_size wrap to
# the true sizes, so the capacity and memory checks passed and the
# validator walked 2^63 groups (SIGSEGV in maps, check, report, map, addr).
# On every Swiss gallery fixture: find main.gGrowing's first table through
# hmapcore's own output (map --internals gives dirPtr and the group count),
# patch a copy of the core, and expect a map-directory finding from every
# command, never a crash.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# vaddr_off CORE ADDR: the file offset of target address ADDR in CORE.
vaddr_off() {
	readelf -lW "$1" | while read -r ty off va pa fsz rest; do
		[ "$ty" = LOAD ] || continue
		if [ $(($2)) -ge $((va)) ] && [ $(($2)) -lt $((va + fsz)) ]; then
			echo $((off + $2 - va))
			break
		fi
	done
}

# u64 FILE OFFSET: the little-endian 64-bit word at OFFSET, as 0x...
u64() {
	printf '0x%s\n' "$(od -An -tx8 --endian=little -j "$2" -N8 "$1" | tr -d ' ')"
}

n=0
for d in $(fixtures); do
	[ "$(jq -r .program "$d/manifest.json")" = gallery ] || continue
	is_stripped "$d" && continue
	name=${d#"$top_srcdir"/corefiles/}
	xz -dc "$d/core.xz" >"$tmp/core"
	xz -dc "$d/exe.xz" >"$tmp/exe"
	"$HMAPCORE" --exe "$tmp/exe" map --internals "$tmp/core" main.gGrowing >"$tmp/int" 2>&1
	grep -q '^implementation  swiss' "$tmp/int" || continue
	n=$((n + 1))
	dir=$(sed -n 's/^directory *dirPtr \(0x[0-9a-f]*\), dirLen \([0-9]*\),.*/\1/p' "$tmp/int")
	tables=$(sed -n 's/^tables *\([0-9]*\), \([0-9]*\) groups,.*/\1/p' "$tmp/int")
	groups=$(sed -n 's/^tables *\([0-9]*\), \([0-9]*\) groups,.*/\2/p' "$tmp/int")
	if [ -z "$dir" ] || [ -z "$tables" ] || [ -z "$groups" ]; then
		bad "$name: map --internals gives no directory: $(head -5 "$tmp/int")"
		continue
	fi
	doff=$(vaddr_off "$tmp/core" "$dir")
	table=$(u64 "$tmp/core" "$doff")
	toff=$(vaddr_off "$tmp/core" "$table")
	mask=$((groups / tables - 1))
	# The lengthMask: the word of the table that holds groups-1.
	moff=
	for w in 1 2 3 4 5 6 7; do
		if [ $(($(u64 "$tmp/core" $((toff + 8 * w))))) -eq $mask ]; then
			moff=$((toff + 8 * w))
			break
		fi
	done
	if [ -z "$moff" ]; then
		bad "$name: no lengthMask $mask in table $table"
		continue
	fi
	printf '\200' | dd of="$tmp/core" bs=1 seek=$((moff + 7)) conv=notrunc 2>/dev/null
	for cmd in maps check report "report -f json" "report -f markdown" "report -f html"; do
		# shellcheck disable=SC2086
		timeout 60 "$HMAPCORE" --exe "$tmp/exe" $cmd "$tmp/core" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		[ $rc -lt 3 ] && ok || bad "$name: $cmd exit $rc: $(tail -2 "$tmp/err")"
		grep -q 'groups' "$tmp/out" && ok || bad "$name: $cmd does not report the impossible group count"
	done
	timeout 60 "$HMAPCORE" --exe "$tmp/exe" map --internals "$tmp/core" main.gGrowing >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -lt 3 ] && ok || bad "$name: map --internals exit $rc"
	grep -q 'map-directory: table capacity .* groups is impossible' "$tmp/out" && ok ||
		bad "$name: map --internals lacks the map-directory finding"
	timeout 60 "$HMAPCORE" --exe "$tmp/exe" addr "$tmp/core" "$table" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -lt 3 ] && ok || bad "$name: addr exit $rc"
done
[ "$n" -gt 0 ] || [ -n "${HC_FIXTURE_CONFIGS:-}" ] || bad "no Swiss gallery fixture"
finish
