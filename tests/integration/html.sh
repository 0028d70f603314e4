#!/bin/sh
# The HTML report in a real browser (Debian's headless Chromium): it must
# render with no console message at all (no script error, no blocked load:
# the report's own Content-Security-Policy forbids every external resource,
# so a reference to one would show as a violation), its DOM must hold the
# pictures (goroutines by state, the occupancy of the suspect maps), and a
# screenshot must show them: pixels of the first state bar's colour and of
# the live-slot colour. A page that breaks these rules is rendered first to
# show that the console check sees violations. The hostile fixture's
# report must come out of the parser with no <script> or <img> element.
. "$(dirname "$0")/lib.sh"

CHROME=
for c in chromium-headless-shell chromium chromium-browser; do
	command -v "$c" >/dev/null 2>&1 && { CHROME=$(command -v "$c"); break; }
done
[ -n "$CHROME" ] || { echo "SKIP: no headless Chromium (apt-get install chromium-headless-shell)"; exit 77; }
command -v convert >/dev/null 2>&1 || { echo "SKIP: no ImageMagick convert"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# chrome OUT_PREFIX URL ARGS...: stderr in OUT_PREFIX.err, stdout in OUT_PREFIX.out
chrome() {
	out=$1 url=$2
	shift 2
	timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
		--hide-scrollbars "$@" "$url" >"$out.out" 2>"$out.err"
}

# The console check must see what it is looking for.
printf '%s' "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head><body><script>x()</script><img src=\"http://127.0.0.1:9/x.png\"></body></html>" >"$tmp/bad.html"
chrome "$tmp/bad" "file://$tmp/bad.html" --dump-dom
[ "$(grep -c ':CONSOLE' "$tmp/bad.err")" -ge 2 ] && ok || bad "the console check saw no violation on a bad page"

n=0
for fx in go1.26.11/gallery go1.23.12/gallery; do
	core=$top_srcdir/corefiles/$fx/core.xz
	[ -f "$core" ] || continue
	n=$((n + 1))
	name=$(echo "$fx" | tr / -)
	html=$tmp/$name.html
	"$HMAPCORE" report -f html "$core" >"$html"
	chrome "$tmp/$name" "file://$html" --dump-dom
	expect_eq "$fx: chromium exit" 0 "$?"
	msgs=$(grep ':CONSOLE' "$tmp/$name.err")
	expect_eq "$fx: console messages" "" "$msgs"
	dom=$tmp/$name.out
	grep -q 'id="goroutine-states"' "$dom" && ok || bad "$fx: no goroutine-states picture in the DOM"
	occ=$(grep -o 'id="occupancy-[0-9]*"' "$dom" | wc -l)
	[ "$occ" -ge 2 ] && ok || bad "$fx: $occ occupancy pictures, want the victim's and the oversized map's"
	for s in crash findings process goroutines maps threads; do
		grep -q "<section id=\"$s\">" "$dom" && ok || bad "$fx: no $s section"
	done
	grep -q '<script' "$dom" && bad "$fx: a script element" || ok
	chrome "$tmp/$name-shot" "file://$html" --window-size=1200,12000 --screenshot="$tmp/$name.png"
	[ -s "$tmp/$name.png" ] && ok || bad "$fx: no screenshot"
	convert "$tmp/$name.png" -format %c histogram:info:- >"$tmp/$name.hist" 2>/dev/null
	# #1f77b4: the first state bar; #2ca02c: live slots of main.gVictim.
	for col in 1F77B4 2CA02C; do
		px=$(grep -i "#$col " "$tmp/$name.hist" | sed 's/^ *\([0-9]*\):.*/\1/')
		[ "${px:-0}" -ge 100 ] && ok || bad "$fx: ${px:-0} pixels of #$col in the screenshot"
	done
done

for fx in go1.26.11/hostile go1.23.12/hostile; do
	core=$top_srcdir/corefiles/$fx/core.xz
	[ -f "$core" ] || continue
	n=$((n + 1))
	name=$(echo "$fx" | tr / -)
	"$HMAPCORE" report --keys 100000 -f html "$core" >"$tmp/$name.html"
	chrome "$tmp/$name" "file://$tmp/$name.html" --dump-dom
	expect_eq "$fx: console messages" "" "$(grep ':CONSOLE' "$tmp/$name.err")"
	for tag in '<script' '<img' '<b>'; do
		if grep -q "$tag" "$tmp/$name.out"; then bad "$fx: the DOM holds $tag"; else ok; fi
	done
	grep -q '&lt;script&gt;' "$tmp/$name.out" && ok || bad "$fx: the hostile text is not shown"
	expect_eq "$fx: title" "1" "$(grep -c '<title>hmapcore report: panic: hostile' "$tmp/$name.out")"
done
[ "$n" -gt 0 ] || { echo "SKIP: no fixtures"; exit 77; }
finish
