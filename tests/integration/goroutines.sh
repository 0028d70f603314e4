#!/bin/sh
# `hmapcore goroutines --format go` over every fixture of corefiles/, against
# the Go runtime's own GOTRACEBACK=crash output kept as traceback.txt.
#
# Both texts are cut into goroutine blocks in the order printed and compared
# block by block, entry by entry:
#   - the header line: "goroutine N gp=.. m=.. mp=.. [state]:" (go1.22+) or
#     "goroutine N [state]:" (go1.19, go1.21), so id, status / wait reason,
#     g, M;
#   - every frame: the function line with its argument words (the runtime
#     read them from the frame's argument area with FUNCDATA_ArgInfo, the
#     core holds the same memory, so they are compared too, `?` marks
#     included) and the location line: file:line, +0x offset, fp/sp/pc;
#   - "goroutine running on other thread; stack unavailable" where the
#     runtime printed it;
#   - the "created by F in goroutine P" line and its file:line +0x;
#   - the "[signal ...]" line dopanic_m prints before a crashed goroutine;
#   - the message lines before the first goroutine ("fatal error: ...",
#     "panic: ...").
# Left out of the comparison: blank lines only (separators). One deliberate
# difference is normalised: hmapcore never prints a control byte from the
# core (a panic string with ESC sequences, the hostile fixtures), it prints
# \xNN where the runtime wrote the byte raw; the oracle's control bytes
# (other than tab and newline) are rewritten the same way before comparing. The runtime
# also prints ", N minutes" for goroutines blocked for a minute or more
# (goroutineheader, from nanotime() at crash time, which a core does not
# record: hmapcore uses the core's latest clock reading, sched.lastpoll or
# the latest g.waitsince, and prints ", at least N minutes" when that may be
# minutes old); no fixture has one, so every header here also checks that
# hmapcore prints no spurious minutes (issue 24 item 8a; the computation is
# test_runtime_wait_minutes in check_stack).
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hc-goroutines.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# normalize FILE: one entry a line, "<block>\t<kind>\t<text>", where block 0
# is what comes before the first goroutine. Kinds: H header, F frame
# (function line and location line joined by " @ "), U stack unavailable,
# C created by (joined with its location), S signal line, M message, X any
# other line.
normalize() {
	awk '
	BEGIN { b = 0 }
	function flush() {
		if (fn != "") { print b "\tF\t" fn " @ "; fn = "" }
	}
	/^$/ { flush(); next }
	/^goroutine [0-9]+ .*\]:$/ {
		flush(); b++
		if (sig != "") { print b "\tS\t" sig; sig = "" }
		print b "\tH\t" $0; next
	}
	/^\[signal / {
		flush()
		if (b == 0) print b "\tS\t" $0; else sig = $0
		next
	}
	/^\tgoroutine running on other thread; stack unavailable$/ {
		flush(); print b "\tU\t" $0; next
	}
	/^created by / { flush(); cb = $0; next }
	/^\t/ {
		if (cb != "") { print b "\tC\t" cb " @ " $0; cb = ""; next }
		if (fn != "") { print b "\tF\t" fn " @ " $0; fn = ""; next }
		print b "\tX\t" $0; next
	}
	{
		flush()
		if (b == 0) { print b "\tM\t" $0; next }
		fn = $0
	}
	END { flush() }
	' "$1"
}

# compare ORACLE OURS NAME: prints "goroutines_ok goroutines frames_ok
# frames" on the last line, differences before it.
compare() {
	awk -F '\t' -v name="$3" '
	# The entry is everything after the block number (texts hold tabs).
	{ e = $0; sub(/^[^\t]*\t/, "", e) }
	NR == FNR { o[$1 + 0, ++on[$1 + 0]] = e; if ($1 + 0 > ob) ob = $1 + 0; next }
	{ h[$1 + 0, ++hn[$1 + 0]] = e; if ($1 + 0 > hb) hb = $1 + 0 }
	END {
		gok = 0; g = 0; fok = 0; f = 0
		for (i = 0; i <= ob; i++) {
			same = (on[i] == hn[i])
			n = on[i] > hn[i] ? on[i] : hn[i]
			for (k = 1; k <= n; k++) {
				a = o[i, k]; c = h[i, k]
				if (a ~ /^F\t/) { f++; if (a == c) fok++ }
				if (a != c) {
					same = 0
					printf "DIFF %s block %d entry %d:\n  runtime: %s\n  hmapcore: %s\n", name, i, k, a, c
				}
			}
			if (i > 0) { g++; if (same) gok++ }
			else if (!same) printf "DIFF %s: message lines differ\n", name
		}
		if (hb > ob) printf "DIFF %s: hmapcore printed %d goroutine blocks, the runtime %d\n", name, hb, ob
		print "COUNTS", gok, g, fok, f, (hb > ob)
	}' "$1" "$2"
}

