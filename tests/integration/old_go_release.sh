#!/bin/sh
# Issue 24 item 9 (old-go-release-named): a go1.9 core was refused with
# "not a Go executable (no .go.buildinfo section)". An executable without
# .go.buildinfo but with a pclntab and runtime.buildVersion is a Go
# executable of a release before go1.13: the error names that release (from
# runtime.buildVersion and the pclntab magic) and the releases hmapcore
# reads. The executable is made from a fixture's: .go.buildinfo removed,
# the pclntab magic of go1.2-go1.15, runtime.buildVersion "go1.9.7".
. "$(dirname "$0")/lib.sh"

command -v objcopy >/dev/null 2>&1 || { echo "SKIP: no objcopy"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

vaddr_off() {
	readelf -lW "$1" | while read -r ty off va pa fsz rest; do
		[ "$ty" = LOAD ] || continue
		if [ $(($2)) -ge $((va)) ] && [ $(($2)) -lt $((va + fsz)) ]; then
			echo $((off + $2 - va))
			break
		fi
	done
}

d=$(for f in $(fixtures); do
	case $f in *-pie/* | *-stripped/* | *-arm64*/*) continue ;; esac
	[ "$(jq -r .program "$f/manifest.json")" = gallery ] && echo "$f"
done | head -n 1)
[ -n "$d" ] || { echo "SKIP: no gallery fixture"; exit 77; }
name=${d#"$top_srcdir"/corefiles/}

xz -dc "$d/exe.xz" >"$tmp/full"
objcopy --remove-section .go.buildinfo "$tmp/full" "$tmp/exe"
pcln=$(readelf -SW "$tmp/exe" | sed -n 's/.*\] \.gopclntab  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
printf '\373\377\377\377' | dd of="$tmp/exe" bs=1 seek=$((0x$pcln)) conv=notrunc 2>/dev/null
sym=0x$(nm "$tmp/exe" | sed -n 's/^\([0-9a-f]*\) [dDbBrR] runtime\.buildVersion$/\1/p')
so=$(vaddr_off "$tmp/exe" "$sym")
ptr=0x$(od -An -tx8 -j "$so" -N8 "$tmp/exe" | tr -d ' ')
printf 'go1.9.7' | dd of="$tmp/exe" bs=1 seek="$(vaddr_off "$tmp/exe" "$ptr")" conv=notrunc 2>/dev/null
printf '\007' | dd of="$tmp/exe" bs=1 seek=$((so + 8)) conv=notrunc 2>/dev/null

"$HMAPCORE" --exe "$tmp/exe" info "$d/core.xz" >/dev/null 2>"$tmp/err"
expect_eq "$name as go1.9: exit" 2 "$?"
for want in 'Go executable of go1.9.7' 'runtime.buildVersion "go1.9.7"' \
	'pclntab magic 0xfffffffb of go1.2 to go1.15' 'reads go1.16 and later'; do
	grep -qF "$want" "$tmp/err" && ok || bad "$name as go1.9: stderr lacks '$want': $(cat "$tmp/err")"
done

# Without the symbol table: the pclntab magic alone tells the releases.
objcopy --strip-all "$tmp/exe" "$tmp/stripped" 2>/dev/null
"$HMAPCORE" --exe "$tmp/stripped" info "$d/core.xz" >/dev/null 2>"$tmp/err"
expect_eq "$name as go1.9, stripped: exit" 2 "$?"
grep -qF 'Go executable of go1.2 to go1.15 (pclntab magic 0xfffffffb' "$tmp/err" && ok ||
	bad "$name as go1.9, stripped: $(cat "$tmp/err")"

# Not Go at all: said so.
printf '\0\0\0\0' | dd of="$tmp/stripped" bs=1 seek=$((0x$(readelf -SW "$tmp/stripped" |
	sed -n 's/.*\] \.gopclntab  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p'))) conv=notrunc 2>/dev/null
"$HMAPCORE" --exe "$tmp/stripped" info "$d/core.xz" >/dev/null 2>"$tmp/err"
grep -qF 'is not a Go executable' "$tmp/err" && ok || bad "not Go: $(cat "$tmp/err")"
finish
