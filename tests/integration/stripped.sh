#!/bin/sh
# Stripped executables (no DWARF, no symbol table), issue 9.
#
# Oracles: the fixtures' own DWARF (the built-in layout tables must equal
# what every fixture's DWARF says, whatever its arch, PIE or experiment),
# the runtime's traceback.txt (via the unstripped run, which goroutines.sh
# checks against it), and the program's manifest.json (the map types it
# declared, with the key and value sizes it measured with unsafe.Sizeof).
#
#   1. every fixture: `hmapcore layout` from DWARF equals `--no-dwarf layout`
#      (the built-in table of its release), field by field;
#   2. every fixture, --no-dwarf: info says where the layout came from and
#      that there is no DWARF (info.sh and goroutines.sh check everything
#      else of it against the manifest and traceback.txt, in both modes);
#      `threads` shows the same threads, Ms and goroutines as with DWARF;
#      `maps` says what is degraded and why, and its map types hold every
#      type of the manifest's maps with the manifest's key and value sizes;
#   3. a few fixtures stripped for real (objcopy/eu-strip --strip-all: no
#      .symtab, no .debug_*): the same goroutines (--format go), threads
#      and info as the unstripped executable under --no-dwarf;
#   4. DWARF stripped, symbols kept (objcopy --strip-debug): globals from
#      the symbol table, goroutines and threads as with DWARF;
#   5. fixtures built with -ldflags='-s -w' (configurations *-stripped,
#      when present): the traceback agreement is goroutines.sh's; here,
#      info and maps state the degradation.
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hc-stripped.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
seen_configs=" "
for d in $(fixtures); do
	name=${d#"$top_srcdir"/corefiles/}
	m=$d/manifest.json
	n=$((n + 1))
	# Decompressed once: each command below reads it.
	xz -dc "$d/core.xz" >"$tmp/core" && xz -dc "$d/exe.xz" >"$tmp/exe" ||
		{ bad "$name: cannot decompress"; continue; }
	core="--exe $tmp/exe $tmp/core"
	config=${name%%/*}
	case $name in
	*-stripped/*) stripped=1 ;;
	*) stripped=0 ;;
	esac

	# 1. layouts: one per configuration (a layout is the executable's;
	# the programs of a configuration share the toolchain)
	case $seen_configs in *" $config "*) layout_done=1 ;; *) layout_done=0 ;; esac
	seen_configs="$seen_configs$config "
	if [ $stripped = 0 ] && [ $layout_done = 0 ]; then
		"$HMAPCORE" layout $core >"$tmp/ld" 2>"$tmp/err" || bad "$name: layout: $(cat "$tmp/err")"
		"$HMAPCORE" --no-dwarf layout $core >"$tmp/lt" 2>"$tmp/err" || bad "$name: --no-dwarf layout: $(cat "$tmp/err")"
		if head -n 1 "$tmp/ld" | grep -q ': DWARF$' &&
			head -n 1 "$tmp/lt" | grep -q ': built-in table for go1\.'; then ok; else
			bad "$name: layout sources: $(head -n 1 "$tmp/ld") / $(head -n 1 "$tmp/lt")"
		fi
		# The table of exactly this release when one was verified for it
		# (corefiles/layouts.txt), not a neighbour's.
		rel=$(jq -r .go_version "$m" | sed 's/^\(go[0-9.]*\).*/\1/')
		exp=$(jq -r .go_version "$m" | sed -n 's/.*X:\(.*\)/\1/p' | tr , '\n' | sort | paste -sd, -)
		if layout_verified "$rel" "$exp"; then
			if table_holds "$(head -n 1 "$tmp/lt" | sed 's/^# [^:]*: //')" "$rel"; then ok; else
				bad "$name: --no-dwarf layout: $(head -n 1 "$tmp/lt"), not the table verified for $rel"
			fi
		fi
		tail -n +2 "$tmp/ld" >"$tmp/ld2"
		tail -n +2 "$tmp/lt" >"$tmp/lt2"
		if [ "$(wc -l <"$tmp/ld2")" -gt 50 ] &&
			diff "$tmp/ld2" "$tmp/lt2" >"$tmp/diff" 2>&1; then ok; else
			bad "$name: the built-in layout differs from the DWARF's: $(head -n 5 "$tmp/diff")"
		fi
	fi

	# 2. (info.sh and goroutines.sh run every fixture with --no-dwarf)
	opt=--no-dwarf
	"$HMAPCORE" $opt info --format json $core >"$tmp/info.json" 2>"$tmp/err" ||
		{ bad "$name: info: $(cat "$tmp/err")"; continue; }
	expect_eq "$name: dwarf" false "$(jq -r .go.dwarf "$tmp/info.json")"
	case $(jq -r .go.layout "$tmp/info.json") in
	"built-in table for go1."*) ok ;;
	*) bad "$name: layout source $(jq -r .go.layout "$tmp/info.json")" ;;
	esac
	if [ $stripped = 0 ]; then
		"$HMAPCORE" threads $core >"$tmp/t1" 2>&1
		"$HMAPCORE" $opt threads $core >"$tmp/t2" 2>&1
		if cmp -s "$tmp/t1" "$tmp/t2"; then ok; else bad "$name: threads differ without DWARF"; fi
	fi
	"$HMAPCORE" $opt maps --format json $core >"$tmp/maps.json" 2>"$tmp/err" ||
		{ bad "$name: maps: $(cat "$tmp/err")"; continue; }
	case $(jq -r '.degraded.reason // empty' "$tmp/maps.json") in
	"no DWARF"*) ok ;;
	*) bad "$name: maps does not say it is degraded" ;;
	esac
	# Every map type of the manifest (unnamed map types are in the type
	# links), with its key and value sizes; go1.27 has no type links: the
	# output must say so.
	if "$HMAPCORE" $opt layout $core 2>/dev/null |
		grep -q '^runtime.moduledata typelinks.array absent'; then
		case $(jq -r '.degraded.error // empty' "$tmp/maps.json") in
		*"has no typelinks"*) ok ;;
		*) bad "$name: no typelinks, and maps does not say so" ;;
		esac
		continue
	fi
	jq -r '.maps[] | select(.nil != true) | [.type, .key_size, .elem_size] | @tsv' "$m" 2>/dev/null |
		sort -u >"$tmp/want"
	jq -r '.degraded.map_types[] | [.type, .key_size, .elem_size] | @tsv' "$tmp/maps.json" |
		sort -u >"$tmp/have"
	while IFS=$(printf '\t') read -r ty ks es; do
		[ -n "$ty" ] || continue
		case $ty in map\[*) ;; *) continue ;; esac
		if grep -qxF "$(printf '%s\t%s\t%s' "$ty" "$ks" "$es")" "$tmp/have"; then ok; else
			bad "$name: map type $ty (key $ks, elem $es) not among the type links' map types"
		fi
	done <"$tmp/want"
