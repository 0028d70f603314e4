#!/bin/sh
# Issue 24, items 13 and 16: the browser's Maps screen shows what `hmapcore
# maps` prints, and keeps its columns whatever a path's length.
#   - tui_maps_rows_match_cli: `hmapcore tui` in tmux, key 4 (Maps); every
#     row whose path and type are shown whole has the same path, count,
#     implementation, size, growth and findings as the CLI's line for that
#     path; sync.Maps show the manifest's count, nil maps "-" and "nil";
#   - tui_syncmap_entries: a sync.Map opens and lists the manifest's
#     entries (item 11 in the browser);
#   - tui_maps_columns_aligned: on a narrow terminal (paths cut with "…"),
#     every row's COUNT column ends under its head, and the detail line
#     shows the current row's whole path.
# On the newest gallery fixture and one with the classic map; skips (77)
# without tmux or fixtures.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null 2>&1 || { echo "SKIP: no tmux"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "SKIP: no jq"; exit 77; }
[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }

gallery=$(fixtures | grep '/gallery$' | grep -v -e '-arm64/' -e '-pie/' -e '-stripped/' | sort -V)
[ -n "$gallery" ] || { echo "SKIP: no gallery fixtures"; exit 77; }
picks=$(printf '%s\n' "$gallery" | tail -n 1)
older=$(printf '%s\n' "$gallery" | grep -e 'noswissmap' -e 'go1\.2[123]\.' | head -n 1)
[ -n "$older" ] && picks="$picks $older"

SOCK="hc-tuimaps-$$"
T() { tmux -L "$SOCK" -f /dev/null "$@"; }
screen() { T capture-pane -p -t hc; }
wait_for() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		screen 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hc-tuimaps.XXXXXX") || exit 1
trap 'T kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT INT TERM

