#!/bin/sh
# Issue 24, "outputs that disagree with each other": the same facts in
# every command and format, checked against each fixture's manifest.
#   - syncmap_map_by_name (item 11): a sync.Map of the manifest is shown by
#     `map` with its entries, by its name, by its row's name
#     "NAME (sync.Map)" and by its address, in text and JSON: the
#     manifest's count, every sample key;
#   - map_formats_same_facts (item 12): `map PATH -f json` carries the
#     findings its text lists and that `maps` lists for that path; a nil
#     map of the manifest is nil in both ("nil": true, "entries": null;
#     "nil map" in the text), never an empty one;
#   - stripped_racing_map_unnamed (item 14): on a stripped build the map of
#     a concurrent write is said to be unnamed for want of DWARF, never
#     "not reachable from a global";
#   - no_check_field_path (item 15): `map --no-check` on a path through a
#     global's fields, indexes and keys reads the same map as `map` does.
# (Item 16, readable_key_paths, is tests/check_value.c: no fixture has a
# pointer key; the browser's columns are tests/integration/tui_maps.sh.)
# On the gallery fixture of every configuration (a few `map`
# runs each).
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || { echo "SKIP: no jq"; exit 77; }
[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hc-views.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

H() { "$HMAPCORE" --exe "$tmp/exe" "$@"; }

nfix=0
for dir in $(fixtures | grep -e '/gallery$'); do
	name=${dir#"$top_srcdir"/corefiles/}
	m="$dir/manifest.json"
	xz -dc "$dir/core.xz" >"$tmp/core" && xz -dc "$dir/exe.xz" >"$tmp/exe" ||
		{ bad "$name: cannot decompress"; continue; }
	nfix=$((nfix + 1))
	H maps -f json "$tmp/core" >"$tmp/maps.json" 2>"$tmp/err" ||
		{ bad "$name: maps failed: $(cat "$tmp/err")"; continue; }

	if ! is_stripped "$dir"; then
		# syncmap_map_by_name
		for sm in $(jq -r '.sync_maps[]? | "\(.name)=\(.count)"' "$m"); do
			sname=${sm%%=*}
			scount=${sm#*=}
			H map "$tmp/core" "$sname" >"$tmp/s.txt" 2>"$tmp/err" ||
				bad "syncmap_map_by_name $name: map $sname: $(cat "$tmp/err")"
			expect_eq "syncmap_map_by_name $name: map $sname count" "$scount" \
				"$(sed -n 's/^count  *//p' "$tmp/s.txt")"
			expect_eq "syncmap_map_by_name $name: map $sname entry lines" "$scount" \
				"$(sed -n '/^entries:/,$p' "$tmp/s.txt" | grep -c '^  ')"
			H map -f json "$tmp/core" "$sname (sync.Map)" >"$tmp/s.json" 2>"$tmp/err" ||
				bad "syncmap_map_by_name $name: map '$sname (sync.Map)': $(cat "$tmp/err")"
			expect_eq "syncmap_map_by_name $name: json count, entries_total, entries" \
				"$scount $scount $scount" \
				"$(jq -r '"\(.count) \(.entries_total) \(.entries | length)"' "$tmp/s.json" 2>/dev/null)"
			for k in $(jq -r --arg n "$sname" '.sync_maps[] | select(.name == $n) | .sample_keys[]' "$m"); do
				jq -e --arg k "$k" '[.entries[].key] | index($k) != null' "$tmp/s.json" >/dev/null &&
					ok || bad "syncmap_map_by_name $name: key $k of $sname not in map's entries"
			done
			addr=$(jq -r --arg p "$sname (sync.Map)" '.maps[] | select(.path == $p) | .addr' "$tmp/maps.json")
			H map -f json "$tmp/core" "$addr" >"$tmp/a.json" 2>"$tmp/err" ||
				bad "syncmap_map_by_name $name: map $addr: $(cat "$tmp/err")"
			expect_eq "syncmap_map_by_name $name: map $addr (the sync.Map's address)" \
				"$(jq -c .entries "$tmp/s.json")" "$(jq -c .entries "$tmp/a.json" 2>/dev/null)"
		done

		# map_formats_same_facts: a map of each set of findings, and two
		# nil maps of the manifest.
		{
			jq -r '[.maps[] | select(.findings | length > 0)]
				| group_by(.findings | join(",")) | .[][0].path' "$tmp/maps.json"
			jq -r '.maps[] | select(.nil) | .name' "$m" | head -n 2
		} | sort -u >"$tmp/paths"
		while IFS= read -r p; do
			want=$(jq -r --arg p "$p" '[.maps[] | select(.path == $p) | .findings[]] | join(",")' "$tmp/maps.json")
			H map -f json "$tmp/core" "$p" --limit 2 >"$tmp/one.json" 2>"$tmp/err" ||
				{ bad "map_formats_same_facts $name: map -f json '$p': $(cat "$tmp/err")"; continue; }
			H map "$tmp/core" "$p" --limit 2 >"$tmp/one.txt" 2>"$tmp/err"
			expect_eq "map_formats_same_facts $name: '$p' json findings = maps findings" "$want" \
				"$(jq -r '[.findings[].code] | join(",")' "$tmp/one.json")"
			expect_eq "map_formats_same_facts $name: '$p' text findings = maps findings" "$want" \
				"$(awk '/^finding /{print $3}' "$tmp/one.txt" | sed 's/:$//' | paste -sd, -)"
			isnil=$(jq -r --arg p "$p" '[.maps[] | select(.name == $p) | .nil][0] // false' "$m")
			if [ "$isnil" = true ]; then
				expect_eq "map_formats_same_facts $name: nil map '$p' json" "true null null" \
					"$(jq -r '"\(.nil) \(.entries) \(.count)"' "$tmp/one.json")"
				grep -q '^kind  *nil map' "$tmp/one.txt" && ok ||
					bad "map_formats_same_facts $name: nil map '$p': the text does not say nil"
			else
				expect_eq "map_formats_same_facts $name: '$p' json nil" "false" \
					"$(jq -r .nil "$tmp/one.json")"
			fi
		done <"$tmp/paths"

		# no_check_field_path: the manifest's maps named by a path
		# (main.gNested["a"], main.gShards[1]) and paths of fields that
		# maps lists (net.zoneCache.toIndex): --no-check reads the same
		# map (address, count or nil) without discovery.
		{
			jq -r '.maps[] | select(.name | test("[\\[]")) | "\(.name)\t\(.addr)\t\(if .nil then "null" else .count end)"' "$m" |
				head -n 6
			jq -r '.maps[] | select(.path | test("^[a-z][^ ]*\\.[A-Za-z_0-9]+\\.[A-Za-z_0-9.]+$"))
				| select(.path | test("/") | not)
				| "\(.path)\t\(.addr)\t\(if .addr == "0x0" then "null" else .count end)"' "$tmp/maps.json" |
				head -n 3
		} >"$tmp/npaths"
		[ -s "$tmp/npaths" ] && ok || bad "no_check_field_path $name: no path to try"
		while IFS="$(printf '\t')" read -r p paddr pcount; do
			H map --no-check -f json "$tmp/core" "$p" --limit 1 >"$tmp/nc.json" 2>"$tmp/err" ||
				{ bad "no_check_field_path $name: map --no-check '$p': $(cat "$tmp/err")"; continue; }
			expect_eq "no_check_field_path $name: map --no-check '$p'" "$paddr $pcount false" \
				"$(jq -r '"\(.addr) \(.count) \(.checked)"' "$tmp/nc.json")"
		done <"$tmp/npaths"
	elif [ "$(jq -r .crash.message "$m")" = "concurrent map writes" ]; then
		# stripped_racing_map_unnamed: the racing map is one of the
		# manifest's (a global), unnamed for want of DWARF.
		H check "$tmp/core" >"$tmp/check.txt" 2>"$tmp/err"
		line=$(grep 'map-concurrent-write' "$tmp/check.txt")
		vaddr=$(echo "$line" | sed -n 's/.* on map \(0x[0-9a-f]*\).*/\1/p')
		vname=$(jq -r --arg a "$vaddr" '.maps[] | select(.addr == $a) | .name' "$m")
		[ -n "$vname" ] && ok ||
			bad "stripped_racing_map_unnamed $name: racing map '$vaddr' is not a map of the manifest"
		case $line in
		*"(unnamed: no DWARF to name it)"*) ok ;;
		*) bad "stripped_racing_map_unnamed $name: $vname: '$line'" ;;
		esac
		H report "$tmp/core" >"$tmp/report.txt" 2>"$tmp/err"
		H report -f json "$tmp/core" >"$tmp/report.json" 2>"$tmp/err"
		expect_eq "stripped_racing_map_unnamed $name: report json crash.map" \
			"$vaddr null unnamed: no DWARF to name it" \
			"$(jq -r '.crash.map | "\(.addr) \(.path) \(.unnamed)"' "$tmp/report.json")"
		if grep -q 'not reachable' "$tmp/check.txt" "$tmp/report.txt"; then
			bad "stripped_racing_map_unnamed $name: $vname said not reachable"
		else
			ok
		fi
	fi
done

if [ $nfix -eq 0 ]; then
	echo "SKIP: no fixtures under corefiles/"
	exit 77
fi
finish
