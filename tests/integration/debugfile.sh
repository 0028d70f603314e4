#!/bin/sh
# Separate debug info: a stripped executable with its debug file is as good
# as the unstripped one. For each fixture (by default four configurations:
# classic, PIE, Swiss with a GNU build id, arm64), the executable is split
# into exe.debug (objcopy --only-keep-debug, else eu-strip -f) and a
# stripped exe carrying a .gnu_debuglink, then:
#   - --debug-file, the .gnu_debuglink beside the executable, in its .debug/
#     folder and under the debug root, and the build-id tree under
#     HMAPCORE_DEBUG_ROOT each give the same goroutines, maps and report
#     JSON as the unstripped executable (fields that name the executable or
#     the debug file left out), and info names the debug file;
#   - another program's debug file given to --debug-file is exit 2 with a
#     message naming both build ids (--ignore-build-id overrides);
#   - with no debug file anywhere, the stripped executable still opens and
#     says "no DWARF".
# HC_FIXTURE_CONFIGS narrows or widens the configurations as elsewhere.
. "$(dirname "$0")/lib.sh"

[ -x "$HMAPCORE" ] || { echo "FAIL: no hmapcore binary at $HMAPCORE"; exit 1; }
for tool in xz jq eu-readelf eu-strip; do
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/hmapcore-debugfile.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
# The build-id and debuglink trees live here, never in /usr/lib/debug.
empty_root="$dir/no-debug-root"
mkdir "$empty_root"

: "${HC_FIXTURE_CONFIGS:=go1.23.12 go1.23.12-pie go1.25.14 go1.26.11-arm64}"

# split IN DEBUG STRIPPED: binutils, else elfutils (the host's binutils
# know only amd64). Both leave the debug file's name in .gnu_debuglink.
split() {
	if objcopy --only-keep-debug "$1" "$2" 2>/dev/null; then
		objcopy --strip-all --add-gnu-debuglink="$2" "$1" "$3"
	else
		rm -f "$2" && eu-strip --remove-comment -f "$2" -o "$3" "$1"
	fi
}

# has_section FILE NAME
has_section() {
	eu-readelf -S "$1" 2>/dev/null | grep -q " $2 "
}

# canon: JSON without what names the executable or the debug file.
canon() {
	jq -S 'walk(if type == "object" then del(.executable, .notes, .debug_file) else . end)'
}

# The id hmapcore compares by: the GNU build id, else the Go build id.
the_id() {
	jq -r '.executable | if .build_id != "" then .build_id else .go_build_id end' "$1"
}

# same NAME EXE ROOT [OPTION...]: goroutines, maps and report JSON with
# EXE, debug root ROOT and the options equal the unstripped executable's.
same() {
	name=$1 exe=$2 root=$3
	shift 3
	for cmd in goroutines maps report; do
		HMAPCORE_DEBUG_ROOT="$root" "$HMAPCORE" "$@" --exe "$exe" --format json \
			"$cmd" "$w/core" >"$w/out.json" 2>"$w/err"
		st=$?
		expect_eq "$fx: $name: $cmd exit status" "$(cat "$w/ref.$cmd.st")" "$st"
		if canon <"$w/out.json" >"$w/out.canon" 2>/dev/null &&
		   cmp -s "$w/ref.$cmd.canon" "$w/out.canon"; then ok; else
			bad "$fx: $name: $cmd JSON differs from the unstripped executable's: $(diff "$w/ref.$cmd.canon" "$w/out.canon" | head -n 5) $(head -c 300 "$w/err")"
		fi
	done
}

# debug_file_is NAME WANT EXE ROOT: info and the report name WANT as the
# debug file.
debug_file_is() {
	name=$1 want=$2 exe=$3 root=$4
	HMAPCORE_DEBUG_ROOT="$root" "$HMAPCORE" --exe "$exe" --format json info "$w/core" \
		>"$w/info.json" 2>"$w/err"
	expect_eq "$fx: $name: debug file in info" "$want" \
		"$(jq -r .executable.debug_file "$w/info.json" 2>/dev/null)"
	HMAPCORE_DEBUG_ROOT="$root" "$HMAPCORE" --exe "$exe" --format json report "$w/core" \
		>"$w/report.json" 2>"$w/err"
	expect_eq "$fx: $name: debug file in the report" "$want" \
		"$(jq -r .process.debug_file "$w/report.json" 2>/dev/null)"
	if jq -r '.notes[]' "$w/info.json" 2>/dev/null |
	   grep -qF "DWARF from separate debug file $want ("; then ok; else
		bad "$fx: $name: no note 'DWARF from separate debug file $want': $(jq -c .notes "$w/info.json" 2>/dev/null)"
	fi
}