done
[ "$n" -gt 0 ] || { echo "SKIP: no fixtures"; exit 77; }

# strip_exe FIXTURE-DIR --strip-all|--strip-debug: $tmp/exe (the fixture's
# executable) and $tmp/exe.s (it stripped; eu-strip handles every arch,
# objcopy the host's); false when neither could.
strip_exe() {
	xz -dc "$1/exe.xz" >"$tmp/exe"
	rm -f "$tmp/exe.s"
	if command -v eu-strip >/dev/null; then
		eu-strip "$2" -o "$tmp/exe.s" "$tmp/exe" 2>/dev/null
	fi
	[ -s "$tmp/exe.s" ] || objcopy "$2" "$tmp/exe" "$tmp/exe.s" 2>/dev/null
	[ -s "$tmp/exe.s" ]
}

# 3. stripped for real: the same as --no-dwarf.
for c in go1.19.13/gallery go1.23.12/nilmap go1.26.11/gallery go1.26.11-pie/segv go1.26.11-arm64/gallery; do
	d=$top_srcdir/corefiles/$c
	[ -f "$d/exe.xz" ] || continue
	strip_exe "$d" --strip-all || { bad "$c: cannot strip the executable"; continue; }
	if readelf -S "$tmp/exe.s" 2>/dev/null | grep -qE '\.(symtab|debug_info|zdebug_info)'; then
		bad "$c: the stripped executable still has symbols or DWARF"
		continue
	fi
	for cmd in "goroutines --format go" "threads" "info"; do
		"$HMAPCORE" --exe "$tmp/exe.s" $cmd "$d/core.xz" 2>&1 |
			grep -vE '^(executable|note) ' >"$tmp/s" 
		"$HMAPCORE" --no-dwarf --exe "$tmp/exe" $cmd "$d/core.xz" 2>&1 |
			grep -vE '^(executable|note) ' >"$tmp/u"
		if [ -s "$tmp/s" ] && cmp -s "$tmp/s" "$tmp/u"; then ok; else
			bad "$c: '$cmd' on the stripped executable differs from --no-dwarf: $(diff "$tmp/u" "$tmp/s" | head -n 4)"
		fi
	done
