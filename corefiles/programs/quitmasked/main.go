// quitmasked: a daemon dumped with SIGQUIT while one of its threads blocks
// SIGQUIT. A goroutine locked to its thread blocks the signal in the
// thread's mask (rt_sigprocmask) and sits in a read on a pipe, so its M
// never takes the SIGQUIT the other Ms relay (signal_unix.go sighandler):
// the last M that prints a section still counts that M in mcount(),
// prints "-----" and relays a signal nobody takes, and the crash thread
// gives up waiting (5 s from go1.23, 10 s Watchdog from go1.25) and
// crashes. The dump ends with a "-----" that no section follows.
//
// Must stay compatible with go1.19.
package main

import (
	. "hmapcore.fixture/internal/fixture"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

var gPipe [2]int

//go:noinline
func maskedRead(ready chan int64) {
	runtime.LockOSThread()
	// sigset_t with SIGQUIT (3): bit 2 of the first word.
	set := uint64(1) << (uint(syscall.SIGQUIT) - 1)
	if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0, /* SIG_BLOCK */
		uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0); e != 0 {
		panic(e)
	}
	ready <- Goid()
	var b [1]byte
	syscall.Read(gPipe[0], b[:]) // blocks in the system call for good
}

func main() {
	runtime.GOMAXPROCS(2)
	Watchdog(60 * time.Second)
	if err := syscall.Pipe(gPipe[:]); err != nil {
		panic(err)
	}
	ready := make(chan int64)
	go maskedRead(ready)
	id := <-ready
	deadline := time.Now().Add(5 * time.Second)
	var st string
	for {
		st = GoroutineStates()[id]
		if st == "syscall" || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}

	m := NewManifest("quitmasked")
	m.Crash = Crash{Kind: "signal", Message: "quit", Signal: "SIGQUIT"}
	m.Goroutines = append(m.Goroutines, Goroutine{Goid: id, Role: "masked",
		Function: "main.maskedRead", State: st})
	WriteManifest(m)
	select {} // main parks until the SIGQUIT
}
