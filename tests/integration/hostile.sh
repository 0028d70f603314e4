#!/bin/sh
# The hostile fixtures (corefiles/*/hostile): the program planted terminal
# escapes, Markdown table rows and fences, HTML tags, quotes, control bytes,
# invalid UTF-8 and an RTL override as keys and values of main.gHostile, as
# pprof labels and as its panic message (its manifest lists them). Every
# output of hmapcore must carry them inert:
#   - report in every format (with --keys large enough to list every key):
#     tests/report_inert (no control byte, C1 control or bidi override;
#     HTML: no tag the writer does not write; Markdown: no raw '<' outside
#     code, no extra table cell, fences closed), valid JSON;
#   - and must still show them: each planted key appears escaped (the
#     panic line as "\x1b[2J", "&lt;script&gt;" in HTML);
#   - info, check, goroutines (text, go, json), maps, map: no ESC byte, no
#     control byte but tab and newline.
# JSON outputs of info, goroutines and maps carry the exact strings (JSON
# escaping makes them inert): compared with the manifest.
. "$(dirname "$0")/lib.sh"

INERT=${top_builddir:-$top_srcdir}/tests/report_inert
[ -x "$INERT" ] || { echo "FAIL: no $INERT (make check builds it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# No byte below 0x20 but \t and \n, no DEL.
clean_bytes() {
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$1"; then return 1; fi
	return 0
}

n=0
for d in $(fixtures); do
	[ "$(jq -r .program "$d/manifest.json")" = hostile ] || continue
	n=$((n + 1))
	name=${d#"$top_srcdir"/corefiles/}
	m=$d/manifest.json
	core=$d/core.xz
	for f in text json markdown html; do
		"$HMAPCORE" report --keys 100000 -f "$f" "$core" >"$tmp/r.$f"
		expect_eq "$name: report -f $f exit" 1 "$?"
		why=$("$INERT" "$f" "$tmp/r.$f")
		expect_eq "$name: report -f $f inert" "" "$why"
		clean_bytes "$tmp/r.$f" && ok || bad "$name: report -f $f has a control byte"
	done
	jq -e . "$tmp/r.json" >/dev/null && ok || bad "$name: report JSON does not parse"
	# The planted strings are shown, escaped.
	grep -qF 'panic: hostile \x1b[2J<script>' "$tmp/r.text" && ok || bad "$name: text lacks the escaped panic"
	grep -qF 'hostile \x1b[2J&lt;script&gt;alert(&#39;panic&#39;)&lt;/script&gt; | x | y |' "$tmp/r.html" &&
		ok || bad "$name: HTML lacks the escaped panic"
	grep -qF 'hostile \\x1b\[2J&lt;script&gt;alert(' "$tmp/r.markdown" && ok || bad "$name: Markdown lacks the escaped panic"
	grep -qF '&lt;img src=x onerror=alert(2)&gt;' "$tmp/r.html" && ok || bad "$name: HTML lacks the <img> key"
	grep -qF '\| fake \| row \|\\n\|---\|---\|' "$tmp/r.markdown" && ok || bad "$name: Markdown lacks the fake row key"
	if grep -q '<script' "$tmp/r.html" || grep -q '<img' "$tmp/r.html"; then
		bad "$name: HTML holds a live tag"
	else
		ok
	fi
	# Every hostile key of the manifest is in the report's key list, as
	# hmapcore shows text: control bytes escaped.
	nkeys=$(jq '.maps[] | select(.name == "main.gHostile") | .sample_keys | length' "$m")
	got=$(jq '[.maps.listed[] | select(.path == "main.gHostile") | .keys[]] | length' "$tmp/r.json")
	[ "$got" -ge 6000 ] && ok || bad "$name: report lists $got keys of main.gHostile"
	# (Keys jq cannot hold as they are, invalid UTF-8 and the RTL one, are
	# left to the byte checks above.)
	jq -r --slurpfile r "$tmp/r.json" '
		def hex: "0123456789abcdef" as $h | $h[(. / 16 | floor):(. / 16 | floor) + 1] + $h[(. % 16):(. % 16) + 1];
		def esc: [explode[] | if . == 10 then "\\n" elif . == 9 then "\\t" elif . == 13 then "\\r"
			elif . < 32 or . == 127 then "\\x" + hex else [.] | implode end] | join("");
		($r[0].maps.listed[] | select(.path == "main.gHostile") | .keys) as $got
		| .maps[] | select(.name == "main.gHostile") | .sample_keys[]
		| select(test("[\ufffd\u202e]") | not)
		| (utf8bytelength > 256) as $long | esc
		# The report cuts strings at 256 bytes ("…"): compare the start.
		| if $long then (.[0:200]) as $p
			| (if any($got[]; startswith($p) and endswith("…")) then "ok" else "missing \(.)" end)
		  elif (. as $k | $got | index($k)) then "ok" else "missing \(.)" end' "$m" >"$tmp/keys"
	nok=$(grep -c '^ok$' "$tmp/keys")
	[ "$nok" -ge 10 ] && ok || bad "$name: only $nok hostile keys checked"
	grep '^missing' "$tmp/keys" | while read -r l; do echo "FAIL: $name: report key $l" >&2; done
	grep -q '^missing' "$tmp/keys" && bad "$name: hostile keys missing from the report" || ok
	# The other commands.
	for c in "info" "check" "goroutines" "goroutines --stacks" "goroutines --format go" \
		"threads --stacks" "maps" "map main.gHostile --limit 100000" \
		"map main.gHostile --internals"; do
		# shellcheck disable=SC2086
		"$HMAPCORE" $c "$core" >"$tmp/o" 2>&1
		clean_bytes "$tmp/o" && ok || bad "$name: '$c' prints a control byte"
	done
	# JSON outputs hold the exact strings.
	"$HMAPCORE" info -f json "$core" >"$tmp/i.json"
	expect_eq "$name: info JSON panic" "$(jq -r .crash.message "$m")" "$(jq -r .crash.panic "$tmp/i.json")"
	"$HMAPCORE" goroutines -f json "$core" >"$tmp/g.json"
	lg=$(jq -r .labels.goid "$m")
	expect_eq "$name: goroutine labels" "$(jq -c -S .labels.labels "$m")" \
		"$(jq -c -S --argjson g "$lg" '.goroutines[] | select(.id == $g) | .labels' "$tmp/g.json")"
	"$HMAPCORE" maps --entries -f json "$core" >"$tmp/m.json"
	for i in $(seq 0 $((nkeys - 1))); do
		k=$(jq --argjson i "$i" '.maps[] | select(.name == "main.gHostile") | .sample_keys[$i]' "$m")
		jq -e --argjson k "$k" '.maps[] | select(.path == "main.gHostile") | .keys | index($k)' \
			"$tmp/m.json" >/dev/null && ok || bad "$name: maps --entries lacks key $k"
	done
done
[ "$n" -gt 0 ] || { echo "SKIP: no hostile fixtures"; exit 77; }
echo "$n hostile fixtures"
finish
