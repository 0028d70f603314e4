// Shared fixture helpers: manifest schema, goroutine ids, map header access.
// This file is copied verbatim into every program under corefiles/programs/
// (each program is its own module); keep the copies identical.

package main

import (
	"bytes"
	"os"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

const manifestSchema = "hmapcore-fixture/1"

// Manifest is the ground truth a fixture program writes about itself.
type Manifest struct {
	Schema        string         `json:"schema"`
	Program       string         `json:"program"`
	GoVersion     string         `json:"go_version"`
	GOARCH        string         `json:"goarch"`
	GOOS          string         `json:"goos"`
	MapImpl       string         `json:"map_impl"`
	PtrSize       int            `json:"ptr_size"`
	PID           int            `json:"pid"`
	GOMAXPROCS    int            `json:"gomaxprocs"`
	Crash         Crash          `json:"crash"`
	Maps          []MapEntry     `json:"maps"`
	SyncMaps      []SyncMapEntry `json:"sync_maps"`
	NilMapSlices  []NilMapSlice  `json:"nil_map_slices"`
	TornSlices    []TornSlice    `json:"torn_slices"`
	TornSlicesRaw []TornSlice    `json:"torn_slices_raw"`
	Goroutines    []Goroutine    `json:"goroutines"`
	Labels        *Labels        `json:"labels"`
}

type Crash struct {
	Kind    string `json:"kind"`    // fatal | panic | signal
	Message string `json:"message"` // without the "fatal error: " / "panic: " prefix
	Signal  string `json:"signal,omitempty"`
	// Goroutine that will crash, when known in advance (nilmap, segv).
	Goroutine *int64 `json:"goroutine"`
	// Goroutines that may be the crashing one (gallery: the racing writers).
	CandidateGoroutines []int64 `json:"candidate_goroutines,omitempty"`
	Function            string  `json:"function,omitempty"`     // innermost user function of the crash
	FieldOffset         *int    `json:"field_offset,omitempty"` // segv: offset of the field read through nil
}

type MapEntry struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Addr     string `json:"addr"`     // the *hmap / *maps.Map value ("0x0" for a nil map)
	VarAddr  string `json:"var_addr"` // where that pointer is stored (global, slice element, ...)
	Count    int    `json:"count"`
	Nil      bool   `json:"nil"`
	Stable   bool   `json:"stable"`
	KeySize  int    `json:"key_size"`
	ElemSize int    `json:"elem_size"`
	// Keys/elems larger than 128 bytes are stored indirectly (both impls).
	IndirectKey  bool           `json:"indirect_key"`
	IndirectElem bool           `json:"indirect_elem"`
	Classic      *ClassicHeader `json:"classic,omitempty"`
	Swiss        *SwissHeader   `json:"swiss,omitempty"`
	SampleKeys   []string       `json:"sample_keys"`
	NaNKeys      *int           `json:"nan_keys,omitempty"`
	Note         string         `json:"note,omitempty"`
}

type ClassicHeader struct {
	HmapSize   int     `json:"hmap_size"`
	Count      int     `json:"count"`
	Flags      uint8   `json:"flags"`
	B          uint8   `json:"B"`
	Noverflow  uint16  `json:"noverflow"`
	Hash0      uint32  `json:"hash0"`
	Buckets    string  `json:"buckets"`
	Oldbuckets string  `json:"oldbuckets"`
	Nevacuate  uint64  `json:"nevacuate"`
	ClearSeq   *uint64 `json:"clearSeq,omitempty"` // go1.24/go1.25 noswissmap only
	Extra      string  `json:"extra"`
	Growing    bool    `json:"growing"`
}

type SwissHeader struct {
	MapSize           int          `json:"map_size"`
	Used              uint64       `json:"used"`
	Seed              string       `json:"seed"`
	DirPtr            string       `json:"dirPtr"`
	DirLen            int          `json:"dirLen"`
	GlobalDepth       uint8        `json:"globalDepth"`
	GlobalShift       uint8        `json:"globalShift"`
	Writing           uint8        `json:"writing"`
	TombstonePossible *bool        `json:"tombstonePossible,omitempty"` // go1.25+
	ClearSeq          uint64       `json:"clearSeq"`
	Small             bool         `json:"small"` // dirLen == 0: dirPtr is a single group (or nil)
	Directory         []string     `json:"directory,omitempty"`
	Tables            []SwissTable `json:"tables,omitempty"` // distinct tables, directory order
}

