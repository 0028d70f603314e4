// stackoverflow: a goroutine recursing without end dies of "fatal error:
// stack overflow". debug.SetMaxStack keeps the stack (and the core) small
// while still giving thousands of frames, far more than the 100 the
// runtime prints: its traceback shows the 50 innermost frames, "...N
// frames elided..." and the 50 outermost (go1.21+), or the first 100 and
// "...additional frames elided..." (go1.19).
//
// Must stay compatible with go1.19.
package main

import (
	. "hmapcore.fixture/internal/fixture"
	"runtime"
	"runtime/debug"
	"time"
)

var gDepth int

// recurse calls itself until the stack limit is hit; the array keeps each
// frame a fixed, modest size so the depth is predictable.
//
//go:noinline
func recurse(n int) int {
	var pad [4]int
	pad[n%4] = n
	gDepth = n
	return recurse(n+1) + pad[(n+1)%4]
}

//go:noinline
func descend(ready chan int64, gate chan struct{}) {
	ready <- Goid()
	<-gate
	recurse(0)
}

func main() {
	runtime.GOMAXPROCS(4)
	Watchdog(15 * time.Second)
	// 512 KiB: some ten thousand frames of recurse.
	debug.SetMaxStack(512 << 10)

	ready := make(chan int64)
	gate := make(chan struct{})
	go descend(ready, gate)
	id := <-ready

	m := NewManifest("stackoverflow")
	m.Crash = Crash{Kind: "fatal", Message: "stack overflow", Goroutine: &id,
		Function: "main.recurse"}
	m.Goroutines = append(m.Goroutines, Goroutine{Goid: id, Role: "crasher", Function: "main.recurse",
		State: "running"})
	WriteManifest(m)

	close(gate)
	<-make(chan int) // main parks; the goroutine overflows its stack
}
