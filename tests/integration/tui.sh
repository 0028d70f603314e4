#!/bin/sh
# The browser as a user sees it: `hmapcore tui` runs in a detached tmux
# session on gallery fixtures, keys are sent with send-keys and the screen is
# read with capture-pane:
#   - the summary shows the fatal error ("concurrent map writes");
#   - the concurrent-write finding opens main.gVictim's internals (legend,
#     a grid row per bucket / group), `i` its entries ("N: M"), a writer's
#     stack, Enter on its frame the maps it writes, Enter the map;
#   - Goroutines, `/` search for the goroutine whose first user frame is
#     main.waitChanRecv (found in the fixture's own traceback.txt), Enter:
#     its stack shows that frame with file:line +0x as the runtime printed;
#   - the window is resized and the screen redrawn at the new size;
#   - `?` help and Esc back, `:` with the goroutine's g address;
#   - q quits with status 0 and the terminal restored (no alternate screen,
#     cursor visible, no mouse reporting); SIGTERM also restores it.
# Polls the screen with a timeout rather than sleeping; skips (77) without
# tmux or fixtures.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null 2>&1 || { echo "SKIP: no tmux"; exit 77; }
[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }

# The newest gallery fixture, and one older one with another map flavour.
# amd64 and not PIE: the configurations named by version (and experiment).
gallery=$(fixtures | grep '/gallery$' | grep -v -e '-arm64/' -e '-pie/' | sort -V)
[ -n "$gallery" ] || { echo "SKIP: no gallery fixtures"; exit 77; }
picks=$(printf '%s\n' "$gallery" | tail -n 1)
older=$(printf '%s\n' "$gallery" | grep 'go1\.2[23]\.' | head -n 1)
[ -n "$older" ] && picks="$picks $older"

SOCK="hc-tui-$$"
T() { tmux -L "$SOCK" -f /dev/null "$@"; }

screen() { T capture-pane -p -t hc; }

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		screen 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		screen 2>/dev/null | grep -qF -- "$1" || return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# wait_re REGEX [SECONDS]: until a line of the screen matches REGEX (ERE).
wait_re() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		screen 2>/dev/null | grep -qE -- "$1" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# check WHAT TEXT: the screen shows TEXT now (after waiting for it).
check() {
	if wait_for "$2" "${3:-10}"; then ok; else
		bad "$1: screen does not show '$2'"
		screen | sed 's/^/    | /' >&2
	fi
}

