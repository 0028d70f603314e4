#!/bin/sh
# Issue 24 item 10 (tui-findings-escaped-once): the browser's findings line
# escaped a finding's message a second time, so the hostile fixture's panic
# showed as "\\x1b[2J" where every other output shows "\x1b[2J". The
# browser runs in tmux on the newest amd64 hostile fixture; the summary's
# findings line must show the message escaped once.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null 2>&1 || { echo "SKIP: no tmux"; exit 77; }
d=$(fixtures | grep '/hostile$' | grep -v -e '-arm64/' -e '-pie/' | sort -V | tail -n 1)
[ -n "$d" ] || { echo "SKIP: no hostile fixture"; exit 77; }

SOCK="hc-tuiesc-$$"
T() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'T kill-server >/dev/null 2>&1' EXIT INT TERM
T new-session -d -s hc -x 160 -y 40 \
	"LANG=C.UTF-8 LC_ALL=C.UTF-8 exec '$HMAPCORE' tui '$d/core.xz'" || { bad "tmux"; finish; exit 1; }

n=300
while [ "$n" -gt 0 ]; do
	T capture-pane -p -t hc 2>/dev/null | grep -q '^  error   fatal' && break
	sleep 0.1
	n=$((n - 1))
done
T capture-pane -p -t hc >"${TMPDIR:-/tmp}/hc-tuiesc-$$" 2>/dev/null
screen=${TMPDIR:-/tmp}/hc-tuiesc-$$
grep -F 'error   fatal' "$screen" | grep -qF 'panic: hostile \x1b[2J<script>' && ok ||
	bad "the findings line lacks the panic escaped once: $(grep -F fatal "$screen")"
grep -qF '\\x1b' "$screen" && bad "a line is escaped twice: $(grep -F '\\x1b' "$screen")" || ok
rm -f "$screen"
finish
