// sigquit: a long-running server-like program that is dumped, not crashed:
// goroutines in varied wait states (worker pool on a channel, select, sleep,
// sync.Mutex, a channel semaphore, IO wait on a socket read and an Accept,
// sync.WaitGroup), a few busy loops (running or runnable), maps in globals;
// it writes manifest.json and then blocks forever. corefiles/generate sends
// it SIGQUIT under GOTRACEBACK=crash: the runtime prints "SIGQUIT: quit",
// every goroutine, and aborts with a core. No goroutine panics.
//
// Must stay compatible with go1.19.
package main

import (
	. "hmapcore.fixture/internal/fixture"
	"net"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"
	"unsafe"
)

type session struct {
	User  string
	Hits  int
	Admin bool
}

var (
	gSessions map[string]*session // 300 sessions
	gCounters map[string]int      // 8 request counters
	gRoutes   map[int]string      // 5 routes
	gEmpty    map[string]int      // made, never filled

	gJobs     = make(chan int)
	gQuit     = make(chan struct{})
	gEvents   = make(chan string)
	gMu       sync.Mutex               // held by main: lockers wait
	gSem      = make(chan struct{}, 1) // full: acquirers wait on send
	gWG       sync.WaitGroup
	gListener net.Listener
	gConn     net.Conn // the client end: the server end's Read waits
	gSink     int
	gSpin     [4]uint64
)

var regCh = make(chan Goroutine, 64)

//go:noinline
func register(role string) {
	regCh <- Goroutine{Goid: Goid(), Role: role, Function: CallerName(1)}
}

//go:noinline
func poolWorker(id int) {
	register("worker (chan receive)")
	for j := range gJobs {
		gSink += j * id
	}
}

//go:noinline
func eventLoop() {
	register("event loop (select)")
	for {
		select {
		case e := <-gEvents:
			gSink += len(e)
		case <-gQuit:
			return
		}
	}
}

//go:noinline
func janitor() {
	register("janitor (sleep)")
	for {
		time.Sleep(time.Hour)
	}
}

//go:noinline
func lockHolder() {
	register("sync.Mutex.Lock")
	gMu.Lock()
	gSink++
	gMu.Unlock()
}

//go:noinline
func semaphoreAcquire() {
	register("semaphore (chan send)")
	gSem <- struct{}{}
	<-gSem
}

//go:noinline
func acceptLoop() {
	register("IO wait (Accept)")
	for {
		c, err := gListener.Accept()
		if err != nil {
			return
		}
		go connReader(c)
	}
}

//go:noinline
func connReader(c net.Conn) {
	register("IO wait (Read)")
	var buf [64]byte
	n, _ := c.Read(buf[:])
	gSink += n
}

//go:noinline
func shutdownWaiter() {
	register("sync.WaitGroup.Wait")
	gWG.Wait()
}

// busyLoop spins without calls (async preemption keeps the runtime able to
// stop it): at dump time it is running on a thread or runnable.
//
//go:noinline
func busyLoop(i int) {
	register("busy")
	for {
		gSpin[i]++
	}
}

func main() {
	runtime.GOMAXPROCS(4)
	Watchdog(30 * time.Second)

	gSessions = map[string]*session{}
	for i := 0; i < 300; i++ {
		u := "user" + strconv.Itoa(i)
		gSessions["sess-"+strconv.Itoa(i)] = &session{User: u, Hits: i * 3, Admin: i%50 == 0}
	}
	gCounters = map[string]int{}
	for i, k := range []string{"GET /", "GET /api", "POST /api", "GET /health", "PUT /api", "DELETE /api", "GET /static", "HEAD /"} {
		gCounters[k] = 1000 + i
	}
	gRoutes = map[int]string{1: "/", 2: "/api", 3: "/health", 4: "/static", 5: "/admin"}
	gEmpty = map[string]int{}

	var err error
	gListener, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	gMu.Lock()
	gSem <- struct{}{}
	gWG.Add(1)

	starters := []func(){
		func() { poolWorker(1) },
		func() { poolWorker(2) },
		func() { poolWorker(3) },
		func() { eventLoop() },
		func() { janitor() },
		func() { lockHolder() },
		func() { lockHolder() },
		func() { semaphoreAcquire() },
		func() { acceptLoop() },
		func() { shutdownWaiter() },
	}
	for _, f := range starters {
		go f()
	}
	var gs []Goroutine
	for range starters {
		gs = append(gs, <-regCh)
	}
	// One connection: the accept loop starts a reader parked in Read.
	gConn, err = net.Dial("tcp", gListener.Addr().String())
	if err != nil {
		panic(err)
	}
	gs = append(gs, <-regCh)
	sort.Slice(gs, func(i, j int) bool { return gs[i].Goid < gs[j].Goid })
	WaitParked(gs, 5*time.Second)

	// Busy loops last: WaitParked would never see them parked.
	var busy []Goroutine
	for i := 0; i < 3; i++ {
		i := i
		go busyLoop(i)
		busy = append(busy, <-regCh)
	}
	st := GoroutineStates()
	for i := range busy {
		busy[i].State = st[busy[i].Goid]
	}

	m := NewManifest("sigquit")
	// Nothing panics: the process is dumped by SIGQUIT from outside.
	m.Crash = Crash{Kind: "signal", Message: "quit", Signal: "SIGQUIT"}
	add := func(e MapEntry) { m.Maps = append(m.Maps, e) }
	add(DescribeMap("main.gSessions", gSessions, unsafe.Pointer(&gSessions), true,
		[]string{"sess-0", "sess-1", "sess-42", "sess-150", "sess-299"}))
	add(DescribeMap("main.gCounters", gCounters, unsafe.Pointer(&gCounters), true,
		[]string{"GET /", "GET /api", "POST /api", "GET /health", "HEAD /"}))
	add(DescribeMap("main.gRoutes", gRoutes, unsafe.Pointer(&gRoutes), true,
		[]string{"1", "2", "3", "4", "5"}))
	add(DescribeMap("main.gEmpty", gEmpty, unsafe.Pointer(&gEmpty), true, nil))
	m.Goroutines = append(gs, busy...)

	WriteManifest(m)
	select {} // main parks until the SIGQUIT
}
