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
	nfix=$((nfix + 1))
	name=${d#"$top_srcdir"/corefiles/}
	m="$d/manifest.json"
	# Decompressed once: every command below reads it again.
	xz -dc "$d/core.xz" >"$tmp/core" && xz -dc "$d/exe.xz" >"$tmp/exe" || {
		bad "$name: cannot decompress"
		continue
	}
	"$HMAPCORE" maps --format json --exe "$tmp/exe" "$tmp/core" >"$tmp/maps.json" 2>"$tmp/err" ||
		{ bad "$name: maps failed: $(cat "$tmp/err")"; continue; }
	"$HMAPCORE" check --format json --exe "$tmp/exe" "$tmp/core" >"$tmp/check.json" 2>"$tmp/err"
	st=$?
	[ $st -eq 0 ] || [ $st -eq 1 ] || { bad "$name: check exited $st: $(cat "$tmp/err")"; continue; }
	impl=$(jq -r .map_impl "$m")

	n=$(jq '.maps | length' "$m")
	i=0
	while [ $i -lt "$n" ]; do
		mm=$(jq -c ".maps[$i]" "$m")
		i=$((i + 1))
		mname=$(echo "$mm" | jq -r .name)
		maddr=$(echo "$mm" | jq -r .addr)
		stable=$(echo "$mm" | jq -r .stable)
		maps_listed=$((maps_listed + 1))
		row=$(jq -c --arg p "$mname" '[.maps[] | select(.path == $p)][0]' "$tmp/maps.json")
		if [ "$row" = "null" ]; then
			bad "$name: $mname is not among the maps found"
			continue
		fi
		maps_found=$((maps_found + 1))
		expect_eq "$name: $mname address" "$maddr" "$(echo "$row" | jq -r .addr)"
		[ "$maddr" = "0x0" ] && continue
		expect_eq "$name: $mname implementation" "$impl" "$(echo "$row" | jq -r .impl)"
		if [ "$stable" = true ]; then
			expect_eq "$name: $mname count" "$(echo "$mm" | jq -r .count)" "$(echo "$row" | jq -r .count)"
			expect_eq "$name: $mname entries" "$(echo "$mm" | jq -r .count)" "$(echo "$row" | jq -r .entries)"
			if [ "$impl" = classic ]; then
				for f in B oldbuckets nevacuate growing; do
					expect_eq "$name: $mname $f" "$(echo "$mm" | jq -r ".classic.$f")" \
						"$(echo "$row" | jq -r ".$f")"
				done
			else
				for f in dirPtr dirLen globalDepth; do
					expect_eq "$name: $mname $f" "$(echo "$mm" | jq -r ".swiss.$f")" \
						"$(echo "$row" | jq -r ".$f")"
				done
			fi
			# No finding on a healthy map, but the one planted on the
			# map that grew and was emptied (maps never shrink).
			allowed='^$'
			echo "$mm" | jq -r '.note // ""' | grep -q 'never shrink' && allowed='^map-oversized$'
			unexpected=$(echo "$row" | jq -r '.findings[]' | grep -v "$allowed")
			[ -z "$unexpected" ] && ok || bad "$name: healthy $mname has findings: $unexpected"
		fi
		# Sample keys among the decoded keys (as fmt.Sprint prints them).
		ns=$(echo "$mm" | jq '.sample_keys | length')
		if [ "$ns" -gt 0 ]; then
			"$HMAPCORE" map --format json --limit 1000000 --exe "$tmp/exe" "$tmp/core" "$mname" \
				>"$tmp/map.json" 2>"$tmp/err" || { bad "$name: map $mname failed: $(cat "$tmp/err")"; continue; }
			missing=$(jq -r --slurpfile k "$tmp/map.json" \
				'.maps' "$m" >/dev/null; echo "$mm" | jq -r --slurpfile k "$tmp/map.json" \
				'.sample_keys[] as $s | select(([$k[0].entries[].key] | index($s)) == null) | $s')
			[ -z "$missing" ] && ok || bad "$name: $mname keys not decoded: $(echo "$missing" | head -c 300)"
		fi
	done

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
done

if [ $nfix -eq 0 ]; then
	echo "SKIP: no fixtures under corefiles/"
	exit 77
fi
echo "$nfix fixtures; maps found $maps_found of $maps_listed listed in the manifests"
finish