done

# 4. DWARF stripped, symbols kept (objcopy --strip-debug, as -ldflags=-w
# builds are): the runtime's globals come from the symbol table, and the
# goroutines and threads are those read with DWARF.
for c in go1.21.13/gallery go1.26.11/sigquit go1.26.11-pie/segv go1.26.11-cgo/cgo go1.23.12-arm64/gallery; do
	d=$top_srcdir/corefiles/$c
	[ -f "$d/exe.xz" ] || continue
	strip_exe "$d" --strip-debug || { bad "$c: cannot strip the executable's DWARF"; continue; }
	if readelf -S "$tmp/exe.s" 2>/dev/null | grep -qE '\.(debug_info|zdebug_info)' ||
		! readelf -S "$tmp/exe.s" 2>/dev/null | grep -q '\.symtab'; then
		bad "$c: stripping the DWARF left some or took the symbols"
		continue
	fi
	for cmd in "goroutines --format go" "threads"; do
		"$HMAPCORE" --exe "$tmp/exe.s" $cmd "$d/core.xz" >"$tmp/s" 2>&1
		"$HMAPCORE" --exe "$tmp/exe" $cmd "$d/core.xz" >"$tmp/u" 2>&1
		if [ -s "$tmp/s" ] && cmp -s "$tmp/s" "$tmp/u"; then ok; else
			bad "$c: '$cmd' without DWARF (symbols kept) differs from with it: $(diff "$tmp/u" "$tmp/s" | head -n 4)"
		fi
	done
	"$HMAPCORE" --exe "$tmp/exe.s" info "$d/core.xz" >"$tmp/s" 2>&1
	case $(grep '^layout ' "$tmp/s") in
	*"built-in table for go1."*"(no DWARF: runtime globals from the symbol table)") ok ;;
	*) bad "$c: info without DWARF (symbols kept): $(grep '^layout ' "$tmp/s")" ;;
	esac
	"$HMAPCORE" --exe "$tmp/exe" info "$d/core.xz" >"$tmp/u" 2>&1
	# (less the note that the DWARF is missing)
	grep -vE '^(executable|layout|note) ' "$tmp/s" >"$tmp/s2"
	grep -vE '^(executable|layout|note) ' "$tmp/u" >"$tmp/u2"
	if cmp -s "$tmp/s2" "$tmp/u2"; then ok; else
		bad "$c: info without DWARF (symbols kept) differs: $(diff "$tmp/u2" "$tmp/s2" | head -n 4)"
	fi
done

echo "$n fixtures read without DWARF"
finish