type SwissTable struct {
	Addr       string `json:"addr"`
	Used       uint16 `json:"used"`
	Capacity   uint16 `json:"capacity"`
	GrowthLeft uint16 `json:"growthLeft"`
	LocalDepth uint8  `json:"localDepth"`
	Index      int    `json:"index"`
	Groups     string `json:"groups"`
	LengthMask uint64 `json:"lengthMask"`
}

type SyncMapEntry struct {
	Name       string   `json:"name"`
	VarAddr    string   `json:"var_addr"`
	Count      int      `json:"count"`
	SampleKeys []string `json:"sample_keys"`
}

type NilMapSlice struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	HeaderAddr string `json:"header_addr"`
	Array      string `json:"array"`
	Len        int    `json:"len"`
	Cap        int    `json:"cap"`
	NilIndexes []int  `json:"nil_indexes"`
}

type TornSlice struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	HeaderAddr string `json:"header_addr"`
	Ptr        string `json:"ptr"`
	Len        int    `json:"len"`
	Cap        int    `json:"cap"`
	Fault      string `json:"fault"` // len>cap | wild-pointer | nil-with-len
	Note       string `json:"note,omitempty"`
}

type Goroutine struct {
	Goid     int64  `json:"goid"`
	Role     string `json:"role"`
	Function string `json:"function"` // innermost main.* function it is parked in
	// Wait reason the runtime reported for it (runtime.Stack(all)) just
	// before the manifest was written, e.g. "chan receive", "semacquire".
	State string `json:"state"`
	Depth int    `json:"depth,omitempty"` // number of planted main.* helper frames
}

type Labels struct {
	Goid   int64             `json:"goid"`
	Labels map[string]string `json:"labels"`
}

func newManifest(program string) *Manifest {
	return &Manifest{
		Schema:        manifestSchema,
		Program:       program,
		GoVersion:     runtime.Version(),
		GOARCH:        runtime.GOARCH,
		GOOS:          runtime.GOOS,
		MapImpl:       mapImplName,
		PtrSize:       int(unsafe.Sizeof(uintptr(0))),
		PID:           os.Getpid(),
		GOMAXPROCS:    runtime.GOMAXPROCS(0),
		Maps:          []MapEntry{},
		SyncMaps:      []SyncMapEntry{},
		NilMapSlices:  []NilMapSlice{},
		TornSlices:    []TornSlice{},
		TornSlicesRaw: []TornSlice{},
		Goroutines:    []Goroutine{},
	}
}

func hexu(v uint64) string         { return "0x" + strconv.FormatUint(v, 16) }
func hexp(p unsafe.Pointer) string { return hexu(uint64(uintptr(p))) }
func hexa(p uintptr) string        { return hexu(uint64(p)) }

// mapPtr returns the map header pointer held by a map value (a map is a
// pointer-shaped type, so the eface data word is the *hmap / *maps.Map).
func mapPtr(m interface{}) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&m))[1]
}

// describeMap builds a manifest entry. varAddr is where the map pointer lives.
func describeMap(name string, m interface{}, varAddr unsafe.Pointer, stable bool, samples []string) MapEntry {
	t := reflect.TypeOf(m)
	v := reflect.ValueOf(m)
	p := mapPtr(m)
	e := MapEntry{
		Name:         name,
		Type:         t.String(),
		Addr:         hexp(p),
		VarAddr:      hexp(varAddr),
		Count:        v.Len(),
		Nil:          v.IsNil(),
		Stable:       stable,
		KeySize:      int(t.Key().Size()),
		ElemSize:     int(t.Elem().Size()),
		IndirectKey:  t.Key().Size() > 128,
		IndirectElem: t.Elem().Size() > 128,
		SampleKeys:   samples,
	}
	if e.SampleKeys == nil {
		e.SampleKeys = []string{}
	}
	readMapHeader(p, &e)
	return e
}

// goid parses the current goroutine's id from runtime.Stack's header line
// "goroutine N [running]:".
func goid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	s := strings.TrimPrefix(string(buf[:n]), "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		if id, err := strconv.ParseInt(s[:i], 10, 64); err == nil {
			return id
		}
	}
	panic("cannot parse goroutine id from runtime.Stack")
}

// callerName is the function name of the caller's caller (frame skip 2).
func callerName(skip int) string {
	pc, _, _, ok := runtime.Caller(skip + 1)
	if !ok {
		return "?"
	}
	f := runtime.FuncForPC(pc)
	if f == nil {
		return "?"
	}
	return f.Name()
}