n=0
for config in $HC_FIXTURE_CONFIGS; do
	for fx in $(HC_FIXTURE_CONFIGS=$config fixtures | grep -E '/(gallery|segv)$'); do
		# A -s -w build has no DWARF to split off.
		is_stripped "$fx/" && continue
		n=$((n + 1))
		w="$dir/$n"
		mkdir -p "$w/beside" "$w/sub/.debug" "$w/alone" "$w/bid"
		xz -dc "$fx/exe.xz" >"$w/exe" && xz -dc "$fx/core.xz" >"$w/core" || {
			bad "$fx: cannot decompress"; continue; }
		if ! split "$w/exe" "$w/beside/exe.debug" "$w/beside/exe" 2>"$w/err"; then
			bad "$fx: cannot split the debug info: $(cat "$w/err")"
			continue
		fi
		# The split is real: no DWARF, no .symtab left in the executable.
		if has_section "$w/beside/exe" .debug_info || has_section "$w/beside/exe" .symtab ||
		   ! has_section "$w/beside/exe" .gnu_debuglink; then
			bad "$fx: the stripped executable still has .debug_info or .symtab, or no .gnu_debuglink"
			continue
		fi
		if has_section "$w/beside/exe.debug" .debug_info && has_section "$w/beside/exe.debug" .symtab; then ok; else
			bad "$fx: the debug file lacks .debug_info or .symtab"
		fi
		for cmd in goroutines maps report; do
			"$HMAPCORE" --exe "$w/exe" --format json "$cmd" "$w/core" \
				>"$w/ref.$cmd.json" 2>/dev/null
			echo $? >"$w/ref.$cmd.st"
			canon <"$w/ref.$cmd.json" >"$w/ref.$cmd.canon"
		done
		"$HMAPCORE" --exe "$w/exe" --format json info "$w/core" >"$w/ref.info.json" 2>/dev/null
		if [ "$(jq '.goroutines | length' "$w/ref.goroutines.json" 2>/dev/null)" -gt 0 ]; then ok; else
			bad "$fx: the unstripped executable gives no goroutines"
		fi
		cp "$w/beside/exe" "$w/alone/exe"
		cp "$w/beside/exe" "$w/sub/exe"
		cp "$w/beside/exe.debug" "$w/sub/.debug/exe.debug"
		cp "$w/beside/exe" "$w/bid/exe"

		# (a) --debug-file, the executable alone in its folder.
		same "--debug-file" "$w/alone/exe" "$empty_root" \
			--debug-file "$w/beside/exe.debug"
		# (b) the .gnu_debuglink beside the executable, and in .debug/.
		same ".gnu_debuglink beside" "$w/beside/exe" "$empty_root"
		debug_file_is ".gnu_debuglink beside" "$w/beside/exe.debug" "$w/beside/exe" \
			"$empty_root"
		debug_file_is ".gnu_debuglink in .debug/" "$w/sub/.debug/exe.debug" "$w/sub/exe" \
			"$empty_root"
		# (c) under the debug root: by the executable's absolute folder,
		# and the build-id tree (GNU build id: go1.24 and later).
		root="$w/root-link"
		absdir=$(cd "$w/alone" && pwd -P)
		mkdir -p "$root$absdir"
		cp "$w/beside/exe.debug" "$root$absdir/exe.debug"
		debug_file_is "debuglink under the debug root" "$root$absdir/exe.debug" \
			"$w/alone/exe" "$root"
		id=$(jq -r .executable.build_id "$w/ref.info.json")
		if [ -n "$id" ]; then
			root="$w/root-bid"
			d="$root/.build-id/$(printf %s "$id" | cut -c1-2)"
			mkdir -p "$d"
			cp "$w/beside/exe.debug" "$d/$(printf %s "$id" | cut -c3-).debug"
			# No debuglink to follow: only the build id finds it.
			if objcopy --remove-section=.gnu_debuglink "$w/beside/exe" "$w/bid/exe" 2>/dev/null ||
			   eu-strip --remove-section=.gnu_debuglink -o "$w/bid/exe" "$w/beside/exe" 2>/dev/null; then
				if has_section "$w/bid/exe" .gnu_debuglink; then
					bad "$fx: cannot remove .gnu_debuglink"
				fi
			fi
			same "build-id tree" "$w/bid/exe" "$root"
			debug_file_is "build-id tree" "$d/$(printf %s "$id" | cut -c3-).debug" \
				"$w/bid/exe" "$root"
		fi

		# (e) no debug file anywhere: opens, says no DWARF.
		HMAPCORE_DEBUG_ROOT="$empty_root" "$HMAPCORE" --exe "$w/alone/exe" info "$w/core" \
			>"$w/out" 2>"$w/err"
		st=$?
		case $st in
		0|1|2) ok ;;
		*) bad "$fx: no debug file: exit status $st: $(head -c 300 "$w/err")" ;;
		esac
		if grep -q "no DWARF" "$w/out" "$w/err"; then ok; else
			bad "$fx: no debug file: no 'no DWARF' note: $(head -c 300 "$w/out")"
		fi

		# (d) the debug file of the fixture before (another program or
		# configuration) is refused, naming both ids.
		if [ -n "${prev:-}" ]; then
			HMAPCORE_DEBUG_ROOT="$empty_root" "$HMAPCORE" --exe "$w/alone/exe" \
				--debug-file "$prev/beside/exe.debug" info "$w/core" >"$w/out" 2>"$w/err"
			expect_eq "$fx: wrong debug file: exit status" 2 "$?"
			mine=$(the_id "$w/ref.info.json")
			theirs=$(the_id "$prev/ref.info.json")
			if grep -q "is not the debug file of this executable" "$w/err" &&
			   grep -qF "$mine" "$w/err" &&
			   { grep -qF "$theirs" "$w/err" || grep -q "debug file has none" "$w/err"; }; then ok; else
				bad "$fx: wrong debug file: message does not name both ids ($mine, $theirs): $(cat "$w/err")"
			fi
			HMAPCORE_DEBUG_ROOT="$empty_root" "$HMAPCORE" --exe "$w/alone/exe" --ignore-build-id \
				--debug-file "$prev/beside/exe.debug" info "$w/core" >"$w/out" 2>"$w/err"
			st=$?
			case $st in
			0|1) ok ;;
			*) bad "$fx: wrong debug file, forced: exit status $st: $(head -c 300 "$w/err")" ;;
			esac
			if grep -q "(ignored)" "$w/out"; then ok; else
				bad "$fx: wrong debug file, forced: no '(ignored)' note"
			fi
			rm -rf "$prev"
		fi
		prev=$w
	done
done

if [ "$n" -eq 0 ]; then
	echo "SKIP: no fixtures for $HC_FIXTURE_CONFIGS"
	exit 77
fi
finish