# start COLS ROWS: the browser on $tmp/core in a fresh pane.
start() {
	T kill-server >/dev/null 2>&1
	for _try in 1 2 3 4 5; do
		T new-session -d -s hc -x "$1" -y "$2" \
			"LANG=C.UTF-8 LC_ALL=C.UTF-8 exec '$HMAPCORE' tui --exe '$tmp/exe' '$tmp/core'" \
			2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# The list of the Maps screen: from the column heads to the rule, "…"
# written "~" so that awk counts one byte a column.
maps_screen() {
	screen | sed 's/…/~/g' | awk '/^PATH /{on=1} on && /^─|^-{20}/{exit} on'
}

# path<TAB>the rest of the line after the type column, spaces squeezed,
# for every line of a map list (head first) whose path and type are whole.
rows_of() {
	awk 'NR == 1 { tw = index($0, "TYPE") - 1; cs = index($0, "COUNT") - 5; next }
	     /~/ || /^ *$/ { next }
	     { p = substr($0, 1, tw); sub(/ +$/, "", p)
	       r = substr($0, cs); gsub(/ +/, " ", r); sub(/^ /, "", r); sub(/ $/, "", r)
	       print p "\t" r }'
}

for dir in $picks; do
	name=${dir#"$top_srcdir"/corefiles/}
	xz -dc "$dir/core.xz" >"$tmp/core" && xz -dc "$dir/exe.xz" >"$tmp/exe" ||
		{ bad "$name: cannot decompress"; continue; }
	"$HMAPCORE" maps --exe "$tmp/exe" "$tmp/core" >"$tmp/cli.txt" 2>"$tmp/err" ||
		{ bad "$name: maps failed: $(cat "$tmp/err")"; continue; }
	grep -v -e '^[0-9]* maps$' "$tmp/cli.txt" | rows_of | sort >"$tmp/cli.rows"

	# tui_maps_rows_match_cli
	start 200 70 || { bad "$name: tmux could not start"; continue; }
	wait_for "Summary" 20 || bad "$name: the browser did not start"
	T send-keys -t hc 4
	wait_for "maps, sorted by path" 30 || bad "$name: no Maps screen"
	maps_screen >"$tmp/tui.txt"
	rows_of <"$tmp/tui.txt" | sort >"$tmp/tui.rows"
	compared=0
	while IFS="$(printf '\t')" read -r path rest; do
		cli=$(awk -F '\t' -v p="$path" '$1 == p { print $2; exit }' "$tmp/cli.rows")
		if [ -z "$cli" ]; then
			bad "tui_maps_rows_match_cli $name: browser row '$path' is not in maps"
			continue
		fi
		expect_eq "tui_maps_rows_match_cli $name: $path" "$cli" "$rest"
		compared=$((compared + 1))
	done <"$tmp/tui.rows"
	[ "$compared" -ge 20 ] && ok ||
		bad "tui_maps_rows_match_cli $name: only $compared rows compared"
	# sync.Maps: the manifest's count; nil maps: "-" and nil.
	for sm in $(jq -r '.sync_maps[]? | "\(.name)=\(.count)"' "$dir/manifest.json"); do
		rest=$(awk -F '\t' -v p="${sm%%=*} (sync.Map)" '$1 == p { print $2 }' "$tmp/tui.rows")
		expect_eq "tui_maps_rows_match_cli $name: ${sm%%=*} count and kind" \
			"${sm#*=} sync.Map" "$(echo "$rest" | cut -d' ' -f1-2)"
	done
	for nm in $(jq -r '.maps[] | select(.nil) | .name | select(test("^[A-Za-z0-9_.]+$"))' "$dir/manifest.json"); do
		rest=$(awk -F '\t' -v p="$nm" '$1 == p { print $2 }' "$tmp/tui.rows")
		expect_eq "tui_maps_rows_match_cli $name: nil map $nm" "- nil -" \
			"$(echo "$rest" | cut -d' ' -f1-3)"
	done
	# A path with a string key reads as Go source writes it.
	grep -qF 'main.gNested["a"]' "$tmp/tui.txt" && ok ||
		bad "tui_maps_rows_match_cli $name: main.gNested[\"a\"] not shown as Go writes it"

	# tui_syncmap_entries (item 11 in the browser): Enter on a sync.Map
	# opens it (it used to crash the browser), `i` lists its entries:
	# the manifest's count and sample keys.
	for sm in $(jq -r '.sync_maps[]? | "\(.name)=\(.count)"' "$dir/manifest.json" | head -n 1); do
		T send-keys -t hc -l "/${sm%%=*} (sync.Map)"
		T send-keys -t hc Enter
		T send-keys -t hc Enter
		wait_for "${sm%%=*} (sync.Map)  sync.Map  at 0x" 10 ||
			bad "tui_syncmap_entries $name: ${sm%%=*} does not open"
		T send-keys -t hc i
		wait_for "(i: internals)" 10 || bad "tui_syncmap_entries $name: no entries view"
		screen >"$tmp/sync.txt"
		expect_eq "tui_syncmap_entries $name: ${sm%%=*} entries" "${sm#*=}" \
			"$(grep -c '^"[^"]*": ' "$tmp/sync.txt")"
		for k in $(jq -r --arg n "${sm%%=*}" '.sync_maps[] | select(.name == $n) | .sample_keys[]' "$dir/manifest.json"); do
			grep -q "^\"$k\": " "$tmp/sync.txt" && ok ||
				bad "tui_syncmap_entries $name: key $k not shown"
		done
		T send-keys -t hc Escape
	done

	# tui_maps_columns_aligned: 80 columns, paths cut.
	start 80 70 || { bad "$name: tmux could not start"; continue; }
	wait_for "Summary" 20 || bad "$name: the browser did not start"
	T send-keys -t hc 4
	wait_for "maps, sorted by path" 30 || bad "$name: no Maps screen"
	maps_screen >"$tmp/narrow.txt"
	grep -q '~' "$tmp/narrow.txt" && ok ||
		bad "tui_maps_columns_aligned $name: no path was cut at 80 columns"
	misaligned=$(awk 'NR == 1 { c = index($0, "COUNT") + 4; next }
		substr($0, c, 1) !~ /[0-9-]/ || substr($0, c + 1, 1) != " " { print }' "$tmp/narrow.txt")
	expect_eq "tui_maps_columns_aligned $name: rows whose COUNT is out of its column" "" "$misaligned"
	# The first row is cut ("goroutine 1 frame main.main local ..." or a
	# long package path): the detail line shows it whole.
	# Only the path column counts (the type may be the cut one): the
	# detail line starts with the path, whole.
	first=$(awk 'NR == 1 { tw = index($0, "TYPE") - 1; next }
		NR == 2 { print substr($0, 1, tw); exit }' "$tmp/narrow.txt")
	head=${first%%"~"*}
	head=$(printf '%s' "$head" | sed 's/ *$//')
	screen | grep -F -- "$head" | grep -q ' at 0x' && ok ||
		bad "tui_maps_columns_aligned $name: no detail line with the whole path of '$first'"
	T send-keys -t hc q
done
finish
