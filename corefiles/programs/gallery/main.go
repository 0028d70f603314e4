// gallery: many map shapes held in package-level globals, goroutines parked
// in many wait states, planted torn slice headers; writes manifest.json and
// then dies of "fatal error: concurrent map writes".
//
// Must stay compatible with go1.19 (no min/max/clear, no range-over-int).
package main

import (
	"context"
	"fmt"
	. "hmapcore.fixture/internal/fixture"
	"math"
	"net"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

type point struct {
	X, Y int
	Name string
}

// bigKey and bigVal exceed the 128-byte inline limit: stored indirectly.
type bigKey [150]byte

type bigVal struct {
	ID    int64
	Words [24]int64 // 8 + 192 = 200 bytes
}

var (
	gEmpty      map[string]int
	gNil        map[string]int
	gSmall      map[string]int
	gLarge      map[string]int
	gGrowing    map[string]int
	gBig        map[bigKey]bigVal
	gStructKeys map[point]string
	gIfaceKeys  map[interface{}]string
	gFloat      map[float64]string
	gNested     map[string]map[int]string
	gShards     []map[string]int
	gSync       sync.Map
	gDeleted    map[int]int
	gDir        map[int]int
	gVictim     map[int]int

	// Torn slice headers (written through unsafe).
	gTornLen  []int
	gTornWild []int
	gTornNil  []int
	// The same three headers as plain words (never scanned as slices).
	gTornRaw struct {
		LenGtCap [3]uintptr
		WildPtr  [3]uintptr
		NilLen   [3]uintptr
	}

	// Objects the parked goroutines wait on (kept reachable).
	gMu       sync.Mutex
	gRWRead   sync.RWMutex // held for writing by main: RLock waits
	gRWWrite  sync.RWMutex // held for reading by main: Lock waits
	gWG       sync.WaitGroup
	gCond     = sync.NewCond(&sync.Mutex{})
	gListener net.Listener
	gPipe     [2]int
	gChans    []chan int
	gSink     int
)

var regCh = make(chan Goroutine, 64)

// register announces the calling waiter (its goid and function name).
//
//go:noinline
func register(role string, depth int) {
	regCh <- Goroutine{Goid: Goid(), Role: role, Function: CallerName(1), Depth: depth}
}

//go:noinline
func waitChanRecv(ch chan int) {
	register("chan receive", 0)
	gSink += <-ch
}

//go:noinline
func waitChanSend(ch chan int) {
	register("chan send", 0)
	ch <- 1
}

//go:noinline
func waitNilChan() {
	register("chan receive (nil chan)", 0)
	var ch chan int
	gSink += <-ch
}

//go:noinline
func waitSelect(a, b chan int) {
	register("select", 0)
	select {
	case v := <-a:
		gSink += v
	case b <- 1:
	}
}

//go:noinline
func waitSelectNoCases() {
	register("select (no cases)", 0)
	select {}
}

//go:noinline
func waitMutex() {
	register("sync.Mutex.Lock", 0)
	gMu.Lock()
	gSink++
	gMu.Unlock()
}

//go:noinline
func waitRLock() {
	register("sync.RWMutex.RLock", 0)
	gRWRead.RLock()
	gSink++
	gRWRead.RUnlock()
}

//go:noinline
func waitWLock() {
	register("sync.RWMutex.Lock", 0)
	gRWWrite.Lock()
	gSink++
	gRWWrite.Unlock()
}

//go:noinline
func waitSleep() {
	register("sleep", 0)
	time.Sleep(time.Hour)
}

//go:noinline
func waitAccept() {
	register("IO wait", 0)
	c, err := gListener.Accept()
	if err == nil {
		c.Close()
	}
}

//go:noinline
func waitWaitGroup() {
	register("sync.WaitGroup.Wait", 0)
	gWG.Wait()
}

//go:noinline
func waitCond() {
	gCond.L.Lock()
	register("sync.Cond.Wait", 0)
	for gSink >= 0 {
		gCond.Wait()
	}
	gCond.L.Unlock()
}

//go:noinline
func waitSyscall() {
	register("syscall", 0)
	var buf [16]byte
	n, _ := syscall.Read(gPipe[0], buf[:])
	gSink += n
}

//go:noinline
func waitLabeled(ch chan int) {
	register("pprof labels", 0)
	gSink += <-ch
}

func labeledGoroutine(ch chan int) {
	pprof.Do(context.Background(), pprof.Labels("request", "r-42", "user", "alice"),
		func(ctx context.Context) { waitLabeled(ch) })
}

// A chain of distinct helpers: deepOuter -> deepMiddle -> deepInner -> deepLeaf.
//
//go:noinline
func deepOuter(ch chan int, x int) int { return deepMiddle(ch, x+1) + 1 }

//go:noinline
func deepMiddle(ch chan int, x int) int { return deepInner(ch, x*2) + 2 }

//go:noinline
func deepInner(ch chan int, x int) int { return deepLeaf(ch, x-3) + 3 }

//go:noinline
func deepLeaf(ch chan int, x int) int {
	register("deep chan receive", 4)
	return <-ch + x
}

// A recursive helper: deepRecurse x6 then parks in a select.
//
//go:noinline
func deepRecurse(a, b chan int, n int) int {
	if n > 0 {
		return deepRecurse(a, b, n-1) + n
	}
	register("deep recursive select", 7)
	select {
	case v := <-a:
		return v
	case v := <-b:
		return v
	}
}

//go:noinline
func victimWriter(gate chan struct{}, base int, ids chan int64) {
	ids <- Goid()
	<-gate
	for i := 0; ; i++ {
		gVictim[(i+base)&63] = i
	}
}

func sampleInts(ks ...int) []string {
	out := make([]string, 0, len(ks))
	for _, k := range ks {
		out = append(out, fmt.Sprint(k))
	}
	return out
}

func buildMaps() {
	gEmpty = make(map[string]int)
	gNil = nil

	gSmall = map[string]int{}
	for i := 0; i < 5; i++ {
		gSmall["s"+strconv.Itoa(i)] = i
	}

	gLarge = make(map[string]int)
	for i := 0; i < 10000; i++ {
		gLarge["k"+strconv.Itoa(i)] = i
	}

	// Insert until the map is caught mid-growth (classic: oldbuckets != nil
	// right after the insert that started growing; Swiss: right after the
	// insert that split the directory), then never write it again.
	gGrowing = make(map[string]int)
	prevDir := 0
	for i := 0; i < 1000000; i++ {
		gGrowing["g"+strconv.Itoa(i)] = i
		growing, dirLen := MapShape(MapPtr(gGrowing))
		if growing && len(gGrowing) >= 800 {
			break
		}
		if dirLen >= 2 && dirLen != prevDir {
			break
		}
		prevDir = dirLen
	}

	gBig = make(map[bigKey]bigVal)
	for i := 0; i < 16; i++ {
		var k bigKey
		k[0], k[149] = byte(i), byte(255-i)
		var v bigVal
		v.ID = int64(i)
		v.Words[23] = int64(i * 1000)
		gBig[k] = v
	}

	gStructKeys = make(map[point]string)
	for i := 0; i < 20; i++ {
		gStructKeys[point{i, -i, "p" + strconv.Itoa(i)}] = "v" + strconv.Itoa(i)
	}

	gIfaceKeys = map[interface{}]string{}
	gIfaceKeys[1] = "int one"
	gIfaceKeys["two"] = "string two"
	gIfaceKeys[point{3, 4, "five"}] = "struct"
	gIfaceKeys[true] = "bool"

	gFloat = map[float64]string{}
	for i := 0; i < 3; i++ {
		gFloat[math.NaN()] = "nan" + strconv.Itoa(i) // each NaN insert adds an entry
	}
	gFloat[math.Inf(1)] = "+inf"
	gFloat[math.Copysign(0, -1)] = "-0"
	gFloat[1.5] = "one and a half"
	gFloat[math.Inf(-1)] = "-inf"

	gNested = map[string]map[int]string{
		"a": {1: "one", 2: "two"},
		"b": {},
		"c": nil,
	}

	gShards = make([]map[string]int, 8)
	for _, i := range []int{0, 2, 3, 5, 7} {
		m := map[string]int{}
		for j := 0; j <= i; j++ {
			m["shard"+strconv.Itoa(i)+"-"+strconv.Itoa(j)] = j
		}
		gShards[i] = m
	}

	gSync.Store("alpha", 1)
	gSync.Store("beta", 2)
	gSync.Store("gamma", 3)

	gDeleted = make(map[int]int)
	for i := 0; i < 100000; i++ {
		gDeleted[i] = i
	}
	for i := 0; i < 100000; i++ {
		delete(gDeleted, i)
	}

	gDir = make(map[int]int)
	for i := 0; i < 20000; i++ {
		gDir[i*7] = i
	}

	gVictim = make(map[int]int)
	for i := 0; i < 64; i++ {
		gVictim[i] = i
	}
}

func plantTornSlices() {
	gTornLen = make([]int, 4)
	for i := range gTornLen {
		gTornLen[i] = 0x1111 * (i + 1)
	}
	h := (*[3]uintptr)(unsafe.Pointer(&gTornLen))
	h[1], h[2] = 10, 4 // len 10 > cap 4

	gTornWild = nil
	h = (*[3]uintptr)(unsafe.Pointer(&gTornWild))
	h[0], h[1], h[2] = 0xdead0000, 4, 4

	gTornNil = nil
	h = (*[3]uintptr)(unsafe.Pointer(&gTornNil))
	h[0], h[1], h[2] = 0, 3, 3

	gTornRaw.LenGtCap = *(*[3]uintptr)(unsafe.Pointer(&gTornLen))
	gTornRaw.WildPtr = *(*[3]uintptr)(unsafe.Pointer(&gTornWild))
	gTornRaw.NilLen = *(*[3]uintptr)(unsafe.Pointer(&gTornNil))
}

func tornEntry(name, fault string, hdr unsafe.Pointer, note string) TornSlice {
	h := (*[3]uintptr)(hdr)
	return TornSlice{Name: name, Type: "[]int", HeaderAddr: Hexp(hdr), Ptr: Hexa(h[0]),
		Len: int(h[1]), Cap: int(h[2]), Fault: fault, Note: note}
}

func main() {
	runtime.GOMAXPROCS(4)
	Watchdog(15 * time.Second)

	buildMaps()
	plantTornSlices()
	// The torn headers must survive the GC (their pointers are either a
	// live heap object, nil, or outside the heap).
	runtime.GC()
	debug.FreeOSMemory()

	// Park goroutines in many wait states.
	var err error
	gListener, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	if err := syscall.Pipe(gPipe[:]); err != nil {
		panic(err)
	}
	gMu.Lock()
	gRWRead.Lock()
	gRWWrite.RLock()
	gWG.Add(1)
	for i := 0; i < 8; i++ {
		gChans = append(gChans, make(chan int))
	}
	starters := []func(){
		func() { waitChanRecv(gChans[0]) },
		func() { waitChanSend(gChans[1]) },
		func() { waitNilChan() },
		func() { waitSelect(gChans[2], gChans[3]) },
		func() { waitSelectNoCases() },
		func() { waitMutex() },
		func() { waitRLock() },
		func() { waitWLock() },
		func() { waitSleep() },
		func() { waitAccept() },
		func() { waitWaitGroup() },
		func() { waitCond() },
		func() { waitSyscall() },
		func() { labeledGoroutine(gChans[4]) },
		func() { gSink += deepOuter(gChans[5], 1) },
		func() { gSink += deepRecurse(gChans[6], gChans[7], 6) },
	}
	for _, f := range starters {
		go f()
	}
	var gs []Goroutine
	for range starters {
		gs = append(gs, <-regCh)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].Goid < gs[j].Goid })
	WaitParked(gs, 5*time.Second)

	// Racing writers, held at a gate until the manifest is on disk.
	gate := make(chan struct{})
	ids := make(chan int64, 2)
	go victimWriter(gate, 0, ids)
	go victimWriter(gate, 32, ids)
	writers := []int64{<-ids, <-ids}

	m := NewManifest("gallery")
	m.Crash = Crash{Kind: "fatal", Message: "concurrent map writes", CandidateGoroutines: writers,
		Function: "main.victimWriter"}

	add := func(e MapEntry) { m.Maps = append(m.Maps, e) }
	add(DescribeMap("main.gEmpty", gEmpty, unsafe.Pointer(&gEmpty), true, nil))
	add(DescribeMap("main.gNil", gNil, unsafe.Pointer(&gNil), true, nil))
	add(DescribeMap("main.gSmall", gSmall, unsafe.Pointer(&gSmall), true,
		[]string{"s0", "s1", "s2", "s3", "s4"}))
	add(DescribeMap("main.gLarge", gLarge, unsafe.Pointer(&gLarge), true,
		[]string{"k0", "k1", "k123", "k5000", "k9999"}))
	e := DescribeMap("main.gGrowing", gGrowing, unsafe.Pointer(&gGrowing), true,
		[]string{"g0", "g1", "g2", "g3", "g4"})
	if MapImplName == "classic" {
		e.Note = "caught mid-growth: oldbuckets != nil, never written after"
	} else {
		e.Note = "swiss has no incremental growth: stopped right after the insert that split the directory to 2"
	}
	add(e)
	var k0, k1 bigKey
	k0[0], k0[149] = 0, 255
	k1[0], k1[149] = 1, 254
	e = DescribeMap("main.gBig", gBig, unsafe.Pointer(&gBig), true,
		[]string{fmt.Sprint(k0), fmt.Sprint(k1)})
	add(e)
	add(DescribeMap("main.gStructKeys", gStructKeys, unsafe.Pointer(&gStructKeys), true,
		[]string{fmt.Sprint(point{0, 0, "p0"}), fmt.Sprint(point{1, -1, "p1"}), fmt.Sprint(point{19, -19, "p19"})}))
	add(DescribeMap("main.gIfaceKeys", gIfaceKeys, unsafe.Pointer(&gIfaceKeys), true,
		[]string{fmt.Sprint(1), fmt.Sprint("two"), fmt.Sprint(point{3, 4, "five"}), fmt.Sprint(true)}))
	e = DescribeMap("main.gFloat", gFloat, unsafe.Pointer(&gFloat), true,
		[]string{fmt.Sprint(math.NaN()), fmt.Sprint(math.Inf(1)), fmt.Sprint(math.Copysign(0, -1)),
			fmt.Sprint(1.5), fmt.Sprint(math.Inf(-1))})
	nan := 0
	for k := range gFloat {
		if k != k {
			nan++
		}
	}
	e.NaNKeys = &nan
	add(e)
	add(DescribeMap("main.gNested", gNested, unsafe.Pointer(&gNested), true,
		[]string{"a", "b", "c"}))
	for _, k := range []string{"a", "b", "c"} {
		e = DescribeMap("main.gNested[\""+k+"\"]", gNested[k], nil, true, nil)
		e.Note = "value stored in main.gNested; var_addr unknown (0x0)"
		if k == "a" {
			e.SampleKeys = []string{"1", "2"}
		}
		add(e)
	}
	ns := NilMapSlice{Name: "main.gShards", Type: "[]map[string]int",
		HeaderAddr: Hexp(unsafe.Pointer(&gShards)),
		Array:      Hexp(unsafe.Pointer(&gShards[0])), Len: len(gShards), Cap: cap(gShards),
		NilIndexes: []int{}}
	for i := range gShards {
		if gShards[i] == nil {
			ns.NilIndexes = append(ns.NilIndexes, i)
		}
		e = DescribeMap("main.gShards["+strconv.Itoa(i)+"]", gShards[i], unsafe.Pointer(&gShards[i]), true, nil)
		if gShards[i] != nil {
			e.SampleKeys = []string{"shard" + strconv.Itoa(i) + "-0"}
		}
		add(e)
	}
	m.NilMapSlices = append(m.NilMapSlices, ns)
	add(DescribeMap("main.gDeleted", gDeleted, unsafe.Pointer(&gDeleted), true, nil))
	m.Maps[len(m.Maps)-1].Note = "grew to 100000 entries, then every entry deleted (maps never shrink)"
	add(DescribeMap("main.gDir", gDir, unsafe.Pointer(&gDir), true, sampleInts(0, 7, 14, 700, 139993)))
	add(DescribeMap("main.gVictim", gVictim, unsafe.Pointer(&gVictim), false, sampleInts(0, 1, 2, 3, 63)))
	m.Maps[len(m.Maps)-1].Note = "written concurrently by the crash.candidate_goroutines after the manifest"

	syncCount := 0
	gSync.Range(func(k, v interface{}) bool { syncCount++; return true })
	m.SyncMaps = append(m.SyncMaps, SyncMapEntry{Name: "main.gSync", VarAddr: Hexp(unsafe.Pointer(&gSync)),
		Count: syncCount, SampleKeys: []string{"alpha", "beta", "gamma"}})

	m.TornSlices = append(m.TornSlices,
		tornEntry("main.gTornLen", "len>cap", unsafe.Pointer(&gTornLen), "ptr is a live 4-int heap object"),
		tornEntry("main.gTornWild", "wild-pointer", unsafe.Pointer(&gTornWild), ""),
		tornEntry("main.gTornNil", "nil-with-len", unsafe.Pointer(&gTornNil), ""))
	raw := "plain [3]uintptr words mirroring a slice header (DWARF type is not a slice)"
	m.TornSlicesRaw = append(m.TornSlicesRaw,
		tornEntry("main.gTornRaw.LenGtCap", "len>cap", unsafe.Pointer(&gTornRaw.LenGtCap), raw),
		tornEntry("main.gTornRaw.WildPtr", "wild-pointer", unsafe.Pointer(&gTornRaw.WildPtr), raw),
		tornEntry("main.gTornRaw.NilLen", "nil-with-len", unsafe.Pointer(&gTornRaw.NilLen), raw))
	for i := range m.TornSlicesRaw {
		m.TornSlicesRaw[i].Type = "[3]uintptr"
	}

	m.Goroutines = gs
	for _, g := range gs {
		if g.Role == "pprof labels" {
			m.Labels = &Labels{Goid: g.Goid, Labels: map[string]string{"request": "r-42", "user": "alice"}}
		}
	}

	WriteManifest(m)

	close(gate)
	gSink += <-make(chan int) // main parks; a writer fatals
}
