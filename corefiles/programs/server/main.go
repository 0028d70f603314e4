// server: a net/http server under load, dumped from outside. A server on
// 127.0.0.1 keeps maps the way services do (sessions with a nested map of
// attributes each, a cache, per-connection state filled by ConnState, hit
// counters, a recently-seen map written by every request) and an index
// whose values are slices into a file it created and mapped with
// syscall.Mmap(MAP_SHARED): with the default coredump_filter those pages
// are not in the core, so every value of main.gIndex (and main.gMapped)
// points into memory the core does not hold. A client in the same process
// opens -conns keep-alive connections and keeps them busy (each sends a
// request, reads the response, sleeps 100-600 ms). Once every connection
// has answered, the program writes manifest.json and goes on serving;
// corefiles/generate then sends SIGABRT under GOTRACEBACK=crash (the
// runtime prints every goroutine and dumps core). Nothing panics.
//
// Defaults are the committed fixture's (200 connections, a small core);
// tests/thirdparty/generate runs it with -conns 3000 -sessions 50000
// -cache 20000 -mmap-mb 64 for the large core. All maps but main.gRecent
// are stable once the manifest is written (main.gConns gets no insert after
// every connection is up; handlers only read the others).
//
// Must stay compatible with go1.19.
package main

import (
	"bufio"
	"flag"
	"fmt"
	. "hmapcore.fixture/internal/fixture"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

type session struct {
	User  string
	Hits  int64
	Admin bool
	Attrs map[string]string // a map in a struct in a map
}

type connStat struct {
	Remote   string
	State    int32
	Requests int64
	Opened   int64
}

type record struct {
	Key  string
	Data []byte // into the mmap
}

var (
	gSessions map[string]*session // -sessions
	gCache    map[string][]byte   // -cache entries of 4 KB
	gConns    map[string]*connStat
	gHits     map[string]*int64 // one per route
	gRecent   map[string]int64  // written by every request: not stable
	gIndex    map[string][]byte // values are slices of gMapped
	gMapped   []byte            // MAP_SHARED file mapping: not in the core
	gRecords  []record          // Data into gMapped too

	gMu      sync.RWMutex // gSessions, gCache, gIndex (read only once serving)
	gConnsMu sync.Mutex
	gRecMu   sync.Mutex
	gFrozen  int32
	gSink    int64
)

var regCh = make(chan Goroutine, 64)

//go:noinline
func register(role string) {
	regCh <- Goroutine{Goid: Goid(), Role: role, Function: CallerName(1)}
}

func route(p string) string {
	if i := strings.IndexByte(p[1:], '/'); i >= 0 {
		return p[:i+1]
	}
	return p
}

func handler(w http.ResponseWriter, r *http.Request) {
	if c, ok := gHits[route(r.URL.Path)]; ok {
		atomic.AddInt64(c, 1)
	}
	sid := ""
	if c, err := r.Cookie("sid"); err == nil {
		sid = c.Value
	}
	gRecMu.Lock()
	gRecent[sid] = time.Now().UnixNano()
	gRecMu.Unlock()
	switch route(r.URL.Path) {
	case "/session":
		gMu.RLock()
		s := gSessions[sid]
		gMu.RUnlock()
		if s == nil {
			http.Error(w, "no session", http.StatusForbidden)
			return
		}
		atomic.AddInt64(&s.Hits, 1)
		fmt.Fprintf(w, "hello %s (%s)\n", s.User, s.Attrs["lang"])
	case "/cache":
		gMu.RLock()
		v := gCache[strings.TrimPrefix(r.URL.Path, "/cache/")]
		gMu.RUnlock()
		w.Write(v[:64])
	case "/mapped":
		gMu.RLock()
		v := gIndex[strings.TrimPrefix(r.URL.Path, "/mapped/")]
		gMu.RUnlock()
		w.Write(v)
	case "/slow":
		time.Sleep(20 * time.Millisecond)
		io.WriteString(w, "slow\n")
	default:
		io.WriteString(w, "ok\n")
	}
}

func connState(c net.Conn, st http.ConnState) {
	gConnsMu.Lock()
	defer gConnsMu.Unlock()
	k := c.RemoteAddr().String()
	cs := gConns[k]
	if cs == nil {
		if atomic.LoadInt32(&gFrozen) != 0 {
			return
		}
		cs = &connStat{Remote: k, Opened: time.Now().UnixNano()}
		gConns[k] = cs
	}
	atomic.StoreInt32(&cs.State, int32(st))
	if st == http.StateActive {
		atomic.AddInt64(&cs.Requests, 1)
	}
}

// client runs one keep-alive connection: a request, its response, a pause.
func client(addr string, id, sessions, cache, index int, ready *sync.WaitGroup) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fixture: dial: %v\n", err)
		os.Exit(3)
	}
	br := bufio.NewReader(c)
	paths := []string{"/session", "/cache/k" + strconv.Itoa(id%cache), "/mapped/r" + strconv.Itoa(id%index), "/slow", "/"}
	sid := "sess-" + strconv.Itoa(id%sessions)
	for n := 0; ; n++ {
		req := "GET " + paths[(n+id)%len(paths)] + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sid=" + sid + "\r\n\r\n"
		if _, err := io.WriteString(c, req); err != nil {
			return
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if n == 0 {
			ready.Done()
		}
		time.Sleep(time.Duration(100+(id*37+n*53)%500) * time.Millisecond)
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
func serve(srv *http.Server, l net.Listener) {
	register("accept loop (IO wait)")
	srv.Serve(l)
}

func main() {
	conns := flag.Int("conns", 200, "keep-alive client connections")
	nsess := flag.Int("sessions", 500, "sessions (each with a nested map)")
	ncache := flag.Int("cache", 300, "cache entries (4 KB each)")
	mmapMB := flag.Int("mmap-mb", 1, "size of the mapped file (MB)")
	wd := flag.Duration("Watchdog", 60*time.Second, "exit 4 if not dumped by then")
	flag.Parse()
	runtime.GOMAXPROCS(4)
	Watchdog(*wd)

	gSessions = make(map[string]*session)
	langs := []string{"en", "de", "fr", "ja", "pt"}
	for i := 0; i < *nsess; i++ {
		s := &session{User: "user" + strconv.Itoa(i), Admin: i%100 == 0, Attrs: map[string]string{}}
		s.Attrs["lang"] = langs[i%len(langs)]
		s.Attrs["tz"] = "UTC+" + strconv.Itoa(i%12)
		if i%3 == 0 {
			s.Attrs["theme"] = "dark"
		}
		gSessions["sess-"+strconv.Itoa(i)] = s
	}
	gCache = make(map[string][]byte)
	for i := 0; i < *ncache; i++ {
		v := make([]byte, 4096)
		for j := range v {
			v[j] = byte('a' + (i+j)%26)
		}
		gCache["k"+strconv.Itoa(i)] = v
	}
	gHits = map[string]*int64{}
	for _, r := range []string{"/session", "/cache", "/mapped", "/slow", "/"} {
		gHits[r] = new(int64)
	}
	gConns = map[string]*connStat{}
	gRecent = map[string]int64{}

	// The mapped file: records of 64 bytes, indexed by key.
	size := *mmapMB << 20
	f, err := os.Create("mapped.db")
	if err != nil {
		panic(err)
	}
	if err := f.Truncate(int64(size)); err != nil {
		panic(err)
	}
	gMapped, err = syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		panic(err)
	}
	f.Close()
	nindex := size / 64
	if nindex > 1000 {
		nindex = 1000
	}
	gIndex = make(map[string][]byte, nindex)
	gRecords = make([]record, 0, nindex)
	for i := 0; i < nindex; i++ {
		rec := gMapped[i*64 : i*64+64 : i*64+64]
		copy(rec, "record "+strconv.Itoa(i)+"\n")
		k := "r" + strconv.Itoa(i)
		gIndex[k] = rec
		gRecords = append(gRecords, record{Key: k, Data: rec})
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(handler), ConnState: connState}
	go serve(srv, l)
	go janitor()
	gs := []Goroutine{<-regCh, <-regCh}

	var ready sync.WaitGroup
	ready.Add(*conns)
	for i := 0; i < *conns; i++ {
		go client(l.Addr().String(), i, *nsess, *ncache, nindex, &ready)
		if i%100 == 99 {
			time.Sleep(10 * time.Millisecond) // under the listen backlog
		}
	}
	ready.Wait()
	atomic.StoreInt32(&gFrozen, 1)
	sort.Slice(gs, func(i, j int) bool { return gs[i].Goid < gs[j].Goid })
	WaitParked(gs, 10*time.Second)

	m := NewManifest("server")
	m.Crash = Crash{Kind: "signal", Message: "abort", Signal: "SIGABRT"}
	add := func(e MapEntry) { m.Maps = append(m.Maps, e) }
	gMu.RLock()
	add(DescribeMap("main.gSessions", gSessions, unsafe.Pointer(&gSessions), true,
		[]string{"sess-0", "sess-1", "sess-42", "sess-" + strconv.Itoa(*nsess-1)}))
	s0 := gSessions["sess-0"]
	add(DescribeMap(`main.gSessions["sess-0"].Attrs`, s0.Attrs, unsafe.Pointer(&s0.Attrs), true,
		[]string{"lang", "theme", "tz"}))
	add(DescribeMap("main.gCache", gCache, unsafe.Pointer(&gCache), true,
		[]string{"k0", "k1", "k" + strconv.Itoa(*ncache-1)}))
	e := DescribeMap("main.gIndex", gIndex, unsafe.Pointer(&gIndex), true,
		[]string{"r0", "r1", "r" + strconv.Itoa(nindex-1)})
	e.Note = "values are slices into a MAP_SHARED file mapping (mapped.db, main.gMapped " +
		Hexp(unsafe.Pointer(&gMapped[0])) + ", " + strconv.Itoa(size) + " bytes) that the default coredump_filter leaves out of the core"
	add(e)
	gMu.RUnlock()
	add(DescribeMap("main.gHits", gHits, unsafe.Pointer(&gHits), true,
		[]string{"/", "/cache", "/mapped", "/session", "/slow"}))
	gConnsMu.Lock()
	var ck []string
	for k := range gConns {
		ck = append(ck, k)
	}
	sort.Strings(ck)
	if len(ck) > 3 {
		ck = ck[:3]
	}
	add(DescribeMap("main.gConns", gConns, unsafe.Pointer(&gConns), true, ck))
	gConnsMu.Unlock()
	gRecMu.Lock()
	e = DescribeMap("main.gRecent", gRecent, unsafe.Pointer(&gRecent), false, nil)
	e.Note = "written by every request: count and contents change until the dump"
	add(e)
	gRecMu.Unlock()
	m.Goroutines = gs
	WriteManifest(m)
	select {} // main parks; the clients keep the server busy until SIGABRT
}