echo "compared: headers (id, gp, m, state), frames (function, argument words,"
echo "  file:line, +0x, fp/sp/pc), stack-unavailable lines, created-by lines,"
echo "  signal and message lines; left out: blank lines only"

# signal_dump MANIFEST ORACLE OURS: a SIGQUIT dump (sigquit) is printed by
# the signal handler: "SIGQUIT: quit", "PC= m= sigcode=", the goroutine
# the signal interrupted (from the signal's context), every other
# goroutine and the registers; then one section per M after "-----" (the
# signal line, its interrupted goroutine, usually its g0, its registers).
# All of it is compared, registers and M sections included, but for the
# blocks of the manifest's busy goroutines (running loops) among the
# "every other goroutine" of the first section: the runtime printed them
# when the signal came, the core, taken later, may have them moved on
# (runnable, or running elsewhere). The first block of the first section
# and every M section are pictures of signal time that the core keeps
# (each M is still in the handler), so they are compared exactly.
signal_dump() {
	busy=$(jq -r '[.goroutines[] | select(.role == "busy") | .goid] | join(" ")' "$1")
	for f in "$2" "$3"; do
		awk -v busy=" $busy " '
		BEGIN { keep = 1 }
		/^-----$/ { section++ }
		/^$/ { keep = 1 }
		/^goroutine [0-9]+ / {
			blocks++
			keep = !(section == 0 && blocks > 1 && index(busy, " " $2 " "))
		}
		keep { print }
		' "$f" >"$f.cut"
		mv "$f.cut" "$f"
	done
}

# Each fixture twice: with its DWARF, and with --no-dwarf, as a stripped
# build of it is read (layouts from the built-in tables, the runtime's
# globals found by searching memory; see tests/integration/stripped.sh).
n=0
for mode in dwarf no-dwarf; do
	opt=""
	[ "$mode" = no-dwarf ] && opt=--no-dwarf
	G_OK=0; G=0; F_OK=0; F=0; n=0
	for d in $(fixtures); do
		name=${d#"$top_srcdir"/corefiles/}
		[ -n "$opt" ] && name="$name ($opt)"
		tb="$d/traceback.txt"
		[ -f "$tb" ] || { bad "$name: no traceback.txt"; continue; }
		n=$((n + 1))
		if ! "$HMAPCORE" $opt goroutines --format go "$d/core.xz" >"$tmp/out" 2>"$tmp/err"; then
			bad "$name: hmapcore goroutines exited non-zero: $(cat "$tmp/err")"
			continue
		fi
		escape_ctl <"$tb" >"$tmp/tb"
		if is_signal_dump "$d/manifest.json"; then
			signal_dump "$d/manifest.json" "$tmp/tb" "$tmp/out"
		fi
		normalize "$tmp/tb" >"$tmp/o"
		normalize "$tmp/out" >"$tmp/h"
		compare "$tmp/o" "$tmp/h" "$name" >"$tmp/cmp"
		set -- $(sed -n 's/^COUNTS //p' "$tmp/cmp")
		G_OK=$((G_OK + $1)); G=$((G + $2)); F_OK=$((F_OK + $3)); F=$((F + $4))
		if grep -q '^DIFF' "$tmp/cmp"; then
			grep -v '^COUNTS' "$tmp/cmp" >&2
			bad "$name: $1/$2 goroutines, $3/$4 frames agree"
		else
			ok
		fi
	done
	[ "$n" -gt 0 ] || { echo "SKIP: no fixtures with a traceback.txt under corefiles/"; exit 77; }
	echo "agreement over $n fixtures ($mode): goroutines $G_OK/$G, frames $F_OK/$F"
done

# The same listings whatever the threads: HMAPCORE_THREADS=2 unwinds half
# of the goroutines on a second thread even on these small cores.
for d in $(fixtures); do
	name=${d#"$top_srcdir"/corefiles/}
	for f in "--format go" "--format json" "--stacks"; do
		# shellcheck disable=SC2086
		HMAPCORE_THREADS=1 "$HMAPCORE" goroutines $f "$d/core.xz" >"$tmp/one" 2>/dev/null
		# shellcheck disable=SC2086
		HMAPCORE_THREADS=2 "$HMAPCORE" goroutines $f "$d/core.xz" >"$tmp/two" 2>/dev/null
		if cmp -s "$tmp/one" "$tmp/two"; then ok; else
			bad "$name: goroutines $f differs between 1 and 2 threads"
		fi
	done
done
finish
