package httpcheck_test

import (
	"crypto/md5"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/httpcheck"
	"github.com/govrrpd/govrrpd/srcpos"
)

// flipServer is an HTTP real server whose status and body the test changes.
type flipServer struct {
	mu     sync.Mutex
	status int
	body   string
	reqs   []*http.Request
}

func (s *flipServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	st, body := s.status, s.body
	s.reqs = append(s.reqs, r)
	s.mu.Unlock()
	w.WriteHeader(st)
	_, _ = w.Write([]byte(body))
}

func (s *flipServer) set(status int, body string) {
	s.mu.Lock()
	s.status, s.body = status, body
	s.mu.Unlock()
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func httpChecker(t *testing.T, addr net.Addr, urls ...check.URL) check.Checker {
	return check.Checker{Kind: check.HTTP, Source: srcpos.Make("t", 1), Target: target(t, addr), ConnectTimeout: time.Second,
		Settings: &check.HTTPSettings{URLs: urls}}
}

func TestHTTPStatusDigestRegex(t *testing.T) {
	fs := &flipServer{status: 200, body: "hello world"}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	addr := srv.Listener.Addr()
	cases := []struct {
		name   string
		status int
		body   string
		url    check.URL
		up     bool
		fail   check.Failure
	}{
		{"200 default", 200, "x", check.URL{Path: "/"}, true, check.FailOther},
		{"500 default", 500, "x", check.URL{Path: "/"}, false, check.FailBadStatus},
		{"301 default fails", 301, "x", check.URL{Path: "/"}, false, check.FailBadStatus},
		{"301 in range", 301, "x", check.URL{Path: "/", StatusCodes: []check.StatusRange{{Lo: 300, Hi: 399}}}, true, check.FailOther},
		{"digest ok", 200, "hello", check.URL{Path: "/", Digest: md5hex("hello")}, true, check.FailOther},
		{"digest upper-case config", 200, "hello", check.URL{Path: "/", Digest: "5D41402ABC4B2A76B9719D911017C592"}, true, check.FailOther},
		{"digest changed body", 200, "hello!", check.URL{Path: "/", Digest: md5hex("hello")}, false, check.FailBadDigest},
		{"regex match", 200, "status: OK", check.URL{Path: "/", Regex: "OK$"}, true, check.FailOther},
		{"regex no match", 200, "status: BAD", check.URL{Path: "/", Regex: "OK$"}, false, check.FailBadContent},
		{"regex_no_match passes", 200, "status: OK", check.URL{Path: "/", Regex: "ERROR", RegexNoMatch: true}, true, check.FailOther},
		{"regex_no_match fails", 200, "ERROR here", check.URL{Path: "/", Regex: "ERROR", RegexNoMatch: true}, false, check.FailBadContent},
		{"regex caseless", 200, "status: ok", check.URL{Path: "/", Regex: "OK", RegexOptions: []string{"caseless"}}, true, check.FailOther},
		{"regex beyond max offset", 200, "....OK", check.URL{Path: "/", Regex: "OK", RegexMaxOffset: 4}, false, check.FailBadContent},
		{"regex after min offset", 200, "OK..OK", check.URL{Path: "/", Regex: "^OK", RegexMinOffset: 4}, true, check.FailOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs.set(tc.status, tc.body)
			o := probeOnce(t, httpChecker(t, addr, tc.url))
			wantUp(t, o, tc.up)
			if !tc.up && o.Fail != tc.fail {
				t.Errorf("failure class %s, want %s", o.Fail, tc.fail)
			}
		})
	}
}

func TestHTTPAllURLsMustPass(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	wantUp(t, probeOnce(t, httpChecker(t, srv.Listener.Addr(), check.URL{Path: "/good"})), true)
	wantUp(t, probeOnce(t, httpChecker(t, srv.Listener.Addr(), check.URL{Path: "/good"}, check.URL{Path: "/bad"})), false)
}

