#!/bin/sh
# Issue 24 item 5 (hostile-stderr): bytes from the core or from a path
# reached stderr raw. A core whose NT_FILE paths and process name hold an
# ESC sequence printed it in "no executable found for this core (the core
# names ...)"; a file name with ESC or a newline was echoed in every
# "opening X" error. Every such message is escaped now ("\x1b", "\n"),
# on every stream.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# No byte below 0x20 but the final newline, no DEL: one line.
one_clean_line() {
	[ "$(wc -l <"$1")" -le 1 ] || return 1
	! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"
}

d=$(fixtures | head -n 1)
[ -n "$d" ] || { echo "no fixture"; exit 77; }

# 1. Paths with ESC and a newline: the core, --exe, --debug-file.
evil=$(printf 'x\033[2Jy\nz')
for which in core exe debug; do
	case $which in
	core) "$HMAPCORE" info "$tmp/$evil" >/dev/null 2>"$tmp/err" ;;
	exe) "$HMAPCORE" --exe "$tmp/$evil" info "$d/core.xz" >/dev/null 2>"$tmp/err" ;;
	debug) "$HMAPCORE" --exe "$d/exe.xz" --debug-file "$tmp/$evil" info "$d/core.xz" >/dev/null 2>"$tmp/err" ;;
	esac
	expect_eq "$which path with ESC: exit" 2 "$?"
	one_clean_line "$tmp/err" && ok || bad "$which path with ESC: stderr holds raw bytes: $(od -c "$tmp/err" | head -3)"
	grep -qF 'x\x1b[2Jy\nz' "$tmp/err" && ok || bad "$which path with ESC: stderr lacks the escaped name: $(cat "$tmp/err")"
done

# 2. A core whose NT_FILE paths and process name are "...\x1b[2J": no
# executable beside it, so the error names what the core says.
xz -dc "$d/core.xz" | LC_ALL=C sed 's|/prog\x00|/\x1b[2J\x00|g; s|prog\x00\x00\x00|\x1b[2J\x00\x00\x00|' >"$tmp/core"
"$HMAPCORE" info "$tmp/core" >/dev/null 2>"$tmp/err"
expect_eq "core naming ESC: exit" 2 "$?"
grep -q 'no executable found for this core' "$tmp/err" && ok || bad "core naming ESC: stderr: $(cat "$tmp/err")"
one_clean_line "$tmp/err" && ok || bad "core naming ESC: stderr holds raw bytes: $(od -c "$tmp/err" | head -5)"
grep -qF '\x1b[2J' "$tmp/err" && ok || bad "core naming ESC: stderr lacks the escaped name: $(cat "$tmp/err")"
# With the executable given, info shows the process name inert too.
"$HMAPCORE" --exe "$d/exe.xz" info "$tmp/core" >"$tmp/out" 2>"$tmp/err"
LC_ALL=C grep -q "$(printf '\033')" "$tmp/out" "$tmp/err" && bad "info prints a raw ESC from the core" || ok
finish