# Start the browser on a fresh 100x30 pane, under a shell that prints its
# exit status and stays, so the terminal state after it can be read as a
# user would find it. The browser's pid goes to $tmp/pid.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hc-tui.XXXXXX") || exit 1
trap 'T kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT INT TERM
cat >"$tmp/run.sh" <<EOF
sh -c 'echo \$\$ >"$tmp/pid"; exec "\$0" tui "\$1"' "$HMAPCORE" "\$1"
echo "EXIT=\$?"
exec sleep 600
EOF
start() {
	T kill-server >/dev/null 2>&1
	rm -f "$tmp/pid"
	# A new server right after kill-server may still meet the old one.
	for _try in 1 2 3 4 5; do
		T new-session -d -s hc -x 100 -y 30 \
			"LANG=C.UTF-8 LC_ALL=C.UTF-8 exec sh '$tmp/run.sh' '$1'" \
			2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# The terminal state after the program is gone: no alternate screen, the
# cursor shown, no mouse reporting, normal keypad.
terminal_restored() {
	state=$(T display -p -t hc '#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_cursor_flag}')
	expect_eq "$1: alternate screen, cursor, mouse, keypad after exit" "0 1 0 0" "$state"
}

for dir in $picks; do
	name=${dir#"$top_srcdir"/corefiles/}
	tb="$dir/traceback.txt"
	core="$dir/core.xz"
	# The goroutine parked in main.waitChanRecv, its location line and g.
	set -- $(awk '/^goroutine [0-9]+ /{id=$2; gp=$3; next}
		/^main\.waitChanRecv\(/{getline loc; sub(/^\t/, "", loc);
		  sub(/ fp=.*/, "", loc); sub(/^gp=/, "", gp); print id, gp, loc; exit}' "$tb")
	goid=$1
	gp=$2
	shift 2
	loc="$*"
	if [ -z "$goid" ] || [ -z "$loc" ]; then
		bad "$name: no main.waitChanRecv goroutine in traceback.txt"
		continue
	fi

	start "$core" || { bad "$name: tmux could not start"; continue; }
	check "$name summary" "concurrent map writes" 20
	check "$name summary tabs" "1 Summary"

	# The concurrent-write finding -> the victim map's internals -> one of
	# the writing goroutines' stacks, and back.
	wait_gone "(analysing the maps...)" 30 || bad "$name: map analysis did not finish"
	T send-keys -t hc -l '/map-concurrent-write'
	T send-keys -t hc Enter
	check "$name finding" "map-concurrent-write"
	T send-keys -t hc Enter
	check "$name victim map" "main.gVictim  map["
	check "$name victim internals" "entries "
	# The internals grid: its legend and one row per bucket / group.
	check "$name internals legend" "legend: [#] live"
	if wait_re '^(bucket|table [0-9]+ group|small group) *[0-9]* *\[[^]]{8}\] [0-9]+ live'; then ok; else
		bad "$name: no bucket / group row in the internals grid"
		screen | sed 's/^/    | /' >&2
	fi
	# i: the entries, "key: value" (map[int]int), then back.
	T send-keys -t hc i
	check "$name entries view" "(i: internals)"
	if wait_re '^[0-9]+: [0-9]+ *$'; then ok; else
		bad "$name: no 'N: M' entry line"
		screen | sed 's/^/    | /' >&2
	fi
	T send-keys -t hc i
	check "$name internals again" "(i: entries)"
	T send-keys -t hc -l '/goroutine'
	T send-keys -t hc Enter Enter
	check "$name writer stack" "main.victimWriter  hmapcore.fixture/gallery/main.go:"
	# Enter on the frame: the maps this goroutine writes; Enter: the map.
	T send-keys -t hc Enter
	check "$name writer's maps" "is operating on"
	check "$name writer's map" "main.gVictim map[int]int"
	T send-keys -t hc Enter
	check "$name map from the stack" "main.gVictim  map["
	T send-keys -t hc Escape
	check "$name back to the writer's maps" "is operating on"
	T send-keys -t hc Escape
	check "$name back to the writer stack" "main.victimWriter  hmapcore.fixture/gallery/main.go:"
	T send-keys -t hc Escape
	check "$name back to the map" "main.gVictim  map["
	T send-keys -t hc Escape
	check "$name back to the summary" "Enter:open  Tab:next screen"

	# Goroutines; wait until every stack is unwound.
	T send-keys -t hc 2
	check "$name goroutines" "TOP FRAME"
	wait_gone "[unwinding" 20 || bad "$name: unwinding did not finish"
	T send-keys -t hc -l '/main.waitChanRecv'
	check "$name search prompt" "/main.waitChanRecv"
	T send-keys -t hc Enter
	wait_gone "/main.waitChanRecv"
	T send-keys -t hc Enter
	check "$name stack header" "goroutine $goid [chan receive]"
	check "$name stack frame" "main.waitChanRecv  $loc"
	check "$name stack created by" "created by main.main"

	# Resize: redrawn at the new size (the version sits at the right edge).
	T resize-window -t hc -x 80 -y 24
	wait_for "main.waitChanRecv  $loc" || bad "$name: frame gone after resize"
	n=0
	while [ $n -lt 50 ]; do
		# Box-drawing bars are 3 bytes each in UTF-8: count them as 1.
		first=$(screen | head -n 1 | sed 's/│/|/g')
		lines=$(screen | wc -l)
		case "$first" in *go1.*) [ ${#first} -le 80 ] && [ "$lines" -eq 24 ] && break ;; esac
		sleep 0.1
		n=$((n + 1))
	done
	if [ $n -lt 50 ]; then ok; else
		bad "$name: not redrawn at 80x24 (first line '$first', $lines lines)"
	fi
	check "$name status line after resize" "Esc:back"

	# Help and back.
	T send-keys -t hc '?'
	check "$name help" "search this list"
	T send-keys -t hc Escape
	check "$name back from help" "goroutine $goid [chan receive]"

	# The address prompt on the goroutine's g (go1.22+ prints gp=).
	case "$gp" in
	0x*)
		T send-keys -t hc -l ":$gp"
		T send-keys -t hc Enter
		check "$name address" "What lies at $gp"
		check "$name address kind" "heap object"
		T send-keys -t hc Escape
		check "$name back from address" "goroutine $goid [chan receive]"
		;;
	esac

	# Back to the goroutine list, on the goroutine we opened.
	T send-keys -t hc Escape
	check "$name back to goroutines" "TOP FRAME"

	T send-keys -t hc q
	if wait_for "EXIT=" 10; then
		check "$name: exit status 0" "EXIT=0"
		terminal_restored "$name"
	else
		bad "$name: q did not quit"
	fi
done

# A thread in C (the cgo fixture): its stack screen lists its native
# frames, c_inner and c_outer at the lines of the program's source.
cgo=$(fixtures | grep -e '-cgo/cgo$' | sort -V | tail -n 1)
if [ -n "$cgo" ] && start "$cgo/core.xz"; then
	src=$top_srcdir/corefiles/programs/cgo/main.go
	l_inner=$(grep -n 'nanosleep(&ts' "$src" | head -n 1 | cut -d: -f1)
	l_outer=$(grep -n '^	c_inner(secs);' "$src" | head -n 1 | cut -d: -f1)
	check "cgo: summary" "Enter:open" 20
	T send-keys -t hc 3
	check "cgo: threads" "clock_nanosleep"
	T send-keys -t hc -l '/clock_nanosleep'
	T send-keys -t hc Enter
	wait_gone "/clock_nanosleep"
	T send-keys -t hc Enter
	check "cgo: native frame in libc" "native  0x"
	wait_re "in c_inner\+0x[0-9a-f]+ from [^ ]+ at [^ ]*cgo/main\.go:$l_inner\$" && ok ||
		bad "cgo: no c_inner frame at cgo/main.go:$l_inner"
	wait_re "in c_outer\+0x[0-9a-f]+ from [^ ]+ at [^ ]*cgo/main\.go:$l_outer\$" && ok ||
		bad "cgo: no c_outer frame at cgo/main.go:$l_outer"
	check "cgo: where the native frames end" "(Go code: native frames end"
	check "cgo: detail of the innermost" "native frame, unwound with the CFI of its module"
	T send-keys -t hc q
	wait_for "EXIT=0" 10 || bad "cgo: q did not quit with status 0"
fi

# A signal restores the terminal too, and the program dies of it.
dir=$(printf '%s\n' "$picks" | awk '{print $1}')
if start "$dir/core.xz"; then
	check "signal: summary" "concurrent map writes" 20
	kill -TERM "$(cat "$tmp/pid")"
	if wait_for "EXIT=" 10; then
		# The shell reports death by signal 15 as 128 + 15.
		check "signal: died of SIGTERM" "EXIT=143"
		terminal_restored "signal"
	else
		bad "signal: SIGTERM did not end the browser"
	fi
fi

# Without a terminal the browser refuses with a usage error.
"$HMAPCORE" tui "$dir/core.xz" </dev/null >/dev/null 2>&1
expect_eq "tui without a terminal: exit status" "64" "$?"
# And `hmapcore CORE` without a terminal prints the summary.
out=$("$HMAPCORE" "$dir/core.xz" </dev/null 2>&1)
case "$out" in *"concurrent map writes"*) ok ;; *) bad "no command, no terminal: not the summary" ;; esac

finish
