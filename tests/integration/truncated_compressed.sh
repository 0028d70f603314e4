#!/bin/sh
# Issue 24 item 10 (compressed-core-truncated): a truncated plain core is
# analysed with a core-truncated warning, but a truncated compressed core
# (xz, zstd, gzip) could not be read at all. Now what decodes is read the
# same way: check exits 1 with the core-truncated finding, not 2.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

d=$(for f in $(fixtures); do
	[ "$(jq -r .program "$f/manifest.json")" = gallery ] && ! is_stripped "$f" && echo "$f"
done | tail -n 1)
[ -n "$d" ] || { echo "no gallery fixture"; exit 77; }
name=${d#"$top_srcdir"/corefiles/}

# half FILE: its first half.
half() {
	head -c $(($(wc -c <"$1") / 2)) "$1"
}

xz -dc "$d/core.xz" >"$tmp/core"
half "$d/core.xz" >"$tmp/half.xz"
zstd -q -1 -c "$tmp/core" >"$tmp/core.zst" && half "$tmp/core.zst" >"$tmp/half.zst"
gzip -1 -c "$tmp/core" >"$tmp/core.gz" && half "$tmp/core.gz" >"$tmp/half.gz"
half "$tmp/core" >"$tmp/half.plain"
for f in half.plain half.xz half.zst half.gz; do
	timeout 120 "$HMAPCORE" --exe "$d/exe.xz" check "$tmp/$f" >"$tmp/out" 2>"$tmp/err"
	expect_eq "$name $f: check exit" 1 "$?"
	grep -q '^warning core-truncated: ' "$tmp/out" && ok ||
		bad "$name $f: no core-truncated finding: $(tail -2 "$tmp/err")"
done
# A whole compressed core is not truncated.
"$HMAPCORE" --exe "$d/exe.xz" check "$tmp/core.zst" >"$tmp/out" 2>&1
grep -q 'core-truncated' "$tmp/out" && bad "$name: a whole zstd core is said truncated" || ok
finish
