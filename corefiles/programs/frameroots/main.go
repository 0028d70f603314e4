// frameroots: goroutine frames whose slots hold pointers that are dead at
// the frame's PC, next to frames whose maps are live. holdDead's local p
// is used, then dead while the goroutine parks; its slot still holds the
// pointer (the compiler does not clear dead slots) and DWARF still places p
// in that slot, but the runtime's stack maps say it is dead, so the GC
// frees what it pointed at (a size class nothing else here uses, so the
// freed memory keeps the old payload and its map). holdLive's local map is
// live across its park. The manifest
// lists the live maps (under the path a map finder gives them) and the
// dead slot (dead_roots); then main panics.
//
// Must stay compatible with go1.19.
package main

import (
	. "hmapcore.fixture/internal/fixture"
	"runtime"
	"strconv"
	"time"
	"unsafe"
)

type payload struct {
	m    map[string]int
	name string
	pad  [130]uintptr // 1064 bytes: the 1152-byte size class
}

type liveInfo struct {
	goid  int64
	entry MapEntry
}

type deadInfo struct {
	goid    int64
	target  uintptr
	mapAddr uintptr
}

var gSink int

//go:noinline
func makeLive(n int) map[string]int {
	m := map[string]int{}
	for i := 0; i < n; i++ {
		m["live-"+strconv.Itoa(i)] = i
	}
	return m
}

//go:noinline
func newPayload(prefix string, n int) *payload {
	p := &payload{m: map[string]int{}, name: prefix}
	for i := 0; i < n; i++ {
		p.m[prefix+"-"+strconv.Itoa(i)] = i
	}
	return p
}

//go:noinline
func touch(p *payload) int { return len(p.m) + len(p.name) }

// holdDead: p is live across touch and goid (so it has a stack slot), and
// dead from the send on; the goroutine then parks with p still in its slot.
//
//go:noinline
func holdDead(ready chan<- deadInfo, gate <-chan struct{}) {
	p := newPayload("stale", 40)
	n := touch(p)
	id := Goid()
	info := deadInfo{goid: id, target: uintptr(unsafe.Pointer(p)), mapAddr: uintptr(MapPtr(p.m))}
	ready <- info
	<-gate
	gSink += n
}

// holdLive: m (a heap map, in a stack slot across the calls) is used
// after the park, so it is live there.
//
//go:noinline
func holdLive(ready chan<- liveInfo, gate <-chan struct{}) {
	m := makeLive(30)
	id := Goid()
	name := "goroutine " + strconv.FormatInt(id, 10) + " frame main.holdLive local m"
	ready <- liveInfo{goid: id, entry: DescribeMap(name, m, nil, true, []string{"live-0", "live-29"})}
	<-gate
	gSink += len(m)
}

func main() {
	runtime.GOMAXPROCS(4)
	Watchdog(15 * time.Second)

	gate := make(chan struct{})
	deadc := make(chan deadInfo)
	livec := make(chan liveInfo)
	go holdDead(deadc, gate)
	go holdLive(livec, gate)
	dead := <-deadc
	live := <-livec

	m := NewManifest("frameroots")
	m.Goroutines = append(m.Goroutines,
		Goroutine{Goid: dead.goid, Role: "dead-slot", Function: "main.holdDead"},
		Goroutine{Goid: live.goid, Role: "live-map", Function: "main.holdLive"})
	WaitParked(m.Goroutines, 10*time.Second)
	// Nothing live points at the stale payload: the GC frees it and its map.
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	m.Maps = append(m.Maps, live.entry)
	m.DeadRoots = append(m.DeadRoots, DeadRoot{Goid: dead.goid, Function: "main.holdDead",
		Variable: "p", Target: Hexa(dead.target), MapAddr: Hexa(dead.mapAddr)})
	id := Goid()
	m.Crash = Crash{Kind: "panic", Message: "frameroots: dead frame slots planted", Goroutine: &id,
		Function: "main.main"}
	WriteManifest(m)
	panic("frameroots: dead frame slots planted")
}
