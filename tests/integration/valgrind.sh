#!/bin/sh
# valgrind (memcheck) on a sample (issue 7): every reading command on a
# classic, a Swiss and a nil-map fixture, from the compressed files, with
# no memcheck error and no definite leak. Skipped in sanitizer builds
# (valgrind cannot run an ASan binary) and where valgrind is missing.
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind is not installed"; exit 77; }
if grep -q -a -e __asan_init -e __ubsan_handle "$HMAPCORE"; then
	echo "SKIP: $HMAPCORE is built with sanitizers; valgrind runs on the plain build"
	exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/hmapcore-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

n=0
for fx in go1.22.12/gallery go1.26.11/gallery go1.24.13-noswissmap/nilmap; do
	src=$top_srcdir/corefiles/$fx
	[ -f "$src/core.xz" ] || { echo "SKIP: no fixture $fx"; continue; }
	for c in "info" "goroutines --stacks" "threads --stacks" "maps --entries --format json" "check" \
		"report --format html"; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # words split on purpose
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite --log-file="$dir/vg.$n" \
			"$HMAPCORE" $c --exe "$src/exe.xz" "$src/core.xz" >/dev/null 2>"$dir/err.$n"
		st=$?
		case $st in
		0 | 1) ok ;;
		99) bad "$fx: $c: memcheck errors: $(head -c 1500 "$dir/vg.$n")" ;;
		*) bad "$fx: $c: exit status $st: $(head -c 300 "$dir/err.$n") $(head -c 600 "$dir/vg.$n")" ;;
		esac
		if [ -s "$dir/vg.$n" ]; then
			bad "$fx: $c: valgrind said: $(head -c 1500 "$dir/vg.$n")"
		else
			ok
		fi
	done
done
[ $n -gt 0 ] || { echo "SKIP: no fixtures"; exit 77; }
echo "valgrind: $n runs"
finish
