// Swiss-table map header (internal/runtime/maps.Map), go1.24+ by default
// (go1.24/go1.25 unless GOEXPERIMENT=noswissmap; the only map in go1.26+).
// Layout from src/internal/runtime/maps/map.go and table.go: 48 bytes.

//go:build (go1.24 && goexperiment.swissmap) || go1.26

package main

import (
	"runtime"
	"strings"
	"unsafe"
)

const mapImplName = "swiss"

// swissMap mirrors internal/runtime/maps.Map.
type swissMap struct {
	used              uint64
	seed              uintptr
	dirPtr            unsafe.Pointer
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool // go1.25+; padding (always 0) in go1.24
	clearSeq          uint64
}

// swissTable mirrors internal/runtime/maps.table (go1.24–go1.27).
type swissTable struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	groupsData unsafe.Pointer
	lengthMask uint64
}

// maxDirectoryDump bounds how many directory slots/tables are listed.
const maxDirectoryDump = 4096

func readMapHeader(p unsafe.Pointer, e *MapEntry) {
	if p == nil {
		return
	}
	m := (*swissMap)(p)
	s := &SwissHeader{
		MapSize:     int(unsafe.Sizeof(swissMap{})),
		Used:        m.used,
		Seed:        hexu(uint64(m.seed)),
		DirPtr:      hexp(m.dirPtr),
		DirLen:      m.dirLen,
		GlobalDepth: m.globalDepth,
		GlobalShift: m.globalShift,
		Writing:     m.writing,
		ClearSeq:    m.clearSeq,
		Small:       m.dirLen == 0,
	}
	if !strings.HasPrefix(runtime.Version(), "go1.24") {
		tp := m.tombstonePossible
		s.TombstonePossible = &tp
	}
	if m.dirLen > 0 && m.dirLen <= maxDirectoryDump {
		dir := unsafe.Slice((*unsafe.Pointer)(m.dirPtr), m.dirLen)
		s.Directory = make([]string, 0, m.dirLen)
		seen := map[unsafe.Pointer]bool{}
		for _, tp := range dir {
			s.Directory = append(s.Directory, hexp(tp))
			if tp == nil || seen[tp] {
				continue
			}
			seen[tp] = true
			t := (*swissTable)(tp)
			s.Tables = append(s.Tables, SwissTable{
				Addr:       hexp(tp),
				Used:       t.used,
				Capacity:   t.capacity,
				GrowthLeft: t.growthLeft,
				LocalDepth: t.localDepth,
				Index:      t.index,
				Groups:     hexp(t.groupsData),
				LengthMask: t.lengthMask,
			})
		}
	}
	e.Swiss = s
}

// mapShape returns (growing, dirLen) for the map header at p. Swiss maps
// never grow incrementally, so growing is always false.
func mapShape(p unsafe.Pointer) (bool, int) {
	if p == nil {
		return false, 0
	}
	return false, (*swissMap)(p).dirLen
}