func TestHTTPRequestIsKeepalivedsRequest(t *testing.T) {
	for _, tc := range []struct{ proto, line, conn string }{
		{"", "HTTP/1.0", ""}, {"1.0C", "HTTP/1.0", "close"}, {"1.1", "HTTP/1.1", "close"},
	} {
		fs := &flipServer{status: 200}
		srv := httptest.NewServer(fs)
		c := httpChecker(t, srv.Listener.Addr(), check.URL{Path: "/health?x=1", Virtualhost: "www.example.test"})
		c.HTTP().Protocol = tc.proto
		wantUp(t, probeOnce(t, c), true)
		srv.Close()
		r := fs.reqs[0]
		if r.Proto != tc.line || r.UserAgent() != "KeepAliveClient" || r.Host != "www.example.test" ||
			r.RequestURI != "/health?x=1" || r.Header.Get("Connection") != tc.conn && !(tc.conn == "close" && r.Close) {
			t.Errorf("protocol %q: got %s %s UA=%q Host=%q Connection=%q", tc.proto, r.Proto, r.RequestURI,
				r.UserAgent(), r.Host, r.Header.Get("Connection"))
		}
	}
	raw, err := httpcheck.FetchRequest{Path: "/", Host: "192.0.2.1:8080", Protocol: "1.1"}.RequestBytes()
	want := "GET / HTTP/1.1\r\nConnection: close\r\nUser-Agent: KeepAliveClient\r\nHost: 192.0.2.1:8080\r\n\r\n"
	if err != nil || string(raw) != want {
		t.Errorf("request bytes %q, want %q", raw, want)
	}
	if got := httpcheck.HostHeader(netipMust("192.0.2.1:80"), false); got != "192.0.2.1" {
		t.Errorf("default Host on port 80 = %q", got)
	}
	if got := httpcheck.HostHeader(netipMust("[2001:db8::1]:8443"), true); got != "[2001:db8::1]:8443" {
		t.Errorf("IPv6 Host = %q", got)
	}
}

func TestHTTPClosedPortAndSlowServer(t *testing.T) {
	c := httpChecker(t, nil0(), check.URL{Path: "/"})
	c.Target = closedPort(t)
	if o := probeOnce(t, c); o.Up || o.Fail != check.FailRefused {
		t.Errorf("closed port: up %v, failure class %s, want refused", o.Up, o.Fail)
	}

	// A server that accepts but never answers must fail within connect_timeout.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held atomic.Int32
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			held.Add(1)
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	defer func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	c = httpChecker(t, l.Addr(), check.URL{Path: "/"})
	c.ConnectTimeout = 300 * time.Millisecond
	start := time.Now()
	o := probeOnce(t, c)
	took := time.Since(start)
	wantUp(t, o, false)
	if o.Fail != check.FailTimeout {
		t.Errorf("slow server: failure class %s, want timeout", o.Fail)
	}
	if held.Load() != 1 || took < 250*time.Millisecond || took > 2*time.Second {
		t.Fatalf("slow server: accepted %d connections, probe took %v (timeout 300ms)", held.Load(), took)
	}
}

func TestHTTPBadSettingsRejected(t *testing.T) {
	tg := closedPort(t)
	for name, c := range map[string]check.Checker{
		"no url":       {Kind: check.HTTP, Target: tg, Settings: &check.HTTPSettings{}},
		"bad digest":   {Kind: check.HTTP, Target: tg, Settings: &check.HTTPSettings{URLs: []check.URL{{Path: "/", Digest: "xyz"}}}},
		"bad protocol": {Kind: check.HTTP, Target: tg, Settings: &check.HTTPSettings{Protocol: "2", URLs: []check.URL{{Path: "/"}}}},
		"bad regex":    {Kind: check.HTTP, Target: tg, Settings: &check.HTTPSettings{URLs: []check.URL{{Path: "/", Regex: "("}}}},
		"pcre option":  {Kind: check.HTTP, Target: tg, Settings: &check.HTTPSettings{URLs: []check.URL{{Path: "/", Regex: "a", RegexOptions: []string{"extended"}}}}},
		"bfd":          {Kind: check.BFD, Target: tg},
	} {
		if _, err := httpcheck.New(c); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
		if _, err := check.PlanHTTP(c); err == nil && c.Kind == check.HTTP {
			t.Errorf("%s: the daemon's validation (PlanHTTP) accepted it", name)
		}
	}
}
