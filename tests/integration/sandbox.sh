#!/bin/sh
# hmapcore treats its inputs as untrusted and read-only (issue 7): it never
# writes to the core or the executable, creates no named file (it
# decompresses into an unnamed O_TMPFILE file in $TMPDIR, nowhere else, and
# leaves nothing there), runs nothing (no execve after its own), and needs
# no network. The one exception is opt-in: with --cache DIR it writes in
# DIR alone (checked at the end: a .tmp- file renamed into place, then
# nothing at all on the next run).
#
# Every command runs on read-only copies of a classic and a Swiss fixture
# (compressed and plain) under strace; the trace is checked for opens with
# write access, file creation or removal, execve, sockets; the copies'
# checksums are compared before and after; and each command runs again
# without a network (unshare -n) and must print the same output.
# (LeakSanitizer is off under strace: it stops the world from a thread of
# its own, which the trace would count, and cannot run under a tracer.)
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
for tool in strace xz sha256sum; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/hmapcore-sandbox.XXXXXX") || exit 1
trap 'chmod -R u+w "$dir"; rm -rf "$dir"' EXIT INT TERM

have_unshare=no
if command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
	have_unshare=yes
else
	echo "note: unshare -n is not available here; the no-network runs are skipped"
fi

n=0
for fx in go1.22.12/gallery go1.26.11/gallery; do
	src=$top_srcdir/corefiles/$fx
	[ -f "$src/core.xz" ] || { echo "SKIP: no fixture $fx"; continue; }
	w=$dir/$(echo "$fx" | tr / _)
	mkdir -p "$w/in" "$w/out" "$w/tmp"
	cp "$src/core.xz" "$src/exe.xz" "$w/in/"
	xz -dc "$src/core.xz" >"$w/in/core"
	xz -dc "$src/exe.xz" >"$w/in/exe"
	chmod a-w "$w/in"/* "$w/in"
	(cd "$w/in" && sha256sum core core.xz exe exe.xz) >"$w/sums"
	victim=$(jq -r '.maps[] | select(.name == "main.gVictim") | .name' "$src/manifest.json" | head -n 1)
	for form in plain xz; do
		if [ $form = plain ]; then
			args="--exe $w/in/exe $w/in/core"
		else
			args="--exe $w/in/exe.xz $w/in/core.xz"
		fi
		for cp in "info" "info --format json" "goroutines --stacks" \
			"goroutines --format go" "threads --stacks" "maps" "check" \
			"map --internals|${victim:-main.gVictim}" "addr|0x1000" \
			"report --format html" "report --format markdown"; do
			c=${cp%%|*}
			post=
			case $cp in *"|"*) post=${cp#*|} ;; esac
			n=$((n + 1))
			t=$w/out/trace.$n
			# shellcheck disable=SC2086 # words split on purpose
			(cd "$w/out" && TMPDIR=$w/tmp ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
				strace -f -qq -o "$t" \
				-e trace=%file,%network,%process \
				"$HMAPCORE" $c $args $post >"$w/out/stdout.$n" 2>"$w/out/stderr.$n")
			st=$?
			label="$fx ($form): $c $post"
			case $st in
			0 | 1) ok ;;
			*) bad "$label: exit status $st: $(head -c 300 "$w/out/stderr.$n")" ;;
			esac
			# Opens for writing or creating, anywhere but the unnamed
			# temporary file of a compressed input in $TMPDIR.
			w_opens=$(grep -E 'open(at)?\(' "$t" | grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC' |
				grep -v -F "\"$w/tmp\", O_RDWR|O_EXCL|O_CLOEXEC|O_TMPFILE" || true)
			if [ $form = plain ]; then
				tmpfiles=$(grep -c 'O_TMPFILE' "$t")
				expect_eq "$label: temporary files for plain input" 0 "$tmpfiles"
			fi
			expect_eq "$label: opens for writing" "" "$w_opens"
			# Files made, removed, renamed, linked; directories made.
			changes=$(grep -E '(^| )(unlink|unlinkat|rename|renameat2?|mkdir|mkdirat|link|linkat|symlink|symlinkat|creat|truncate|chmod|fchmodat|chown)\(' "$t" || true)
			expect_eq "$label: file system changes" "" "$changes"
			# One execve: hmapcore itself.
			ex=$(grep -c 'execve(' "$t")
			expect_eq "$label: programs executed" 1 "$ex"
			forks=$(grep -E '(^| )(fork|vfork|clone|clone3)\(' "$t" | grep -vc 'CLONE_THREAD')
			expect_eq "$label: processes started" 0 "$forks"
			net=$(grep -E '(^| )(socket|connect|bind|sendto|sendmsg)\(' "$t" || true)
			expect_eq "$label: network calls" "" "$net"
			if [ $have_unshare = yes ]; then
				# shellcheck disable=SC2086
				(cd "$w/out" && unshare -n "$HMAPCORE" $c $args $post >"$w/out/nonet.$n" 2>/dev/null)
				st2=$?
				expect_eq "$label: exit status without a network" "$st" "$st2"
				if cmp -s "$w/out/stdout.$n" "$w/out/nonet.$n"; then ok; else
					bad "$label: different output without a network"
				fi
			fi
		done
	done
	sums=$(cd "$w/in" && sha256sum -c --quiet "$w/sums" 2>&1)
	expect_eq "$fx: inputs unchanged" "" "$sums"
	left=$(ls -A "$w/out" | grep -v -E '^(trace|stdout|stderr|nonet)\.[0-9]+$' || true)
	expect_eq "$fx: files left in the working folder" "" "$left"
	expect_eq "$fx: files left in TMPDIR" "" "$(ls -A "$w/tmp")"
done
# With the cache (--cache DIR, opt-in): the first run writes only in DIR
# (made 0700, a .tmp- file renamed into place), the second writes nothing
# at all; the inputs stay unchanged, TMPDIR and the working folder empty.
if [ -n "${w:-}" ] && [ -d "$w/in" ]; then
	cache=$w/cache
	for run in 1 2; do
		n=$((n + 1))
		t=$w/out/trace.$n
		(cd "$w/out" && TMPDIR=$w/tmp ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -qq -o "$t" -e trace=%file,%network,%process \
			"$HMAPCORE" --cache "$cache" info --exe "$w/in/exe.xz" "$w/in/core.xz" \
			>"$w/out/stdout.$n" 2>"$w/out/stderr.$n")
		st=$?
		label="--cache run $run: info"
		expect_eq "$label: exit status" 0 "$st"
		w_opens=$(grep -E 'open(at)?\(' "$t" | grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC' |
			grep -v -E "\"$cache/\\.tmp-[A-Za-z0-9]{6}\", O_RDWR\\|O_CREAT\\|O_EXCL\\|O_CLOEXEC, 0600\\)" || true)
		changes=$(grep -E '(^| )(unlink|unlinkat|rename|renameat2?|mkdir|mkdirat|link|linkat|symlink|symlinkat|creat|truncate|chmod|fchmodat|chown)\(' "$t" || true)
		if [ $run = 1 ]; then
			expect_eq "$label: opens for writing outside the cache" "" "$w_opens"
			other=$(printf '%s\n' "$changes" | grep -v -E "^[0-9]+ +(mkdir\\(\"$cache\", 0700\\)|rename\\(\"$cache/\\.tmp-[A-Za-z0-9]{6}\", \"$cache/[0-9a-f]{64}\\.core\"\\)) = 0\$" | grep . || true)
			expect_eq "$label: changes outside the cache" "" "$other"
			expect_eq "$label: entries renamed into place" 2 \
				"$(printf '%s\n' "$changes" | grep -c 'rename(')"
		else
			all_opens=$(grep -E 'open(at)?\(' "$t" | grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC' |
				grep -v -F "\"$w/tmp\", O_RDWR|O_EXCL|O_CLOEXEC|O_TMPFILE" || true)
			expect_eq "$label: opens for writing" "" "$all_opens"
			expect_eq "$label: file system changes" "" "$changes"
		fi
	done
	expect_eq "--cache: the two runs print the same" "" \
		"$(cmp "$w/out/stdout.$((n - 1))" "$w/out/stdout.$n" 2>&1)"
	expect_eq "--cache: cache mode" 700 "$(stat -c %a "$cache")"
	sums=$(cd "$w/in" && sha256sum -c --quiet "$w/sums" 2>&1)
	expect_eq "--cache: inputs unchanged" "" "$sums"
	expect_eq "--cache: files left in TMPDIR" "" "$(ls -A "$w/tmp")"
	left=$(ls -A "$w/out" | grep -v -E '^(trace|stdout|stderr|nonet)\.[0-9]+$' || true)
	expect_eq "--cache: files left in the working folder" "" "$left"
	expect_eq "--cache: only entries in the cache" "" \
		"$(ls -A "$cache" | grep -v -E '^[0-9a-f]{64}\.core$' || true)"
fi
[ $n -gt 0 ] || { echo "SKIP: no fixtures"; exit 77; }
echo "sandbox: $n traced runs"
finish
