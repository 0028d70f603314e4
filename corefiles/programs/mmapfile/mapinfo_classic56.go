// Classic map header (runtime.hmap) as laid out by go1.24 and go1.25 built
// with GOEXPERIMENT=noswissmap (src/runtime/map_noswiss.go): 56 bytes on
// 64-bit, clearSeq at offset 40, extra at 48.

//go:build go1.24 && !go1.26 && !goexperiment.swissmap

package main

import "unsafe"

const mapImplName = "classic"

// hmap mirrors runtime.hmap (go1.24/go1.25 noswissmap).
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	clearSeq   uint64
	extra      unsafe.Pointer
}

func readMapHeader(p unsafe.Pointer, e *MapEntry) {
	if p == nil {
		return
	}
	h := (*hmap)(p)
	cs := h.clearSeq
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
		ClearSeq:   &cs,
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
