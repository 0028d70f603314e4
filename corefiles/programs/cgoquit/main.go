// cgoquit: the cgo program dumped, not crashed. One goroutine calls into C
// (c_outer -> c_inner -> nanosleep, a loop that never returns), so its
// thread sits in C code, the goroutine in [syscall]; the program writes
// manifest.json and blocks, and corefiles/generate sends it SIGQUIT under
// GOTRACEBACK=crash. The runtime relays the signal to every M; the M in C
// prints "signal arrived during cgo execution" and traces the goroutine
// that made the call (fatalsignal), not the g0 it interrupted.
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
)

// cBlock calls into C and never comes back.
//
//go:noinline
func cBlock(ready chan int64) {
	ready <- Goid()
	C.c_outer(1)
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
	Watchdog(30 * time.Second)

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

	m := NewManifest("cgoquit")
	// Nothing panics: the process is dumped by SIGQUIT from outside.
	m.Crash = Crash{Kind: "signal", Message: "quit", Signal: "SIGQUIT"}
	m.Maps = append(m.Maps,
		DescribeMap("main.gSmall", gSmall, unsafe.Pointer(&gSmall), true, []string{"s0", "s1", "s2", "s3", "s4"}),
		DescribeMap("main.gLarge", gLarge, unsafe.Pointer(&gLarge), true, []string{"0", "1", "2", "3", "999"}))
	gs := []Goroutine{{Goid: cid, Role: "in-c", Function: "main.cBlock"}}
	WaitParked(gs, 10*time.Second)
	m.Goroutines = append(m.Goroutines, gs...)
	writeManifestCgo(m, &CgoInfo{Goid: cid, CFunctions: []string{"c_inner", "c_outer"},
		LinkMode: "external", GoFunctions: []string{"runtime.cgocall", "main._Cfunc_c_outer", "main.cBlock"}})

	select {} // main parks until the SIGQUIT
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
