#!/bin/sh
# Frame roots are live (corefiles/programs/frameroots): a frame variable
# that DWARF places in its stack slot but the runtime's stack maps say is
# dead at the frame's PC is no root. For every frameroots fixture, `maps`
# says it skipped dead frame roots, lists nothing reached from the dead
# slot's frame (main.holdDead: its target was freed), and still finds the
# live frame map under its manifest name at its address; with a walk budget
# that runs out, it says the walk is incomplete and why.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || { echo "SKIP: jq is not installed"; exit 77; }
[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hc-frameroots.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

nfix=0
for d in $(fixtures); do
	case $d in */frameroots) ;; *) continue ;; esac
	is_stripped "$d" && continue
	nfix=$((nfix + 1))
	name=${d#"$top_srcdir"/corefiles/}
	m="$d/manifest.json"
	xz -dc "$d/core.xz" >"$tmp/core" && xz -dc "$d/exe.xz" >"$tmp/exe" || {
		bad "$name: cannot decompress"
		continue
	}
	"$HMAPCORE" maps --format json --exe "$tmp/exe" "$tmp/core" >"$tmp/maps.json" 2>"$tmp/err" ||
		{ bad "$name: maps failed: $(cat "$tmp/err")"; continue; }
	dead=$(jq '.dead_frame_roots' "$tmp/maps.json")
	[ "$dead" -gt 0 ] 2>/dev/null && ok || bad "$name: dead frame roots skipped: $dead, expected > 0"
	jq -r '.dead_roots[] | "\(.goid) \(.function) \(.variable) \(.map_addr)"' "$m" |
		while read -r goid func var map_addr; do
			prefix="goroutine $goid frame $func "
			n=$(jq --arg p "$prefix" '[.maps[] | select(.path | startswith($p))] | length' "$tmp/maps.json")
			[ "$n" = 0 ] && echo ok || echo "bad $name: $n maps reached from the dead slot $func $var"
			n=$(jq --arg a "$map_addr" '[.maps[] | select(.addr == $a and (.path | startswith("goroutine ")))] | length' "$tmp/maps.json")
			[ "$n" = 0 ] && echo ok || echo "bad $name: the freed map $map_addr is listed from a frame"
		done >"$tmp/cmp"
	jq -r '.maps[] | "\(.name)\t\(.addr)"' "$m" | while IFS='	' read -r path addr; do
		got=$(jq -r --arg p "$path" '[.maps[] | select(.path == $p)][0].addr // "none"' "$tmp/maps.json")
		[ "$got" = "$addr" ] && echo ok || echo "bad $name: live map $path: expected $addr, got $got"
	done >>"$tmp/cmp"
	# A walk whose memory budget runs out stops there and says so.
	HMAPCORE_WALK_MEMORY=1 "$HMAPCORE" maps --format json --exe "$tmp/exe" "$tmp/core" >"$tmp/cut.json" 2>"$tmp/err" ||
		echo "bad $name: maps with a 1-byte walk budget failed: $(cat "$tmp/err")" >>"$tmp/cmp"
	[ "$(jq -r '.walk_stopped' "$tmp/cut.json")" = "memory budget" ] && [ "$(jq '.unwalked' "$tmp/cut.json")" -gt 0 ] &&
		echo ok >>"$tmp/cmp" || echo "bad $name: a 1-byte walk budget: not incomplete" >>"$tmp/cmp"
	HMAPCORE_WALK_MEMORY=1 "$HMAPCORE" maps --exe "$tmp/exe" "$tmp/core" 2>&1 | grep -q '^incomplete: the map discovery walk stopped on its budget' &&
		echo ok >>"$tmp/cmp" || echo "bad $name: maps text does not say the walk is incomplete" >>"$tmp/cmp"
	[ "$(jq -r '.walk_stopped // "none"' "$tmp/maps.json")" = none ] && echo ok >>"$tmp/cmp" ||
		echo "bad $name: the default budget ran out: $(jq -r .walk_stopped "$tmp/maps.json")" >>"$tmp/cmp"
	[ -s "$tmp/cmp" ] || bad "$name: nothing compared"
	while read -r line; do
		case $line in ok) ok ;; *) bad "${line#bad }" ;; esac
	done <"$tmp/cmp"
done

if [ $nfix -eq 0 ]; then
	echo "SKIP: no frameroots fixture under corefiles/"
	exit 77
fi
echo "$nfix frameroots fixtures"
finish
