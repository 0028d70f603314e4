// segv: a nil pointer dereference in user code (a field read through a nil
// *account, a few calls deep) -> "panic: runtime error: invalid memory
// address or nil pointer dereference [signal SIGSEGV ...]".
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

type account struct {
	ID    int64
	Owner int64
	Quota int64 // offset 16: the faulting load reads address 0x10
}

type session struct {
	ID   int64
	Name string
	User *account
}

var (
	gSessions map[int64]*session
	gTotal    int64
)

//go:noinline
func readQuota(a *account) int64 {
	return a.Quota // a == nil: SIGSEGV
}

//go:noinline
func checkQuota(s *session) int64 {
	return readQuota(s.User) + 1
}

//go:noinline
func handleRequest(id int64) int64 {
	return checkQuota(gSessions[id]) * 2
}

//go:noinline
func worker(ready chan int64, gate chan struct{}) {
	ready <- Goid()
	<-gate
	for id := int64(1); id <= 3; id++ {
		gTotal += handleRequest(id) // session 3 has a nil User
	}
}

func main() {
	runtime.GOMAXPROCS(4)
	Watchdog(15 * time.Second)

	gSessions = map[int64]*session{}
	for i := int64(1); i <= 3; i++ {
		s := &session{ID: i, Name: "session-" + strconv.FormatInt(i, 10)}
		if i != 3 {
			s.User = &account{ID: 100 + i, Owner: i, Quota: 1000 * i}
		}
		gSessions[i] = s
	}

	ready := make(chan int64)
	gate := make(chan struct{})
	go worker(ready, gate)
	id := <-ready

	m := NewManifest("segv")
	off := int(unsafe.Offsetof(account{}.Quota))
	m.Crash = Crash{Kind: "signal", Message: "runtime error: invalid memory address or nil pointer dereference",
		Signal: "SIGSEGV", Goroutine: &id, Function: "main.readQuota", FieldOffset: &off}
	m.Maps = append(m.Maps, DescribeMap("main.gSessions", gSessions, unsafe.Pointer(&gSessions), true,
		[]string{"1", "2", "3"}))
	m.Goroutines = append(m.Goroutines, Goroutine{Goid: id, Role: "crasher", Function: "main.readQuota",
		State: "running", Depth: 4})
	WriteManifest(m)

	close(gate)
	<-make(chan int) // main parks; the worker faults
}
