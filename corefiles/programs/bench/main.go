// bench: a process with a large heap for tests/bench (issue 8), dumped by
// the kernel when it dies of a panic under GOTRACEBACK=crash. Nothing of it
// is committed but this source: tests/bench/run builds it, runs it and
// keeps the core in a scratch folder.
//
// Knobs (flags):
//
//	-goroutines N   parked goroutines, spread over wait states (chan
//	                receive, chan send, select, sync.Mutex, sync.WaitGroup,
//	                sleep, sync.Cond), each at a stack depth of 8..40 frames
//	-small N        small maps (1..16 entries, string and int keys) in a
//	                slice of maps, every 97th left nil
//	-big K          maps of -entries E entries each (int64 -> [2]int64);
//	                the last one is caught mid-growth on classic maps
//	-sync S         sync.Maps of 64 entries each
//	-deep D         maps in deep structures, as real programs hold them
//	                (issue 21): D/5 tenants in a map, each a struct with a
//	                map of users, each user a struct with two maps; and a
//	                persistent (path-copying) trie of D string keys, each
//	                node a struct with a map of children and a map of values,
//	                the last 64 versions kept live (older ones garbage that
//	                shares nodes with the live ones)
//
// It prints "ready" on stdout, writes its counts to -manifest, then
// panics.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

type counts struct {
	Goroutines int    `json:"goroutines"`
	Small      int    `json:"small_maps"`
	NilSmall   int    `json:"nil_small_maps"`
	Big        int    `json:"big_maps"`
	Entries    int    `json:"entries_per_big_map"`
	Sync       int    `json:"sync_maps"`
	DeepMaps   int    `json:"deep_maps"` // live maps of -deep (tenants, users, trie)
	PID        int    `json:"pid"`
	HeapBytes  uint64 `json:"heap_bytes"`
	GoVersion  string `json:"go_version"`
}

var (
	gSmall   []map[string]int
	gSmallI  []map[int]int
	gBig     []map[int64][2]int64
	gFirst   map[int64][2]int64 // gBig[0], a plain global for the peers' "print"
	gSync    []*sync.Map
	gMu      sync.Mutex
	gWG      sync.WaitGroup
	gCond    = sync.NewCond(&sync.Mutex{})
	gChan    = make(chan int)
	gSend    = make(chan int)
	gForever = make(chan struct{})

	gTenants  map[string]*tenant
	gVersions []*pnode // the trie's last 64 versions
)

type user struct {
	Name  string
	Prefs map[string]string
	Tags  map[string]struct{}
}

type tenant struct {
	ID    int
	Users map[int]*user
	Quota [4]int64
}

// pnode is a node of a persistent trie keyed by the hex digits of a key:
// an insert copies the nodes on its path (and their maps), so versions
// share every other node.
type pnode struct {
	kids map[byte]*pnode
	vals map[string]int
}

func (n *pnode) insert(key string, depth, v int) *pnode {
	c := &pnode{kids: map[byte]*pnode{}, vals: map[string]int{}}
	if n != nil {
		for k, x := range n.kids {
			c.kids[k] = x
		}
		for k, x := range n.vals {
			c.vals[k] = x
		}
	}
	if depth == len(key) || depth == 3 {
		c.vals[key] = v
		return c
	}
	c.kids[key[depth]] = c.kids[key[depth]].insert(key, depth+1, v)
	return c
}

