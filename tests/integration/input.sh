#!/bin/sh
# Cores as Linux hands them over (issue 22): from a pipe ("-"), compressed
# or not; compressed ones decompressed into an unlinked temporary file in
# $TMPDIR, never left behind; a core larger than the machine's memory
# (a sparse one) opens; a temporary file that cannot be written (a full
# disk) is a clear error with exit status 2, never a crash.
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
for tool in xz zstd gzip truncate; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/hmapcore-input.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
spool=$dir/spool
mkdir "$spool"
TMPDIR=$spool
export TMPDIR

fx=$(fixtures | grep '/gallery$' | tail -n 1)
[ -n "$fx" ] || { echo "SKIP: no gallery fixture"; exit 77; }
exe=$fx/exe.xz
xz -dc "$fx/core.xz" >"$dir/core"

# The oracle: the same commands on the compressed file.
for c in "goroutines --format go" "maps" "threads"; do
	# shellcheck disable=SC2086 # words split on purpose
	"$HMAPCORE" $c --exe "$exe" "$fx/core.xz" >"$dir/want" 2>"$dir/err.want"
	st=$?
	[ $st -le 1 ] || bad "$c on core.xz: exit $st: $(head -c 300 "$dir/err.want")"
	for via in "xz -dc" "zstd -q -c" "gzip -1 -c" "cat"; do
		label="$c from a pipe ($via)"
		if [ "$via" = "xz -dc" ]; then
			xz -dc "$fx/core.xz" >"$dir/piped"
		else
			$via "$dir/core" >"$dir/piped"
		fi
		# shellcheck disable=SC2086
		"$HMAPCORE" $c --exe "$exe" - <"$dir/piped" >"$dir/got" 2>"$dir/err"
		expect_eq "$label: exit status" "$st" "$?"
		if cmp -s "$dir/want" "$dir/got"; then ok; else
			bad "$label: output differs from the file's: $(diff "$dir/want" "$dir/got" | head -n 5)"
		fi
	done
done
# A real pipe, and the report of one.
zstd -q -c "$dir/core" | "$HMAPCORE" report --exe "$exe" - >"$dir/got" 2>"$dir/err"
st=$?
[ $st -le 1 ] && ok || bad "zstd | report -: exit $st: $(head -c 300 "$dir/err")"
grep -q "goroutine" "$dir/got" && ok || bad "zstd | report -: no goroutine in the report"
xz -dc "$fx/core.xz" | "$HMAPCORE" info --exe "$exe" - >"$dir/got" 2>"$dir/err"
expect_eq "xz -dc | info --exe EXE -: exit status" 0 "$?"
grep -q '^core  *- ' "$dir/got" && ok || bad "info -: the core line does not name '-': $(head -n 1 "$dir/got")"
# Nothing piped: a clear error, not a hang or a crash.
"$HMAPCORE" info --exe "$exe" - </dev/null >/dev/null 2>"$dir/err"
expect_eq "empty standard input: exit status" 2 "$?"
# Without --exe, a piped core looks for no "exe" in the current folder.
(cd "$dir" && cp "$exe" exe.xz && "$HMAPCORE" info - <"$dir/core" >/dev/null 2>"$dir/err")
expect_eq "piped core without --exe: exit status" 2 "$?"
grep -q "give it with --exe" "$dir/err" && ok || bad "piped core without --exe: $(cat "$dir/err")"
rm -f "$dir/exe.xz"

# Compressed cores leave no file behind.
left=$(ls -A "$spool")
expect_eq "temporary files left in TMPDIR" "" "$left"

# A full disk: the temporary file cannot grow (a file size limit; SIGXFSZ
# ignored, so the write fails with EFBIG as it would with ENOSPC).
(trap '' XFSZ; ulimit -f 2048; exec "$HMAPCORE" info --exe "$exe" "$fx/core.xz") \
	>/dev/null 2>"$dir/err"
expect_eq "temporary file cannot be written: exit status" 2 "$?"
grep -q "temporary file in $spool" "$dir/err" && ok ||
	bad "temporary file cannot be written: stderr: $(cat "$dir/err")"
# A TMPDIR that does not exist.
TMPDIR=$dir/missing "$HMAPCORE" info --exe "$exe" "$fx/core.xz" >/dev/null 2>"$dir/err"
expect_eq "missing TMPDIR: exit status" 2 "$?"
grep -q "creating a temporary file in $dir/missing" "$dir/err" && ok ||
	bad "missing TMPDIR: stderr: $(cat "$dir/err")"

# Larger than memory: the core extended (sparse) past RAM and swap opens
# and info works; it takes no disk.
mem_kb=$(awk '/^(MemTotal|SwapTotal):/ { s += $2 } END { print s }' /proc/meminfo)
big=$(( (mem_kb / 1048576 + 16) ))G
cp "$dir/core" "$dir/big"
if truncate -s "$big" "$dir/big" 2>/dev/null; then
	"$HMAPCORE" info --exe "$exe" "$dir/big" >"$dir/got" 2>"$dir/err"
	st=$?
	[ $st -le 1 ] && ok || bad "a $big core: exit $st: $(head -c 300 "$dir/err")"
	grep -q '^threads ' "$dir/got" && ok || bad "a $big core: no threads line"
	rm -f "$dir/big"
else
	echo "note: cannot make a sparse $big file here; skipped"
fi

# The notice: a spooled core of 256 MiB or more says where it went.
cp "$dir/core" "$dir/mid"
truncate -s 300M "$dir/mid"
zstd -q -1 -c "$dir/mid" | "$HMAPCORE" info --exe "$exe" - >/dev/null 2>"$dir/err"
expect_eq "300 MiB zstd core from a pipe: exit status" 0 "$?"
grep -q "^hmapcore: decompressed 300.0 MiB of standard input into an unlinked temporary file in $spool (.* on disk" "$dir/err" && ok ||
	bad "300 MiB core: no notice on stderr: $(cat "$dir/err")"
"$HMAPCORE" info --exe "$exe" "$fx/core.xz" >/dev/null 2>"$dir/err"
expect_eq "small core: nothing on stderr" "" "$(cat "$dir/err")"
left=$(ls -A "$spool")
expect_eq "temporary files left in TMPDIR" "" "$left"
finish
