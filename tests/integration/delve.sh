#!/bin/sh
# Every core writer (issue 22): a core written by Delve's `dump` (notes with
# no owner name, after its own "Delve Header" note) gives the same
# goroutines, stacks and maps as the kernel's core of the same process.
# And the kernel's core through a pipe, without --exe (the executable from
# its NT_FILE note): `cat core | hmapcore report -`, `zstd -c core | ...`.
# Needs go and a core_pattern that writes "core" in the working folder, and
# dlv (DLV, else on PATH) for the Delve part; skipped otherwise. Seconds.
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
DLV=${DLV:-$(command -v dlv || true)}
command -v go >/dev/null 2>&1 || { echo "SKIP: no go"; exit 77; }
case $(cat /proc/sys/kernel/core_pattern) in
core*) ;;
*) echo "SKIP: core_pattern is not 'core'"; exit 77 ;;
esac

dir=$(mktemp -d "${TMPDIR:-/tmp}/hmapcore-delve.XXXXXX") || exit 1
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
cat >"$dir/main.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"time"
)

var gMap = map[string]int{}

//go:noinline
func worker(id int, ch chan int) {
	for v := range ch {
		gMap[fmt.Sprint(id, v)] = v
	}
}

func main() {
	for i := 0; i < 1000; i++ {
		gMap[fmt.Sprint("k", i)] = i
	}
	for i := 0; i < 4; i++ {
		go worker(i, make(chan int))
	}
	time.Sleep(100 * time.Millisecond)
	fmt.Fprintln(os.Stderr, "ready")
	time.Sleep(time.Hour)
}
GO
printf 'module prog\n\ngo 1.21\n' >"$dir/go.mod"
(cd "$dir" && GOFLAGS= go build -o prog .) || { echo "SKIP: go build failed"; exit 77; }

cd "$dir" || exit 1
ulimit -c unlimited 2>/dev/null
GOTRACEBACK=crash ./prog 2>"$dir/prog.err" &
pid=$!
i=0
while ! grep -q ready "$dir/prog.err" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -n "$DLV" ] && [ -x "$DLV" ]; then
	printf 'dump %s/dlv.core\nexit -c\n' "$dir" >"$dir/dlv.init"
	timeout 120 "$DLV" attach "$pid" --init "$dir/dlv.init" \
		--allow-non-terminal-interactive=true </dev/null >"$dir/dlv.log" 2>&1
else
	echo "note: no dlv (set DLV or put it on PATH): the Delve part is skipped"
fi
kill -ABRT "$pid"
wait "$pid" 2>/dev/null
pid=
[ -s "$dir/core" ] || for c in "$dir"/core.[0-9]*; do [ -e "$c" ] && mv "$c" "$dir/core"; done
[ -s "$dir/core" ] || { echo "SKIP: the kernel wrote no core"; exit 77; }

# Through a pipe, the executable from the core's NT_FILE note.
"$HMAPCORE" goroutines --exe prog core >want 2>err
for via in cat "zstd -q -c"; do
	if [ "$via" = cat ] || command -v zstd >/dev/null 2>&1; then
		$via core | "$HMAPCORE" report - >report.out 2>err
		st=$?
		[ $st -le 1 ] && ok || bad "$via core | report -: exit $st: $(head -c 300 err)"
		$via core | "$HMAPCORE" goroutines - >got 2>err
		if cmp -s want got; then ok; else bad "$via core | goroutines -: differs"; fi
	fi
done

[ -s "$dir/dlv.core" ] || { echo "$PASS passed, $FAIL failed; SKIP the Delve part: no Delve core $(tail -n 3 "$dir/dlv.log" 2>/dev/null)"; [ "$FAIL" -eq 0 ] || exit 1; exit 77; }
# Delve's header note is there.
if grep -q 'Delve Header' "$dir/dlv.core"; then ok; else bad "no Delve Header note in dlv.core"; fi

"$HMAPCORE" info --exe prog dlv.core >info.dlv 2>err
expect_eq "info on Delve's core: exit status" 0 "$?"
threads=$(sed -n 's/^threads  *//p' info.dlv)
"$HMAPCORE" info --exe prog core >info.kernel 2>>err
want=$(sed -n 's/^threads  *//p' info.kernel)
expect_eq "threads in Delve's core" "$want" "$threads"
[ "${threads:-0}" -gt 0 ] && ok || bad "Delve's core: no threads"
for c in "goroutines" "goroutines --stacks" "maps"; do
	# shellcheck disable=SC2086 # words split on purpose
	"$HMAPCORE" $c --exe prog core >want 2>>err
	# shellcheck disable=SC2086
	"$HMAPCORE" $c --exe prog dlv.core >got 2>>err
	if cmp -s want got; then ok; else
		bad "$c: Delve's core differs from the kernel's: $(diff want got | head -n 6)"
	fi
done
grep -q 'gMap\|main\.' want && ok || bad "maps: main.gMap not found"
finish
