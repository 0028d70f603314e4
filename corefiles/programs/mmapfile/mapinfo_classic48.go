// Classic map header (runtime.hmap) as laid out by go1.19 … go1.23
// (src/runtime/map.go): 48 bytes on 64-bit, no clearSeq.

//go:build !go1.24

package main

import "unsafe"

const mapImplName = "classic"

// hmap mirrors runtime.hmap (go1.19–go1.23).
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	extra      unsafe.Pointer
}

func readMapHeader(p unsafe.Pointer, e *MapEntry) {
	if p == nil {
		return
	}
	h := (*hmap)(p)
	e.Classic = &ClassicHeader{
		HmapSize:   int(unsafe.Sizeof(hmap{})),
		Count:      h.count,
		Flags:      h.flags,
		B:          h.B,
		Noverflow:  h.noverflow,
		Hash0:      h.hash0,
		Buckets:    hexp(h.buckets),
		Oldbuckets: hexp(h.oldbuckets),
		Nevacuate:  uint64(h.nevacuate),
		Extra:      hexp(h.extra),
		Growing:    h.oldbuckets != nil,
	}
}

// mapShape returns (growing, dirLen) for the map header at p.
func mapShape(p unsafe.Pointer) (bool, int) {
	if p == nil {
		return false, 0
	}
	return (*hmap)(p).oldbuckets != nil, -1
}
