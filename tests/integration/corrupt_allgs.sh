#!/bin/sh
# Issue 24 item 10 (allgs-corruption-told): corruption of runtime.allgs
# passed over in silence or drowned the output:
#   - length 0 gave "goroutines 0" without a word, though threads run a
#     goroutine (m.curg): now a problem says allgs does not hold it;
#   - every entry pointing at one g printed it once per entry: now shown
#     once, with one problem that counts the duplicates;
#   - length 2^31 printed 591,364 problem lines (39 MB): now the length past
#     the capacity is told once, and with the capacity corrupt too the
#     unreadable entries are counted in one line.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

vaddr_off() {
	readelf -lW "$1" | while read -r ty off va pa fsz rest; do
		[ "$ty" = LOAD ] || continue
		if [ $(($2)) -ge $((va)) ] && [ $(($2)) -lt $((va + fsz)) ]; then
			echo $((off + $2 - va))
			break
		fi
	done
}

# put8 FILE OFFSET HEX16: write the little-endian word given as 16 hex
# digits (octal escapes: dash's printf has no \x).
put8() {
	b=""
	for k in 15 13 11 9 7 5 3 1; do
		b="$b\\$(printf %o "0x$(echo "$3" | cut -c"$k-$((k + 1))")")"
	done
	printf "$b" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

n=0
for d in $(fixtures); do
	[ "$(jq -r .program "$d/manifest.json")" = gallery ] || continue
	is_stripped "$d" && continue
	case $d in *-pie/*) continue ;; esac # nm's addresses are not the core's
	name=${d#"$top_srcdir"/corefiles/}
	xz -dc "$d/exe.xz" >"$tmp/exe"
	allgs=$(nm "$tmp/exe" | sed -n 's/^\([0-9a-f]*\) [bBdD] runtime\.allgs$/0x\1/p')
	[ -n "$allgs" ] || { bad "$name: no runtime.allgs symbol"; continue; }
	xz -dc "$d/core.xz" >"$tmp/orig"
	o=$(vaddr_off "$tmp/orig" "$allgs")
	[ -n "$o" ] || { bad "$name: allgs not in the core"; continue; }
	n=$((n + 1))
	ptr=$(od -An -tx8 -j "$o" -N8 "$tmp/orig" | tr -d ' ')
	len=$(od -An -tu8 -j $((o + 8)) -N8 "$tmp/orig" | tr -d ' ')
	want=$("$HMAPCORE" --exe "$tmp/exe" info "$tmp/orig" 2>&1 | grep '^goroutines')

	cp "$tmp/orig" "$tmp/core"
	put8 "$tmp/core" $((o + 8)) 0000000000000000
	"$HMAPCORE" --exe "$tmp/exe" info "$tmp/core" >"$tmp/out" 2>&1
	grep -q "^problem .*runtime.allgs (0 gs) does not hold" "$tmp/out" && ok ||
		bad "$name: allgs length 0 is not told: $(grep -E '^(goroutines|problem)' "$tmp/out")"

	cp "$tmp/orig" "$tmp/core"
	po=$(vaddr_off "$tmp/orig" "0x$ptr")
	first=$(od -An -tx8 -j "$po" -N8 "$tmp/orig" | tr -d ' ')
	i=1
	while [ "$i" -lt "$len" ]; do
		put8 "$tmp/core" $((po + 8 * i)) "$first"
		i=$((i + 1))
	done
	"$HMAPCORE" --exe "$tmp/exe" info "$tmp/core" >"$tmp/out" 2>&1
	grep -q "^goroutines  1:" "$tmp/out" && ok || bad "$name: one g listed $len times is not shown once: $(grep '^goroutines' "$tmp/out")"
	expect_eq "$name: duplicate problem lines" 1 "$(grep -c '^problem .*lists .* gs more than once' "$tmp/out")"

	cp "$tmp/orig" "$tmp/core"
	put8 "$tmp/core" $((o + 8)) 0000000080000000
	"$HMAPCORE" --exe "$tmp/exe" info "$tmp/core" >"$tmp/out" 2>&1
	grep -q "^problem .*length 2147483648 but capacity" "$tmp/out" && ok || bad "$name: allgs length 2^31 is not told"
	expect_eq "$name: allgs length 2^31: goroutines" "$want" "$(grep '^goroutines' "$tmp/out")"
	put8 "$tmp/core" $((o + 16)) 0000000080000000
	"$HMAPCORE" --exe "$tmp/exe" info "$tmp/core" >"$tmp/out" 2>&1
	lines=$(grep -c '^problem' "$tmp/out")
	[ "$lines" -le 20 ] && ok || bad "$name: allgs length and capacity 2^31: $lines problem lines"
done
[ "$n" -gt 0 ] || [ -n "${HC_FIXTURE_CONFIGS:-}" ] || bad "no gallery fixture"
finish
