#!/bin/sh
# Seeds for tests/fuzz/fuzz_maps.c in its segment form, cut out of real
# cores (issue 24 item 1): the map header, and the directory, tables and
# group arrays (Swiss) or the bucket arrays (classic) of one map, each
# where the core has it. Not run by make; its output is committed under
# tests/fuzz/corpus/maps/.
#   mkseeds_maps.sh CORE EXE MAP LAYOUT OUT
# CORE uncompressed; LAYOUT the harness's layout byte: 3 classic, 4 Swiss,
# 5 Swiss mapsplitgroup (map[string]int).
set -eu
core=$1 exe=$2 map=$3 layout=$4 out=$5
HMAPCORE=${HMAPCORE:-hmapcore}

vaddr_off() {
	readelf -lW "$1" | while read -r ty off va pa fsz rest; do
		[ "$ty" = LOAD ] || continue
		if [ $(($2)) -ge $((va)) ] && [ $(($2)) -lt $((va + fsz)) ]; then
			echo $((off + $2 - va))
			break
		fi
	done
}
u64() { echo $((0x$(od -An -tx8 -j "$(vaddr_off "$core" "$1")" -N8 "$core" | tr -d ' '))); }
u8() { od -An -tu1 -j "$(vaddr_off "$core" "$1")" -N1 "$core" | tr -d ' '; }
# le N VALUE: VALUE as N little-endian bytes.
le() {
	v=$2 i=0
	while [ $i -lt "$1" ]; do
		printf "\\$(printf %o $((v & 255)))"
		v=$((v >> 8)) i=$((i + 1))
	done
}

ranges=$(mktemp)
trap 'rm -f "$ranges"' EXIT
# want ADDR LEN: the pages holding [ADDR, ADDR+LEN).
want() { echo "$(($1 & ~4095)) $((($1 + $2 + 4095) & ~4095))" >>"$ranges"; }

addr=$("$HMAPCORE" --exe "$exe" map "$core" "$map" | sed -n 's/^map .* at \(0x[0-9a-f]*\)$/\1/p')
[ -n "$addr" ] || { echo "no map $map" >&2; exit 1; }
want "$addr" 48
case $layout in
3)	B=$(u8 $((addr + 9)))
	# chain ARRAY N: the array of N buckets and their overflow chains.
	chain() {
		want "$1" $(($2 * 208))
		j=0
		while [ $j -lt "$2" ]; do
			o=$(u64 $(($1 + 208 * j + 200))) k=0
			while [ "$o" -ne 0 ] && [ $k -lt 16 ] && [ -n "$(vaddr_off "$core" "$o")" ]; do
				want "$o" 208
				o=$(u64 $((o + 200))) k=$((k + 1))
			done
			j=$((j + 1))
		done
	}
	chain "$(u64 $((addr + 16)))" $((1 << B))
	old=$(u64 $((addr + 24)))
	[ "$old" -eq 0 ] || chain "$old" $((1 << (B - 1)))
	;;
*)	dir=$(u64 $((addr + 16)))
	len=$(u64 $((addr + 24)))
	gsize=200
	if [ "$len" -eq 0 ]; then
		want "$dir" $gsize
	else
		want "$dir" $((8 * len))
		i=0
		while [ $i -lt "$len" ]; do
			t=$(u64 $((dir + 8 * i)))
			want "$t" 32
			want "$(u64 $((t + 16)))" $(((($(u64 $((t + 24))) + 1)) * gsize))
			i=$((i + 1))
		done
	fi
	;;
esac
{
	printf SEGS
	le 1 "$layout"
	le 8 "$addr"
	# Sorted and merged: ascending, disjoint page ranges.
	sort -n "$ranges" | awk 'NR == 1 { a = $1; b = $2; next }
		$1 <= b { if ($2 > b) b = $2; next }
		{ print a, b; a = $1; b = $2 } END { print a, b }' |
	while read -r a b; do
		le 8 "$a"
		le 4 $((b - a))
		dd if="$core" bs=4096 skip=$(($(vaddr_off "$core" "$a") / 4096)) count=$(((b - a) / 4096)) 2>/dev/null
	done
} >"$out"
