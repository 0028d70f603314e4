#!/bin/sh
# Memory the core does not hold is not a finding (issue 21 item 3): the
# mmapfile fixtures map a 1 MiB file (byte i = 'a' + i%26) and keep 64
# subslices of it (main.gViews) and a map of strings into it (main.gIndex);
# the kernel's default coredump_filter leaves the mapping out of the core.
#   - no slice-torn, no map-bad-pointer;
#   - the strings print as "not in the core (file-backed: PATH)", addr says
#     so, for every view of mapped.json;
#   - with the file recreated at its recorded path (same content, same
#     size), its bytes are read from it: every string is the view's first
#     8 bytes of mapped.json, and a note says the file was read.
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq is not installed"; exit 77; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/hmapcore-notincore.XXXXXX") || exit 1
made=""
cleanup() {
	[ -z "$made" ] || rm -f "$made"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

n=0
for d in $(fixtures | grep '/mmapfile$'); do
	[ -f "$d/mapped.json" ] || { bad "$d: no mapped.json"; continue; }
	n=$((n + 1))
	name=${d#"$top_srcdir"/corefiles/}
	path=$(jq -r .path "$d/mapped.json")
	size=$(jq -r .size "$d/mapped.json")
	if [ -e "$path" ]; then
		echo "note: $name: $path exists, the not-in-the-core half is skipped"
	else
		"$HMAPCORE" check -f json "$d/core.xz" >"$dir/check.json" 2>"$dir/err"
		expect_eq "$name: slice-torn or map-bad-pointer findings" 0 \
			"$(jq '[.findings[] | select(.code == "slice-torn" or .code == "map-bad-pointer")] | length' "$dir/check.json")"
		expect_eq "$name: the fatal panic is still found" 1 \
			"$(jq '[.findings[] | select(.code == "fatal")] | length' "$dir/check.json")"
		"$HMAPCORE" map "$d/core.xz" main.gIndex >"$dir/map" 2>"$dir/err"
		expect_eq "$name: entries not in the core" 64 \
			"$(grep -cF ": <not in the core (file-backed: $path) 0x" "$dir/map")"
		ptr=$(jq -r '.views[5].ptr' "$d/mapped.json")
		"$HMAPCORE" addr "$d/core.xz" "$ptr" >"$dir/addr" 2>"$dir/err"
		if grep -qxF "file            not in the core (file-backed: $path)" "$dir/addr"; then ok; else
			bad "$name: addr $ptr does not say not in the core: $(cat "$dir/addr")"
		fi
	fi
	# The file at its recorded path, as the program wrote it.
	if [ ! -e "$path" ] && mkdir -p "$(dirname "$path")" 2>/dev/null &&
		awk -v n="$size" 'BEGIN { a = "abcdefghijklmnopqrstuvwxyz"
			while (n >= 26) { printf "%s", a; n -= 26 }
			printf "%s", substr(a, 1, n) }' >"$path"; then
		made=$path
		[ "$(wc -c <"$path")" -eq "$size" ] || bad "$name: made $path of the wrong size"
		"$HMAPCORE" map -f json "$d/core.xz" main.gIndex >"$dir/map.json" 2>"$dir/err"
		jq -r '.views[] | "\(.index) \(.first)"' "$d/mapped.json" | sort >"$dir/want"
		jq -r '.entries[] | "\(.key) \(.value)"' "$dir/map.json" | sort >"$dir/got"
		if cmp -s "$dir/want" "$dir/got"; then ok; else
			bad "$name: values read from $path differ from mapped.json: $(diff "$dir/want" "$dir/got" | head -n 4)"
		fi
		"$HMAPCORE" info "$d/core.xz" >"$dir/info" 2>"$dir/err"
		if grep -qF "read from $path on disk" "$dir/info"; then ok; else
			bad "$name: info does not say $path was read from disk"
		fi
		"$HMAPCORE" check -f json "$d/core.xz" >"$dir/check.json" 2>"$dir/err"
		expect_eq "$name: slice-torn with the file" 0 \
			"$(jq '[.findings[] | select(.code == "slice-torn")] | length' "$dir/check.json")"
		rm -f "$path"
		rmdir "$(dirname "$path")" "$(dirname "$(dirname "$path")")" 2>/dev/null
		made=""
	else
		echo "note: $name: cannot make $path, the read-from-the-file half is skipped"
	fi
done
[ "$n" -gt 0 ] || { echo "SKIP: no mmapfile fixture"; exit 77; }

echo "notincore.sh: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
