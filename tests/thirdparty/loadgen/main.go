// loadgen: a bounded keep-alive HTTP/1.1 load generator for
// tests/thirdparty/generate. It opens -conns TCP connections to -addr
// (127.0.0.1 only), then on each sends GET requests for -paths in turn,
// reads each response and pauses -pause (jittered up to 2x) before the next,
// until -duration has passed; then it exits. It prints "ready N" on stdout
// once N connections have had their first response, so that the caller can
// dump the server under a known load. No dependencies (the standard library).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "server address (127.0.0.1 only)")
	host := flag.String("host", "localhost", "Host header")
	conns := flag.Int("conns", 2000, "keep-alive connections")
	paths := flag.String("paths", "/", "comma-separated request paths, in turn")
	pause := flag.Duration("pause", 500*time.Millisecond, "pause between requests on a connection")
	duration := flag.Duration("duration", 120*time.Second, "stop after this long")
	flag.Parse()
	if !strings.HasPrefix(*addr, "127.0.0.1:") {
		fmt.Fprintln(os.Stderr, "loadgen: only 127.0.0.1 targets")
		os.Exit(64)
	}
	ps := strings.Split(*paths, ",")
	end := time.Now().Add(*duration)
	var ready, failed int64
	var once sync.WaitGroup
	once.Add(*conns)
	var wg sync.WaitGroup
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			first := true
			defer func() {
				if first {
					atomic.AddInt64(&failed, 1)
					once.Done()
				}
			}()
			c, err := net.DialTimeout("tcp", *addr, 10*time.Second)
			if err != nil {
				return
			}
			defer c.Close()
			br := bufio.NewReader(c)
			for n := 0; time.Now().Before(end); n++ {
				p := ps[(id+n)%len(ps)]
				c.SetDeadline(time.Now().Add(30 * time.Second))
				if _, err := io.WriteString(c, "GET "+p+" HTTP/1.1\r\nHost: "+*host+"\r\nUser-Agent: hmapcore-loadgen\r\n\r\n"); err != nil {
					return
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if first {
					first = false
					atomic.AddInt64(&ready, 1)
					once.Done()
				}
				time.Sleep(*pause + time.Duration((id*7919+n*104729)%int(*pause+1)))
			}
		}(i)
		if i%100 == 99 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	once.Wait()
	fmt.Printf("ready %d failed %d\n", ready, failed)
	wg.Wait()
}
