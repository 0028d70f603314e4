#!/bin/sh
# `hmapcore maps`, `map` and `check` over every fixture of corefiles/,
# against each program's own manifest.json: every map it lists is found at
# the address it states, under its name, with its count, implementation,
# B / growth state or directory, and its sample keys among the decoded
# keys; the nil elements of []map and the planted torn slices are reported
# with the right code and path; no finding on a healthy map; the victim of
# the concurrent write and its writers, and the nil-map writer, are named.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || { echo "SKIP: jq is not installed"; exit 77; }
[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hc-maps.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

nfix=0
maps_found=0
maps_listed=0
for d in $(fixtures); do
	# Without DWARF no map is found by name: stripped.sh asserts what a
	# stripped build gives instead.
	is_stripped "$d" && continue
	nfix=$((nfix + 1))
	name=${d#"$top_srcdir"/corefiles/}
	m="$d/manifest.json"
	# Decompressed once: every command below reads it again.
	xz -dc "$d/core.xz" >"$tmp/core" && xz -dc "$d/exe.xz" >"$tmp/exe" || {
		bad "$name: cannot decompress"
		continue
	}
	"$HMAPCORE" maps --format json --entries --exe "$tmp/exe" "$tmp/core" >"$tmp/maps.json" 2>"$tmp/err" ||
		{ bad "$name: maps failed: $(cat "$tmp/err")"; continue; }
	"$HMAPCORE" check --format json --exe "$tmp/exe" "$tmp/core" >"$tmp/check.json" 2>"$tmp/err"
	st=$?
	[ $st -eq 0 ] || [ $st -eq 1 ] || { bad "$name: check exited $st: $(cat "$tmp/err")"; continue; }
	impl=$(jq -r .map_impl "$m")

	# One jq program compares every manifest map with the row found under
	# its name; it prints "ok" or "bad <what>" per assertion.
	jq -r --arg impl "$impl" --slurpfile found "$tmp/maps.json" '
	def eq($what; $want; $got):
		if ($want | tostring) == ($got | tostring) then "ok"
		else "bad \(.name): \($what): expected \($want), got \($got)" end;
	.maps[] as $m | $m |
	([$found[0].maps[] | select(.path == $m.name)][0]) as $r |
	if $r == null then "bad \(.name): not among the maps found"
	else
		"found",
		eq("address"; $m.addr; $r.addr),
		(if $m.addr == "0x0" then empty else
			eq("implementation"; $impl; $r.impl),
			(if $m.stable then
				eq("count"; $m.count; $r.count),
				eq("entries"; $m.count; $r.entries),
				(if $impl == "classic" then
					(["B", "oldbuckets", "nevacuate", "growing"][] as $f |
					 eq($f; $m.classic[$f]; $r[$f]))
				else
					(["dirPtr", "dirLen", "globalDepth"][] as $f |
					 eq($f; $m.swiss[$f]; $r[$f]))
				end),
				# No finding on a healthy map, but map-oversized on the
				# map that grew and was emptied (maps never shrink).
				([$r.findings[] | select(. != "map-oversized" or
					(($m.note // "") | test("never shrink") | not))] as $bad |
				 if $bad == [] then "ok"
				 else "bad \($m.name): healthy map has findings \($bad)" end)
			else empty end),
			# Sample keys among the decoded keys, as fmt.Sprint prints them.
			(($r.keys // []) as $keys | $m.sample_keys[] as $s |
			 if ($keys | index($s)) != null then "ok"
			 else "bad \($m.name): key \($s | .[0:200] | @json) not decoded" end)
		end)
	end' "$m" >"$tmp/cmp" || { bad "$name: comparing with the manifest failed"; continue; }
	listed=$(jq '.maps | length' "$m")
	found=$(grep -c '^found$' "$tmp/cmp")
	maps_listed=$((maps_listed + listed))
	maps_found=$((maps_found + found))
	while read -r line; do
		case $line in
		ok) ok ;;
		found) ;;
		*) bad "$name: ${line#bad }" ;;
		esac
	done <"$tmp/cmp"

	# sync.Maps: found as "NAME (sync.Map)" with their live entries.
	jq -r --slurpfile found "$tmp/maps.json" '
	.sync_maps[]? as $s |
	([$found[0].maps[] | select(.path == ($s.name + " (sync.Map)"))][0]) as $r |
	if $r == null then "bad \($s.name): sync.Map not found"
	else
		(if ($s.count | tostring) == ($r.count | tostring) then "ok"
		 else "bad \($s.name): sync.Map count: expected \($s.count), got \($r.count)" end),
		($s.sample_keys[] as $k |
		 if (($r.keys // []) | index($k)) != null then "ok"
		 else "bad \($s.name): sync.Map key \($k | @json) not decoded" end)
	end' "$m" >"$tmp/sync" || bad "$name: comparing sync.Maps failed"
	while read -r line; do
		case $line in ok) ok ;; *) bad "$name: ${line#bad }" ;; esac
	done <"$tmp/sync"

	# Nil elements of slices of maps, by path.
	for p in $(jq -r '.nil_map_slices[] | .name as $n | .nil_indexes[] | "\($n)[\(.)]"' "$m"); do
		c=$(jq --arg p "$p" '[.findings[] | select(.code == "slice-nil-map" and .path == $p)] | length' "$tmp/check.json")
		expect_eq "$name: slice-nil-map on $p" 1 "$c"
	done
	# Planted torn slices, by path and kind.
	jq -r '.torn_slices[] | "\(.name) \(.fault)"' "$m" | while read -r p fault; do
		case $fault in
		wild-pointer) want=unmapped ;;
		*) want=$fault ;;
		esac
		c=$(jq --arg p "$p" --arg w "$want" '[.findings[] | select(.code == "slice-torn" and .path == $p and (.message | startswith($w)))] | length' "$tmp/check.json")
		if [ "$c" = 1 ]; then echo ok; else echo "bad $p: expected slice-torn ($want)"; fi
	done >"$tmp/torn"
	while read -r line; do
		case $line in ok) ok ;; *) bad "$name: $line" ;; esac
	done <"$tmp/torn"

	# The crash: the victim map and the goroutines writing it.
	kind=$(jq -r .crash.kind "$m")
	msg=$(jq -r .crash.message "$m")
	if [ "$msg" = "concurrent map writes" ]; then
		victim=$(jq -r '.maps[] | select(.stable == false) | .name' "$m" | head -n 1)
		f=$(jq -c '[.findings[] | select(.code == "map-concurrent-write")][0]' "$tmp/check.json")
		expect_eq "$name: concurrent write victim" "$victim" "$(echo "$f" | jq -r .path)"
		# Every goroutine named is one of the program's writers.
		writers=$(jq -c '.crash.candidate_goroutines' "$m")
		extra=$(echo "$f" | jq -r --argjson w "$writers" '.goroutines[] | select(. as $g | $w | index($g) | not)')
		[ -z "$extra" ] && ok || bad "$name: goroutines $extra named as writers but are not"
		ng=$(echo "$f" | jq '.goroutines | length')
		[ "$ng" -ge 1 ] && ok || bad "$name: no writer named"
	elif [ "$msg" = "assignment to entry in nil map" ]; then
		f=$(jq -c '[.findings[] | select(.code == "map-nil-write")][0]' "$tmp/check.json")
		expect_eq "$name: nil map writer" "$(jq -r .crash.goroutine "$m")" "$(echo "$f" | jq -r '.goroutines[0]')"
	fi
	[ "$kind" = "" ] || true

	# `map NAME` on a global takes the one-map path (no discovery): the
	# same address and entry count as the manifest, and the victim of a
	# concurrent write still shows its finding.
	jq -r '.maps[] | select(.stable and (.nil | not) and (.name | test("^[A-Za-z0-9_.]+$")))
		| "\(.name) \(.addr) \(.count)"' "$m" | head -n 6 >"$tmp/globals"
	while read -r gname gaddr gcount; do
		"$HMAPCORE" map --exe "$tmp/exe" "$tmp/core" "$gname" --limit 1 -f json >"$tmp/one.json" 2>"$tmp/err"
		expect_eq "$name: map $gname" "$gaddr $gcount" \
			"$(jq -r '"\(.addr) \(.entries_total)"' "$tmp/one.json" 2>/dev/null)"
		# --no-check: the header's count and the same first entries,
		# without the walk.
		"$HMAPCORE" map --exe "$tmp/exe" "$tmp/core" "$gname" --limit 3 -f json >"$tmp/three.json" 2>"$tmp/err"
		"$HMAPCORE" map --no-check --exe "$tmp/exe" "$tmp/core" "$gname" --limit 3 -f json >"$tmp/quick.json" 2>"$tmp/err"
		expect_eq "$name: map --no-check $gname" "$gaddr $gcount false" \
			"$(jq -r '"\(.addr) \(.count) \(.checked)"' "$tmp/quick.json" 2>/dev/null)"
		expect_eq "$name: map --no-check $gname entries" "$(jq -c .entries "$tmp/three.json")" \
			"$(jq -c .entries "$tmp/quick.json" 2>/dev/null)"
	done <"$tmp/globals"
	if [ "$msg" = "concurrent map writes" ]; then
		"$HMAPCORE" map --exe "$tmp/exe" "$tmp/core" "$victim" --limit 1 >"$tmp/one.txt" 2>&1
		grep -q '^finding .*map-concurrent-write' "$tmp/one.txt" && ok ||
			bad "$name: map $victim does not show map-concurrent-write"
	fi
done

if [ $nfix -eq 0 ]; then
	echo "SKIP: no fixtures under corefiles/"
	exit 77
fi
echo "$nfix fixtures; maps found $maps_found of $maps_listed listed in the manifests"
finish
