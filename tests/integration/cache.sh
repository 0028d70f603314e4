#!/bin/sh
# The decompression cache (issue 22 item 4): with --cache DIR (or
# HMAPCORE_CACHE) the second command on the same compressed core maps the
# entry the first one wrote instead of decompressing again, and prints the
# same; a corrupt entry is ignored with one line on stderr and replaced; a
# directory others may write is refused; without the option nothing is
# written outside the unlinked temporary file (sandbox.sh checks that).
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
for tool in xz zstd; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/hmapcore-cache.XXXXXX") || exit 1
trap 'chmod -R u+w "$dir"; rm -rf "$dir"' EXIT INT TERM
mkdir "$dir/tmp"
TMPDIR=$dir/tmp
export TMPDIR
unset HMAPCORE_CACHE HMAPCORE_CACHE_MAX HMAPCORE_STATS

fx=$(fixtures | grep '/gallery$' | tail -n 1)
[ -n "$fx" ] || { echo "SKIP: no gallery fixture"; exit 77; }
xz -dc "$fx/exe.xz" >"$dir/exe"
xz -dc "$fx/core.xz" | zstd -q -T1 -c >"$dir/core.zst"
cache=$dir/cache

entries() { ls -A "$cache" 2>/dev/null | grep -c '\.core$'; }

for c in "info" "maps" "goroutines --format go"; do
	# shellcheck disable=SC2086 # words split on purpose
	"$HMAPCORE" $c --exe "$dir/exe" "$dir/core.zst" >"$dir/want" 2>/dev/null
	st=$?
	for run in 1 2; do
		label="$c --cache (run $run)"
		# shellcheck disable=SC2086
		HMAPCORE_STATS=1 "$HMAPCORE" --cache "$cache" $c --exe "$dir/exe" "$dir/core.zst" \
			>"$dir/got" 2>"$dir/err"
		expect_eq "$label: exit status" "$st" "$?"
		if cmp -s "$dir/want" "$dir/got"; then ok; else
			bad "$label: output differs from the one without the cache"
		fi
		if grep -q "^hmapcore-stats: core from the cache" "$dir/err"; then
			hit=yes
		else
			hit=no
		fi
		if [ "$c" = info ] && [ $run = 1 ]; then want_hit=no; else want_hit=yes; fi
		expect_eq "$label: read from the cache" "$want_hit" "$hit"
		expect_eq "$label: warnings" "" "$(grep -v -E '^hmapcore-(stats|time)' "$dir/err")"
	done
done
expect_eq "one entry (the executable is not compressed)" 1 "$(entries)"
expect_eq "cache mode" 700 "$(stat -c %a "$cache")"
expect_eq "nothing left in TMPDIR" "" "$(ls -A "$TMPDIR")"

# Keyed by content: a copy elsewhere, and HMAPCORE_CACHE.
cp "$dir/core.zst" "$dir/copy.zst"
HMAPCORE_CACHE=$cache HMAPCORE_STATS=1 "$HMAPCORE" info --exe "$dir/exe" "$dir/copy.zst" \
	>/dev/null 2>"$dir/err"
grep -q "^hmapcore-stats: core from the cache" "$dir/err" && ok ||
	bad "HMAPCORE_CACHE on a copy: not from the cache: $(cat "$dir/err")"
# Standard input: the same compressed bytes, the same entry.
HMAPCORE_STATS=1 "$HMAPCORE" --cache "$cache" info --exe "$dir/exe" - <"$dir/core.zst" \
	>"$dir/got" 2>"$dir/err"
grep -q "^hmapcore-stats: core from the cache" "$dir/err" && ok ||
	bad "standard input: not from the cache: $(cat "$dir/err")"
expect_eq "entries after a copy and a pipe" 1 "$(entries)"

