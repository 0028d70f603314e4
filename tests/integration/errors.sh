#!/bin/sh
# Bad input gets a clear error and exit status 2 (or a usable result with a
# note), never a crash: missing files, files that are not ELF, an executable
# given as the core, the wrong executable, a core truncated at many points.
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
command -v xz >/dev/null 2>&1 || { echo "SKIP: xz is not installed"; exit 77; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/hmapcore-errors.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

# run_expect NAME STATUS PATTERN ARGS...: exit status and a stderr pattern.
run_expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	"$HMAPCORE" "$@" >"$dir/out" 2>"$dir/err"
	got=$?
	expect_eq "$name: exit status" "$want" "$got"
	if [ -n "$pattern" ]; then
		if grep -q -- "$pattern" "$dir/err"; then ok; else
			bad "$name: stderr lacks '$pattern': $(cat "$dir/err")"
		fi
	fi
}

run_expect "usage: no core" 64 "no core file given" info
run_expect "usage: bad format" 64 "unknown --format" --format yaml info x
run_expect "missing file" 2 "No such file or directory" info "$dir/nonexistent"
printf 'hello\n' >"$dir/notelf"
run_expect "not ELF" 2 "not an ELF file" info "$dir/notelf"
printf '\375\067zXZ\000\000garbage' >"$dir/badxz"
run_expect "corrupt xz" 2 "" info "$dir/badxz"

# Two amd64 galleries: their cores carry a GNU build id (qemu-user's arm64
# cores do not, see below).
amd64_galleries=$(for d in $(fixtures | grep '/gallery$'); do
	[ "$(jq -r .goarch "$d/manifest.json")" = amd64 ] && echo "$d"
done)
fx=$(echo "$amd64_galleries" | head -n 1)
other=$(echo "$amd64_galleries" | tail -n 1)
if [ -z "$fx" ] || [ "$fx" = "$other" ]; then
	echo "SKIP: needs two amd64 gallery fixtures"
	exit 77
fi
xz -dc "$fx/core.xz" >"$dir/core"
xz -dc "$fx/exe.xz" >"$dir/exe"
run_expect "executable as core" 2 "not a core file" info "$dir/exe"
run_expect "wrong executable" 2 "build id mismatch: core has" \
	info --exe "$other/exe.xz" "$dir/core"
run_expect "not a Go executable" 2 "not a Go executable" \
	info --ignore-build-id --exe /bin/sh "$dir/core"
run_expect "right executable beside the core" 0 "" info "$dir/core"

# Cores without a build id (qemu-user's, the arm64 fixtures): the executable
# is checked against the read-only data the core holds instead.
nobid=""
for d in $(fixtures); do
	[ "$(jq -r .goarch "$d/manifest.json")" = arm64 ] && nobid="$nobid $d"
done
set -- $nobid
if [ $# -ge 2 ]; then
	run_expect "no build id: right executable" 0 "" info --exe "$1/exe.xz" "$1/core.xz"
	run_expect "no build id: wrong executable" 2 "differs from the core's memory" \
		info --exe "$2/exe.xz" "$1/core.xz"
	run_expect "no build id: wrong executable, forced" 0 "" \
		info --ignore-build-id --exe "$2/exe.xz" "$1/core.xz"
else
	echo "note: fewer than two arm64 fixtures, the content check is not tested"
fi

# Truncated at many points: in the headers, the notes, the heap, the last
# page. Every run ends with 0 (with a note) or 2 (an error), never a crash.
size=$(wc -c <"$dir/core")
for cut in 1 63 64 500 2000 5000 20000 100000 1000000 4000000 \
	$((size / 2)) $((size - 4096)) $((size - 1)); do
	[ "$cut" -lt "$size" ] || continue
	mkdir -p "$dir/cut"
	head -c "$cut" "$dir/core" >"$dir/cut/core"
	cp "$dir/exe" "$dir/cut/exe"
	"$HMAPCORE" info --format json "$dir/cut/core" >"$dir/out" 2>"$dir/err"
	st=$?
	case $st in
	0)
		if jq -e '.core.truncated == true' "$dir/out" >/dev/null; then ok; else
			bad "truncated at $cut: exit 0 but not reported as truncated"
		fi
		;;
	2)
		if [ -s "$dir/err" ]; then ok; else bad "truncated at $cut: exit 2 without a message"; fi
		;;
	*) bad "truncated at $cut: exit status $st: $(cat "$dir/err")" ;;
	esac
done
finish
