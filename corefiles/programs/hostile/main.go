// hostile: strings meant to attack whoever prints them (terminal escapes,
// Markdown and HTML markup, quotes, control bytes, invalid UTF-8, bidi
// overrides, an over-long string) planted in the process's memory as map
// keys and values, as pprof labels and as the panic message; the reports
// must print them inert. A worker dies of the unrecovered
// panic("hostile \x1b[2J<script>...") (a plain string, one line).
//
// Must stay compatible with go1.19 (no strings.Clone, min/max, clear).
package main

import (
	"context"
	. "hmapcore.fixture/internal/fixture"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// panicMessage is printed raw by the runtime after "panic: ".
const panicMessage = "hostile \x1b[2J<script>alert('panic')</script> | x | y |"

// The pprof labels of the parked goroutine (key -> value).
var evilLabels = map[string]string{
	"evil": "<script>x</script>\x1b[31m",
	"row":  "| a | b |",
}

// hostileStrings are planted in gHostile both as keys and as values.
var hostileStrings = []string{
	"\x1b[2J\x1b[31mRED\x1b[0m",    // ANSI: clear screen, colour
	"\x1b]0;pwned\x07",             // OSC: set the window title
	"\x1b[6n",                      // DSR: make the terminal answer
	"| fake | row |\n|---|---|",    // a Markdown table row
	"`code` ```fence",              // Markdown code span and fence
	"<script>alert(1)</script>",    // HTML
	"<img src=x onerror=alert(2)>", // HTML attribute
	"&amp; &lt;",                   // HTML entities (must stay literal)
	"\"quoted\" 'single'",          // quotes
	"back\\slash",                  // a backslash
	"\r\n\t\b\x00nul",              // control bytes and a NUL
	"\xff\xfe invalid utf-8",       // not UTF-8
	"\u202eRTL override",           // U+202E RIGHT-TO-LEFT OVERRIDE
	"[link](javascript:alert(3))",  // Markdown link
	"",                             // long300, filled in by init
}

// long300 is exactly 300 bytes: digits, then markup and an escape at the end
// (past the point where a report would cut a long string).
var long300 string

var (
	gHostile map[string]string // the largest map of the process
	gSink    int
)

func init() {
	tail := "<b>&\x1b[7m|end|</b>"
	long300 = strings.Repeat("0123456789", 30)[:300-len(tail)] + tail
	if len(long300) != 300 {
		panic("long300 is not 300 bytes")
	}
	hostileStrings[len(hostileStrings)-1] = long300
}

// heapCopy returns s in a fresh heap allocation (the literals live in the
// executable's rodata, which the core does not hold).
func heapCopy(s string) string { return string(append([]byte(nil), s...)) }

//go:noinline
func waitLabeled(ch chan int, ids chan int64) {
	ids <- Goid()
	gSink += <-ch // parks: chan receive
}

//go:noinline
func labeledGoroutine(ch chan int, ids chan int64) {
	pprof.Do(context.Background(),
		pprof.Labels("evil", evilLabels["evil"], "row", evilLabels["row"]),
		func(ctx context.Context) { waitLabeled(ch, ids) })
}

//go:noinline
func explode(n int) int {
	if n >= 0 {
		panic(panicMessage)
	}
	return n
}

//go:noinline
func worker(ready chan int64, gate chan struct{}) {
	ready <- Goid()
	<-gate
	gSink += explode(len(gHostile))
}

func main() {
	runtime.GOMAXPROCS(4)
	Watchdog(15 * time.Second)

	// Ordinary keys k0001..k6000 with ordinary values; the hostile strings
	// as keys (heap copies, each mapped to another hostile string) and as
	// values (literals, under keys v01..v15).
	gHostile = make(map[string]string)
	for i := 1; i <= 6000; i++ {
		s := strconv.Itoa(i)
		s = strings.Repeat("0", 4-len(s)) + s
		gHostile["k"+s] = "v" + s
	}
	n := len(hostileStrings)
	var samples []string
	for i, h := range hostileStrings {
		gHostile[heapCopy(h)] = hostileStrings[(i+1)%n]
		s := strconv.Itoa(i + 1)
		if len(s) < 2 {
			s = "0" + s
		}
		gHostile["v"+s] = h
		samples = append(samples, h)
	}

	ch := make(chan int)
	lids := make(chan int64)
	go labeledGoroutine(ch, lids)
	lid := <-lids
	gs := []Goroutine{{Goid: lid, Role: "pprof labels", Function: "main.waitLabeled"}}
	WaitParked(gs, 5*time.Second)

	ready := make(chan int64)
	gate := make(chan struct{})
	go worker(ready, gate)
	id := <-ready

	m := NewManifest("hostile")
	m.Crash = Crash{Kind: "panic", Message: panicMessage, Goroutine: &id, Function: "main.explode"}
	e := DescribeMap("main.gHostile", gHostile, unsafe.Pointer(&gHostile), true, samples)
	e.Note = "sample_keys are the planted hostile keys; v01..v15 hold them as values"
	m.Maps = append(m.Maps, e)
	m.Goroutines = append(m.Goroutines,
		Goroutine{Goid: id, Role: "crasher", Function: "main.explode", State: "running", Depth: 2},
		gs[0])
	m.Labels = &Labels{Goid: lid, Labels: evilLabels}
	WriteManifest(m)

	close(gate)
	<-make(chan int) // main parks; the worker panics
}
