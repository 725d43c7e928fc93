package main

import (
	"bytes"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// genhash reads a server's response and the operator's -u/-P words: for
// any of them it either prints one MD5 digest (exit 0) or says why not
// (exit 1 or 2), never anything else. The server is a loopback listener
// that answers every connection with the current input.
func FuzzGenhash(f *testing.F) {
	for _, s := range []struct{ resp, url, proto string }{
		{"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "/", "1.0"},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", "/x?y=1", "1.1"},
		{"garbage", "/", "1.0c"},
		{"HTTP/1.0 200 OK\r\n\r\n", "/ bad", "2.0"},
	} {
		f.Add([]byte(s.resp), s.url, s.proto)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Skip("no loopback listener:", err)
	}
	f.Cleanup(func() { ln.Close() })
	var reply atomic.Pointer[[]byte]
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				_, _ = c.Read(buf) // the request
				if r := reply.Load(); r != nil {
					_, _ = c.Write(*r)
				}
			}()
		}
	}()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	digest := regexp.MustCompile(`(?m)^[0-9a-f]{32}\n\z`)
	f.Fuzz(func(t *testing.T, resp []byte, url, proto string) {
		reply.Store(&resp)
		var out, errb bytes.Buffer
		code := genhashMain([]string{"-s", "127.0.0.1", "-p", port, "-u", url, "-P", proto, "-v", "-t", "2s"}, &out, &errb)
		switch code {
		case 0:
			if !digest.Match(out.Bytes()) {
				t.Fatalf("exit 0 without a digest as the last line: %q", out.String())
			}
		case 1, 2:
			if !strings.Contains(errb.String(), "genhash") && url != "" {
				t.Fatalf("exit %d without saying why: %q", code, errb.String())
			}
		default:
			t.Fatalf("exit %d", code)
		}
	})
}