// buildDeep makes the -deep structures and returns how many live maps
// they hold.
func buildDeep(d int) int {
	if d <= 0 {
		return 0
	}
	live := 1
	gTenants = make(map[string]*tenant)
	for t := 0; t < d/5; t++ {
		tn := &tenant{ID: t, Users: map[int]*user{}}
		live++
		for u := 0; u < 5; u++ {
			us := &user{Name: "u" + strconv.Itoa(u), Prefs: map[string]string{"lang": "en"}, Tags: map[string]struct{}{}}
			if u%2 == 0 {
				us.Tags["admin"] = struct{}{}
			}
			tn.Users[t*5+u] = us
			live += 2
		}
		gTenants["tenant-"+strconv.Itoa(t)] = tn
	}
	var root *pnode
	for k := 0; k < d; k++ {
		root = root.insert(fmt.Sprintf("%06x", k*2654435761%16777216), 0, k)
		gVersions = append(gVersions, root)
		if len(gVersions) > 64 {
			gVersions = gVersions[1:]
		}
	}
	seen := map[*pnode]bool{}
	var walk func(n *pnode)
	walk = func(n *pnode) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		for _, c := range n.kids {
			walk(c)
		}
	}
	for _, v := range gVersions {
		walk(v)
	}
	return live + 2*len(seen)
}

//go:noinline
func park(kind, depth int, ready *sync.WaitGroup) int {
	if depth > 0 {
		return park(kind, depth-1, ready) + 1
	}
	ready.Done()
	switch kind % 7 {
	case 0:
		<-gChan
	case 1:
		gSend <- 1
	case 2:
		select {
		case <-gChan:
		case <-gForever:
		}
	case 3:
		gMu.Lock()
		gMu.Unlock()
	case 4:
		gWG.Wait()
	case 5:
		time.Sleep(time.Hour)
	case 6:
		gCond.L.Lock()
		gCond.Wait()
		gCond.L.Unlock()
	}
	return 0
}

func main() {
	ng := flag.Int("goroutines", 1000, "parked goroutines")
	ns := flag.Int("small", 1000, "small maps")
	nb := flag.Int("big", 1, "big maps")
	ne := flag.Int("entries", 100000, "entries per big map")
	nsync := flag.Int("sync", 10, "sync.Maps")
	ndeep := flag.Int("deep", 0, "maps in deep structures (tenants, users, a persistent trie)")
	manifest := flag.String("manifest", "bench.json", "where to write the counts")
	flag.Parse()
	debug.SetGCPercent(400)

	gMu.Lock() // the mutex waiters block forever
	gWG.Add(1) // so do the WaitGroup waiters
	var ready sync.WaitGroup
	ready.Add(*ng)
	for i := 0; i < *ng; i++ {
		go park(i, 8+i%33, &ready)
	}

	gSmall = make([]map[string]int, *ns/2)
	gSmallI = make([]map[int]int, *ns-*ns/2)
	nilSmall := 0
	for i := range gSmall {
		if i%97 == 96 {
			nilSmall++
			continue
		}
		m := make(map[string]int)
		for k := 0; k < 1+i%16; k++ {
			m["k"+strconv.Itoa(k)] = k
		}
		gSmall[i] = m
	}
	for i := range gSmallI {
		m := make(map[int]int)
		for k := 0; k < 1+i%16; k++ {
			m[k] = i
		}
		gSmallI[i] = m
	}
	gBig = make([]map[int64][2]int64, *nb)
	for b := range gBig {
		m := make(map[int64][2]int64)
		for k := 0; k < *ne; k++ {
			m[int64(k)*7919] = [2]int64{int64(k), int64(b)}
		}
		gBig[b] = m
	}
	if len(gBig) > 0 {
		gFirst = gBig[0]
	}
	gSync = make([]*sync.Map, *nsync)
	for s := range gSync {
		m := &sync.Map{}
		for k := 0; k < 64; k++ {
			m.Store(fmt.Sprintf("s%d-%d", s, k), k)
		}
		gSync[s] = m
	}
	deepMaps := buildDeep(*ndeep)
	ready.Wait()
	time.Sleep(100 * time.Millisecond)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	c := counts{Goroutines: *ng, Small: *ns, NilSmall: nilSmall, Big: *nb, Entries: *ne,
		Sync: *nsync, DeepMaps: deepMaps, PID: os.Getpid(), HeapBytes: ms.HeapAlloc, GoVersion: runtime.Version()}
	b, _ := json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(*manifest, append(b, '\n'), 0o644); err != nil {
		panic(err)
	}
	fmt.Println("ready")
	debug.SetTraceback("crash")
	panic("bench: dumping core")
}
