#!/bin/sh
# Slices into file-backed memory the core does not hold (issue 21: programs
# that mmap files got dozens of false slice-torn). The server fixture maps a
# file it created with syscall.Mmap(MAP_SHARED); with the default
# coredump_filter the kernel leaves those pages out of the core (the PT_LOAD
# has p_filesz 0, NT_FILE names the file). main.gIndex's values and
# main.gRecords[i].Data point into it. Such memory is "not in the core",
# never a finding (DESIGN.md "What an answer promises"): no slice-torn on
# them. Expected to fail until that is fixed (XFAIL_TESTS in Makefile.am);
# remove it from XFAIL_TESTS then.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq is not installed"; exit 77; }
[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
n=0
for d in $(fixtures); do
	[ "$(jq -r .program "$d/manifest.json")" = server ] || continue
	n=$((n + 1))
	name=${d#"$top_srcdir"/corefiles/}
	j=$("$HMAPCORE" --format json check "$d/core.xz")
	c=$(echo "$j" | jq '[.findings[] | select(.code == "slice-torn" and
		(.path | test("^(main\\.gIndex\\[|main\\.gRecords\\[|syscall\\.mapper)")))] | length')
	expect_eq "$name: slice-torn findings on slices into the unmapped file mapping" 0 "$c"
	# The values are still decoded: the index's keys are all there.
	k=$("$HMAPCORE" --format json map "$d/core.xz" main.gIndex | jq '.entries | length' 2>/dev/null)
	expect_eq "$name: main.gIndex entries" "$(jq '.maps[] | select(.name == "main.gIndex") | .count' "$d/manifest.json")" "$k"
done
[ "$n" -gt 0 ] || { echo "SKIP: no server fixture"; exit 77; }
echo "mmap: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
