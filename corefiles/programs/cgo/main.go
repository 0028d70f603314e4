// cgo: a program linked with cgo (external linking, dynamically linked
// against libc). One goroutine calls into C (c_outer -> c_inner ->
// nanosleep, a loop that never returns), so its thread sits in C code,
// the goroutine in [syscall]; then another goroutine writes into a nil map
// and the program dies of the unrecovered panic "assignment to entry in nil
// map" (a panic does not relay SIGQUIT to the other threads, so the thread
// in C is still in C in the core).
//
// Must stay compatible with go1.19.
package main

/*
#include <time.h>

static volatile int c_ready;

// Thread-local data of the executable's own C code, initialized (.tdata)
// and 64-byte aligned: the PT_TLS segment grows beyond the runtime's 8-byte
// runtime.tlsg, so the g slot is no longer at fs_base-8 (x86-64 TLS variant
// II: fs_base - round_up(PT_TLS memsz, PT_TLS align) + tlsg's st_value).
static __thread long c_tls_ticks[16] __attribute__((aligned(64))) = { 1 };

// noipa: no inlining, cloning or other interprocedural change, so that
// c_inner and c_outer are real frames with these names.
__attribute__((noipa)) static void c_inner(int secs)
{
	struct timespec ts = { secs, 0 };

	c_ready = 1;
	for (;;) {
		nanosleep(&ts, NULL);
		c_tls_ticks[0]++;
	}
}

__attribute__((noipa)) static void c_outer(int secs)
{
	c_inner(secs);
	c_ready = 2; // not reached; keeps the call above from being a tail call
}

static int c_is_ready(void)
{
	return c_ready;
}
*/
import "C"

import (
	"bytes"
	. "hmapcore.fixture/internal/fixture"
	"os"
	"runtime"
	"strconv"
	"time"
	"unsafe"
)

var (
	gSmall map[string]int
	gLarge map[int]string
	gNil   map[string]int
)

// cBlock calls into C and never comes back.
//
//go:noinline
func cBlock(ready chan int64) {
	ready <- Goid()
	C.c_outer(1)
}

//go:noinline
func storeNil(key string) {
	gNil[key]++ // panics: gNil is nil
}

//go:noinline
func worker(ready chan int64, gate chan struct{}) {
	ready <- Goid()
	<-gate
	storeNil("k")
}

// CgoInfo is this program's addition to the manifest (key "cgo").
type CgoInfo struct {
	// The goroutine whose thread is in C, and the C functions of the
	// executable on its native stack, innermost first.
	Goid        int64    `json:"goid"`
	CFunctions  []string `json:"c_functions"`
	LinkMode    string   `json:"link_mode"`
	GoFunctions []string `json:"go_functions"` // its goroutine's stack, innermost main.* and runtime frames to expect
}

func main() {
	runtime.GOMAXPROCS(4)
	Watchdog(15 * time.Second)

	gSmall = map[string]int{}
	for i := 0; i < 5; i++ {
		gSmall["s"+strconv.Itoa(i)] = i
	}
	gLarge = map[int]string{}
	for i := 0; i < 1000; i++ {
		gLarge[i] = "v" + strconv.Itoa(i)
	}

	cready := make(chan int64)
	go cBlock(cready)
	cid := <-cready
	deadline := time.Now().Add(10 * time.Second)
	for C.c_is_ready() == 0 {
		if time.Now().After(deadline) {
			os.Stderr.WriteString("fixture: the C call did not start\n")
			os.Exit(3)
		}
		time.Sleep(time.Millisecond)
	}

	ready := make(chan int64)
	gate := make(chan struct{})
	go worker(ready, gate)
	id := <-ready

	m := NewManifest("cgo")
	m.Crash = Crash{Kind: "panic", Message: "assignment to entry in nil map", Goroutine: &id,
		Function: "main.storeNil"}
	m.Maps = append(m.Maps,
		DescribeMap("main.gSmall", gSmall, unsafe.Pointer(&gSmall), true, []string{"s0", "s1", "s2", "s3", "s4"}),
		DescribeMap("main.gLarge", gLarge, unsafe.Pointer(&gLarge), true, []string{"0", "1", "2", "3", "999"}),
		DescribeMap("main.gNil", gNil, unsafe.Pointer(&gNil), true, nil))
	gs := []Goroutine{{Goid: cid, Role: "in-c", Function: "main.cBlock"}}
	WaitParked(gs, 10*time.Second)
	m.Goroutines = append(m.Goroutines, gs...)
	m.Goroutines = append(m.Goroutines, Goroutine{Goid: id, Role: "crasher", Function: "main.storeNil",
		State: "running", Depth: 2})
	writeManifestCgo(m, &CgoInfo{Goid: cid, CFunctions: []string{"c_inner", "c_outer"},
		LinkMode: "external", GoFunctions: []string{"runtime.cgocall", "main._Cfunc_c_outer", "main.cBlock"}})

	close(gate)
	<-make(chan int) // main parks; the worker panics
}

// writeManifestCgo writes the common manifest with a "cgo" member added
// before its closing brace (common.go stays identical in every program).
func writeManifestCgo(m *Manifest, ci *CgoInfo) {
	data := bytes.TrimRight(MarshalJSON(m), "\n")
	if len(data) == 0 || data[len(data)-1] != '}' {
		panic("manifest does not end in }")
	}
	extra := bytes.TrimRight(MarshalJSON(ci), "\n")
	extra = bytes.ReplaceAll(extra, []byte("\n"), []byte("\n  "))
	var b bytes.Buffer
	b.Write(bytes.TrimRight(data[:len(data)-1], "\n"))
	b.WriteString(",\n  \"cgo\": ")
	b.Write(extra)
	b.WriteString("\n}\n")
	WriteManifestBytes(b.Bytes())
}
