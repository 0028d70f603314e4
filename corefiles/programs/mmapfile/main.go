// mmapfile: a program that maps a file, as databases and indexes do. It
// creates data.bin (1 MiB, byte i = 'a' + i%26) in its working directory,
// mmaps it read-only (MAP_SHARED), keeps 64 subslices of the mapping in a
// global (view k: 100 bytes at offset k*16384, its cap running to the end
// of the mapping) and a map from k to a string of the 8 bytes view k
// starts with (the string's bytes are in the mapping), records them in
// mapped.json, writes its manifest and panics. The kernel's default coredump_filter leaves file-backed shared
// mappings out of the core: the views point at memory the process had
// mapped but the core does not hold (NT_FILE lists the file). None of them
// is torn.
//
// Must stay compatible with go1.19.
package main

import (
	. "hmapcore.fixture/internal/fixture"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

const (
	fileSize = 1 << 20
	numViews = 64
	viewLen  = 100
	stride   = 16384
)

var (
	gData  []byte         // the whole mapping
	gViews [][]byte       // 64 subslices of it
	gIndex map[int]string // k -> the first 8 bytes of view k, in the mapping
)

// strhdr is a string header: a string that points into the mapping.
type strhdr struct {
	p unsafe.Pointer
	n int
}

//go:noinline
func crash(id int64) {
	panic("mmapfile: planned crash")
}

func main() {
	Watchdog(30 * time.Second)
	buf := make([]byte, fileSize)
	for i := range buf {
		buf[i] = byte('a' + i%26)
	}
	if err := os.WriteFile("data.bin", buf, 0o644); err != nil {
		panic(err)
	}
	f, err := os.Open("data.bin")
	if err != nil {
		panic(err)
	}
	gData, err = syscall.Mmap(int(f.Fd()), 0, fileSize, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		panic(err)
	}
	f.Close()
	gIndex = map[int]string{}
	for k := 0; k < numViews; k++ {
		v := gData[k*stride : k*stride+viewLen]
		gViews = append(gViews, v)
		gIndex[k] = *(*string)(unsafe.Pointer(&strhdr{unsafe.Pointer(&v[0]), 8}))
	}
	path, _ := filepath.Abs("data.bin")

	// mapped.json: the file, the mapping and every view, with the first
	// 8 bytes each should read (the file's content at its offset).
	var b strings.Builder
	b.WriteString("{\n  \"path\": " + strconv.Quote(path) + ",\n")
	b.WriteString("  \"size\": " + strconv.Itoa(fileSize) + ",\n")
	b.WriteString("  \"addr\": \"" + Hexp(unsafe.Pointer(&gData[0])) + "\",\n")
	b.WriteString("  \"global\": \"main.gViews\",\n  \"index\": \"main.gIndex\",\n  \"views\": [\n")
	for k, v := range gViews {
		first := strconv.Quote(string(v[:8]))
		b.WriteString("    {\"index\": " + strconv.Itoa(k) +
			", \"ptr\": \"" + Hexp(unsafe.Pointer(&v[0])) + "\"" +
			", \"offset\": " + strconv.Itoa(k*stride) +
			", \"len\": " + strconv.Itoa(len(v)) +
			", \"cap\": " + strconv.Itoa(cap(v)) +
			", \"first\": " + first + "}")
		if k < len(gViews)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]\n}\n")
	if err := os.WriteFile("mapped.json", []byte(b.String()), 0o644); err != nil {
		panic(err)
	}

	id := Goid()
	m := NewManifest("mmapfile")
	m.Crash = Crash{Kind: "panic", Message: "mmapfile: planned crash", Goroutine: &id,
		Function: "main.crash"}
	m.Goroutines = append(m.Goroutines, Goroutine{Goid: id, Role: "crasher", Function: "main.crash",
		State: "running", Depth: 2})
	WriteManifest(m)
	crash(id)
}
