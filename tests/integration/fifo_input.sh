#!/bin/sh
# Issue 24 item 3 (fifo-input): a FIFO as the core, as --exe or as
# --debug-file hung forever in open(2). Anything that is not a regular file
# (a FIFO, a directory, a character device) is an error at once, exit 2,
# that names the file.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/fifo"

# One fixture is enough: the file is refused before it is read.
d=$(fixtures | head -n 1)
[ -n "$d" ] || { echo "no fixture"; exit 77; }

# run WHAT ARGS...: exit 2 within 10 s, "not a regular file" on stderr.
run() {
	what=$1
	shift
	timeout 10 "$HMAPCORE" "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	expect_eq "$what: exit" 2 "$rc"
	grep -q 'not a regular file' "$tmp/err" && ok || bad "$what: stderr: $(cat "$tmp/err")"
}

for p in "$tmp/fifo" /dev/null "$tmp"; do
	run "core $p" info "$p"
	run "--exe $p" --exe "$p" info "$d/core.xz"
	run "--debug-file $p" --exe "$d/exe.xz" --debug-file "$p" info "$d/core.xz"
done
finish