# A corrupt entry: one line saying so, the right answer, replaced.
entry=$(ls "$cache"/*.core)
printf 'XXXX' | dd of="$entry" bs=1 seek=8192 conv=notrunc 2>/dev/null
"$HMAPCORE" info --exe "$dir/exe" "$dir/core.zst" >"$dir/want" 2>/dev/null
HMAPCORE_STATS=1 "$HMAPCORE" --cache "$cache" info --exe "$dir/exe" "$dir/core.zst" \
	>"$dir/got" 2>"$dir/err"
expect_eq "corrupt entry: exit status" 0 "$?"
cmp -s "$dir/want" "$dir/got" && ok || bad "corrupt entry: output differs"
expect_eq "corrupt entry: lines on stderr" 1 "$(grep -c -v -E '^hmapcore-(stats|time)' "$dir/err")"
grep -q "^hmapcore: the cache entry $entry does not match (its content does not hash to the digest recorded): ignored, decompressing again" "$dir/err" && ok ||
	bad "corrupt entry: stderr: $(cat "$dir/err")"
HMAPCORE_STATS=1 "$HMAPCORE" --cache "$cache" info --exe "$dir/exe" "$dir/core.zst" \
	>/dev/null 2>"$dir/err"
grep -q "^hmapcore-stats: core from the cache" "$dir/err" && ok ||
	bad "replaced entry: not used: $(cat "$dir/err")"

# A compressed executable is cached too, and its corrupt entry says so.
xcache=$dir/xcache
"$HMAPCORE" info --exe "$fx/exe.xz" "$dir/core.zst" >"$dir/want" 2>/dev/null
"$HMAPCORE" --cache "$xcache" info --exe "$fx/exe.xz" "$dir/core.zst" >/dev/null 2>&1
expect_eq "core and exe.xz: entries" 2 "$(ls -A "$xcache" | grep -c '\.core$')"
for e in "$xcache"/*.core; do
	printf 'XXXX' | dd of="$e" bs=1 seek=8192 conv=notrunc 2>/dev/null
done
"$HMAPCORE" --cache "$xcache" info --exe "$fx/exe.xz" "$dir/core.zst" >"$dir/got" 2>"$dir/err"
expect_eq "corrupt core and exe entries: exit status" 0 "$?"
cmp -s "$dir/want" "$dir/got" && ok || bad "corrupt core and exe entries: output differs"
expect_eq "corrupt core and exe entries: lines on stderr" 2 \
	"$(grep -c '^hmapcore: the cache entry .* does not match' "$dir/err")"

# The cap: an entry larger than HMAPCORE_CACHE_MAX is not kept.
HMAPCORE_CACHE_MAX=1M "$HMAPCORE" --cache "$dir/small" info --exe "$dir/exe" "$dir/core.zst" \
	>/dev/null 2>"$dir/err"
expect_eq "HMAPCORE_CACHE_MAX=1M: exit status" 0 "$?"
expect_eq "HMAPCORE_CACHE_MAX=1M: entries kept" "" "$(ls -A "$dir/small")"
HMAPCORE_CACHE_MAX=lots "$HMAPCORE" --cache "$cache" info "$dir/core.zst" >/dev/null 2>"$dir/err"
expect_eq "HMAPCORE_CACHE_MAX=lots: exit status" 64 "$?"
grep -q "HMAPCORE_CACHE_MAX takes a size" "$dir/err" && ok || bad "HMAPCORE_CACHE_MAX=lots: $(cat "$dir/err")"

# A directory others may write to is refused, saying why.
mkdir "$dir/shared"
chmod 0777 "$dir/shared"
"$HMAPCORE" --cache "$dir/shared" info --exe "$dir/exe" "$dir/core.zst" >/dev/null 2>"$dir/err"
expect_eq "shared cache: exit status" 2 "$?"
grep -q "refusing the cache $dir/shared: others may write to it (mode 777)" "$dir/err" && ok ||
	bad "shared cache: stderr: $(cat "$dir/err")"
expect_eq "shared cache: nothing written" "" "$(ls -A "$dir/shared")"
finish
