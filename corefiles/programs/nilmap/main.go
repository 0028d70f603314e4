// nilmap: the "[]map" bug. Only some shards of a []map[string]int are made;
// a goroutine several calls deep writes into a nil shard and the program
// dies of the unrecovered panic "assignment to entry in nil map".
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

var (
	gShards  []map[string]int
	gBatch   = []string{"user-0", "user-2", "user-3", "user-5", "user-7", "user-4", "user-1"}
	gWritten int
)

// shardFor routes "user-N" to shard N.
//
//go:noinline
func shardFor(key string) int {
	return int(key[len(key)-1]-'0') % len(gShards)
}

//go:noinline
func storeShard(shard int, key string) {
	gShards[shard][key]++ // panics when gShards[shard] is nil
	gWritten++
}

//go:noinline
func routeKey(key string) {
	storeShard(shardFor(key), key)
}

//go:noinline
func processBatch(keys []string) {
	for _, k := range keys {
		routeKey(k)
	}
}

//go:noinline
func worker(ready chan int64, gate chan struct{}) {
	ready <- Goid()
	<-gate
	processBatch(gBatch)
}

func main() {
	runtime.GOMAXPROCS(4)
	Watchdog(15 * time.Second)

	gShards = make([]map[string]int, 8)
	for _, i := range []int{0, 2, 3, 5, 7} {
		m := map[string]int{}
		for j := 0; j <= 3*i; j++ {
			m["seed-"+strconv.Itoa(i)+"-"+strconv.Itoa(j)] = j
		}
		gShards[i] = m
	}

	ready := make(chan int64)
	gate := make(chan struct{})
	go worker(ready, gate)
	id := <-ready

	m := NewManifest("nilmap")
	m.Crash = Crash{Kind: "panic", Message: "assignment to entry in nil map", Goroutine: &id,
		Function: "main.storeShard"}
	ns := NilMapSlice{Name: "main.gShards", Type: "[]map[string]int",
		HeaderAddr: Hexp(unsafe.Pointer(&gShards)),
		Array:      Hexp(unsafe.Pointer(&gShards[0])), Len: len(gShards), Cap: cap(gShards),
		NilIndexes: []int{}}
	for i := range gShards {
		if gShards[i] == nil {
			ns.NilIndexes = append(ns.NilIndexes, i)
		}
		var samples []string
		if gShards[i] != nil {
			samples = []string{"seed-" + strconv.Itoa(i) + "-0"}
		}
		e := DescribeMap("main.gShards["+strconv.Itoa(i)+"]", gShards[i], unsafe.Pointer(&gShards[i]), true, samples)
		if gShards[i] != nil {
			// The worker adds user-0/2/3/5/7 before it reaches user-4.
			e.Stable = false
			e.Note = "worker inserts one user-N key after the manifest"
		}
		m.Maps = append(m.Maps, e)
	}
	m.NilMapSlices = append(m.NilMapSlices, ns)
	m.Goroutines = append(m.Goroutines, Goroutine{Goid: id, Role: "crasher", Function: "main.storeShard",
		State: "running", Depth: 4})
	WriteManifest(m)

	close(gate)
	<-make(chan int) // main parks; the worker panics
}
