#!/bin/sh
# `hmapcore info` over every fixture of corefiles/, against each fixture's
# own oracles: manifest.json (what the program said about itself) and
# traceback.txt (what the Go runtime printed as it died).
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || { echo "SKIP: jq is not installed"; exit 77; }
[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }

# Every fixture twice: with its DWARF, and with --no-dwarf as a stripped
# build is read (the same answers, labels aside: see stripped.sh).
n=0
for opt in "" --no-dwarf; do
for d in $(fixtures); do
	n=$((n + 1))
	name=${d#"$top_srcdir"/corefiles/}
	[ -n "$opt" ] && name="$name ($opt)"
	out=$("$HMAPCORE" $opt info --format json "$d/core.xz" 2>"$d.err.$$")
	status=$?
	err=$(cat "$d.err.$$"); rm -f "$d.err.$$"
	if [ $status -ne 0 ]; then
		bad "$name: hmapcore info exited $status: $err"
		continue
	fi
	m="$d/manifest.json"
	tb="$d/traceback.txt"

	# The Go version the program reported (runtime.Version()).
	expect_eq "$name: go version" "$(jq -r .go_version "$m")" \
		"$(echo "$out" | jq -r .go.version)"
	expect_eq "$name: goarch" "$(jq -r .goarch "$m")" \
		"$(echo "$out" | jq -r .go.goarch)"
	expect_eq "$name: map implementation" "$(jq -r .map_impl "$m")" \
		"$(echo "$out" | jq -r .go.maps)"
	expect_eq "$name: pid" "$(jq -r .pid "$m")" \
		"$(echo "$out" | jq -r .process.pid)"

	# Where the runtime's layouts and globals came from. info reads no
	# DWARF index of its own: it uses the built-in table when one was
	# verified for exactly this release and experiment set (listed in
	# corefiles/layouts.txt), else the layouts of the DWARF's runtime
	# units; a build with an experiment the tables know nothing of reads
	# the DWARF (whose structs it must describe).
	if [ -z "$opt" ] && ! is_stripped "$d"; then
		expect_eq "$name: has DWARF" true "$(echo "$out" | jq -r .go.dwarf)"
		rel=$(jq -r .go_version "$m" | sed 's/^\(go[0-9.]*\).*/\1/')
		exp=$(echo "$out" | jq -r '.go.goexperiment // ""' | tr , '\n' | sed '/^$/d' | sort | paste -sd, -)
		src=$(echo "$out" | jq -r .go.layout)
		if layout_verified "$rel" "$exp"; then
			if table_holds "$src" "$rel"; then ok; else
				bad "$name: layout source \"$src\", not the table verified for $rel ${exp:-(no experiment)}"
			fi
		else
			expect_eq "$name: layout source (no verified table)" DWARF "$src"
		fi
	fi

	# Every goroutine the runtime printed, no more, no fewer.
	expect_eq "$name: goroutine count" "$(traceback_goids "$tb" | wc -l)" \
		"$(echo "$out" | jq -r .goroutines.total)"
	# The goroutine that died: the runtime prints it first, but when two
	# writers race both may die in fatal and print; accept either.
	crashed=$(echo "$out" | jq -r .crash.goroutine)
	if is_signal_dump "$m"; then
		# A dump (SIGQUIT from outside): the goroutine the signal
		# interrupted is printed [running] but did not crash.
		expect_eq "$name: dump has no crashed goroutine" "null" "$crashed"
	elif traceback_crashed_goids "$tb" | grep -qx "$crashed"; then ok; else
		bad "$name: crashing goroutine $crashed is not one the runtime printed as running: $(traceback_crashed_goids "$tb" | tr '\n' ' ')"
	fi

	# GOTRACEBACK=crash ends every fixture with SIGABRT from the runtime.
	expect_eq "$name: signal" "SIGABRT" "$(echo "$out" | jq -r .signal.name)"

	kind=$(jq -r .crash.kind "$m")
	msg=$(jq -r .crash.message "$m")
	case "$kind" in
	fatal)
		expect_eq "$name: fatal message" "$msg" \
			"$(echo "$out" | jq -r .crash.fatal)"
		grep -qxF -- "fatal error: $msg" "$tb" ||
			bad "$name: traceback.txt lacks 'fatal error: $msg'"
		;;
	signal) if is_signal_dump "$m"; then
		# The runtime's first line is "SIGQUIT: quit"; nothing panicked.
		sg=$(jq -r .crash.signal "$m")
		expect_eq "$name: first line" "$sg: $msg" "$(head -n 1 "$tb")"
		expect_eq "$name: no panic" "null" "$(echo "$out" | jq -r .crash.panic)"
		expect_eq "$name: no fatal" "null" "$(echo "$out" | jq -r .crash.fatal)"
		# Issue 24 item 7 (info_says_sigquit): info names the signal the
		# runtime dumped for, not only the SIGABRT it then raised, in the
		# report headline's words.
		expect_eq "$name: killed by" "killed by $sg: $msg" \
			"$(echo "$out" | jq -r .crash.killed_by)"
		# The runtime aborts with SIGABRT after a dump for any other
		# signal; a program killed by SIGABRT itself has no "then".
		then=" (then the runtime's SIGABRT)"
		[ "$sg" = SIGABRT ] && then=""
		"$HMAPCORE" $opt info "$d/core.xz" 2>/dev/null | grep -qxF "fatal       killed by $sg: $msg$then" ||
			bad "$name: info text does not say 'killed by $sg: $msg$then'"
	else
		expect_eq "$name: panic message" "$msg" \
			"$(echo "$out" | jq -r .crash.panic)"
		want="panic: $msg" awk 'index($0, ENVIRON["want"]) == 1 { f = 1 } END { exit !f }' "$tb" ||
			bad "$name: traceback.txt lacks 'panic: $msg'"
	fi ;;
	panic)
		expect_eq "$name: panic message" "$msg" \
			"$(echo "$out" | jq -r .crash.panic)"
		# A line starting with "panic: $msg", compared as bytes (the
		# message is not a pattern: hostile has '[', '|', ESC in it).
		want="panic: $msg" awk 'index($0, ENVIRON["want"]) == 1 { f = 1 } END { exit !f }' "$tb" ||
			bad "$name: traceback.txt lacks 'panic: $msg'"
		;;
	esac
	# A signal the runtime turned into a panic: the runtime printed
	# "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x...]".
	sigline=$(sed -n 's/.*\[signal \(SIG[A-Z]*\): [^]]* code=\(0x[0-9a-f]*\) addr=\(0x[0-9a-f]*\) pc=\(0x[0-9a-f]*\)\].*/\1 \2 \3 \4/p' "$tb" | head -n 1)
	if [ -n "$sigline" ]; then
		expect_eq "$name: go signal" "$sigline" \
			"$(echo "$out" | jq -r '.crash.go_signal | "\(.name) \(.code) \(.addr) \(.pc)"')"
	fi

	# pprof labels of the goroutine the program labelled (pprof.Do).
	lg=$(jq -r '.labels.goid // empty' "$m")
	# (Labels need DWARF's map[string]string: not stripped, not --no-dwarf.)
	if [ -n "$lg" ] && [ -z "$opt" ] && ! is_stripped "$d"; then
		got=$("$HMAPCORE" goroutines --format json -g "$lg" "$d/core.xz" |
			jq -cS '[.goroutines[] | .labels][0]')
		expect_eq "$name: labels of goroutine $lg" "$(jq -cS .labels.labels "$m")" "$got"
	fi

	# Every thread of the core is listed with a PC and a function.
	nthreads=$(echo "$out" | jq '.threads | length')
	[ "$nthreads" -ge 1 ] && ok || bad "$name: no threads"
	unknown=$(echo "$out" | jq '[.threads[] | select(.function == "?")] | length')
	expect_eq "$name: threads with unknown function" 0 "$unknown"
done
done

if [ $n -eq 0 ]; then
	echo "SKIP: no fixtures under corefiles/"
	exit 77
fi
echo "$n fixtures"
finish