// goroutineStates returns goid -> wait reason (the text inside [...] up to
// the first comma) for every goroutine, from runtime.Stack(all).
func goroutineStates() map[int64]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	states := map[int64]string{}
	for _, line := range bytes.Split(buf, []byte("\n")) {
		s := string(line)
		if !strings.HasPrefix(s, "goroutine ") || !strings.HasSuffix(s, ":") {
			continue
		}
		s = strings.TrimPrefix(s, "goroutine ")
		sp := strings.IndexByte(s, ' ')
		lb := strings.IndexByte(s, '[')
		rb := strings.LastIndexByte(s, ']')
		if sp < 0 || lb < 0 || rb < lb {
			continue
		}
		id, err := strconv.ParseInt(s[:sp], 10, 64)
		if err != nil {
			continue
		}
		st := s[lb+1 : rb]
		if c := strings.IndexByte(st, ','); c >= 0 {
			st = st[:c]
		}
		states[id] = st
	}
	return states
}

// waitParked polls until every listed goroutine is in a waiting state
// (not running/runnable), fills in Goroutine.State, and fails hard on timeout.
func waitParked(gs []Goroutine, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for {
		st := goroutineStates()
		ok := true
		for i := range gs {
			s, found := st[gs[i].Goid]
			gs[i].State = s
			if !found || s == "running" || s == "runnable" || s == "" {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			os.Stderr.WriteString("fixture: planted goroutines did not park:\n")
			os.Stderr.Write(marshalJSON(gs))
			os.Exit(3)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// writeManifest writes manifest.json into the working directory and fsyncs
// it (and the directory) before the program goes on to crash.
func writeManifest(m *Manifest) {
	data := marshalJSON(m)
	f, err := os.Create("manifest.json.tmp")
	if err != nil {
		panic(err)
	}
	if _, err := f.Write(data); err != nil {
		panic(err)
	}
	if err := f.Sync(); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
	if err := os.Rename("manifest.json.tmp", "manifest.json"); err != nil {
		panic(err)
	}
	if d, err := os.Open("."); err == nil {
		d.Sync()
		d.Close()
	}
}

// watchdog makes a fixture fail with an unmistakable message (never the
// expected one) if the planned crash has not happened in time.
func watchdog(d time.Duration) {
	go func() {
		time.Sleep(d)
		os.Stderr.WriteString("fixture: WATCHDOG: planned crash did not happen\n")
		os.Exit(4)
	}()
}

// marshalJSON is a small reflect-based JSON encoder (indent 2, struct field
// order, `json:"name,omitempty"` tags, sorted map keys). encoding/json is
// not used: it would make the executables much larger (json/v2 in go1.27).
func marshalJSON(v interface{}) []byte {
	var b bytes.Buffer
	encodeJSON(&b, reflect.ValueOf(v), 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func jsonIndent(b *bytes.Buffer, depth int) {
	b.WriteByte('\n')
	for i := 0; i < depth; i++ {
		b.WriteString("  ")
	}
}

func jsonString(b *bytes.Buffer, s string) {
	const hexdig = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString("\\n")
		case c == '\t':
			b.WriteString("\\t")
		case c < 0x20 || c == 0x7f:
			b.WriteString("\\u00")
			b.WriteByte(hexdig[c>>4])
			b.WriteByte(hexdig[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

func jsonEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Ptr, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil() || ((v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0)
	case reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	}
	return false
}

func encodeJSON(b *bytes.Buffer, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("null")
	case reflect.Ptr, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
			return
		}
		encodeJSON(b, v.Elem(), depth)
	case reflect.String:
		jsonString(b, v.String())
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("null")
			return
		}
		if v.Len() == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonIndent(b, depth+1)
			encodeJSON(b, v.Index(i), depth+1)
		}
		jsonIndent(b, depth)
		b.WriteByte(']')
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("null")
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		if len(keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonIndent(b, depth+1)
			jsonString(b, k.String())
			b.WriteString(": ")
			encodeJSON(b, v.MapIndex(k), depth+1)
		}
		jsonIndent(b, depth)
		b.WriteByte('}')
	case reflect.Struct:
		t := v.Type()
		b.WriteByte('{')
		n := 0
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, opts := f.Name, ""
			if tag, ok := f.Tag.Lookup("json"); ok {
				if c := strings.IndexByte(tag, ','); c >= 0 {
					name, opts = tag[:c], tag[c+1:]
				} else {
					name = tag
				}
			}
			if opts == "omitempty" && jsonEmpty(v.Field(i)) {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			jsonIndent(b, depth+1)
			jsonString(b, name)
			b.WriteString(": ")
			encodeJSON(b, v.Field(i), depth+1)
		}
		if n > 0 {
			jsonIndent(b, depth)
		}
		b.WriteByte('}')
	default:
		panic("marshalJSON: unsupported kind " + v.Kind().String())
	}
}
