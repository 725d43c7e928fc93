package checkproc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/httpcheck"
	"github.com/govrrpd/govrrpd/srcpos"
)

// helper is the govrrpd-check these tests run, built for the run.
var helper string

func TestMain(m *testing.M) {
	if os.Getenv(hangEnv) != "" {
		hangHelper()
	}
	dir, err := os.MkdirTemp("", "checkproc-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	helper = filepath.Join(dir, HelperName)
	if out, err := exec.Command("go", "build", "-o", helper, "github.com/govrrpd/govrrpd/cmd/govrrpd-check").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the helper: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// logBuf collects the daemon's log.
type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func newClient(t *testing.T, o Options) (*Client, *logBuf) {
	t.Helper()
	lb := &logBuf{}
	o.Log = slog.New(slog.NewTextHandler(lb, nil))
	if o.Helper == "" {
		o.Helper = helper
	}
	if o.Backoff == 0 {
		o.Backoff = 20 * time.Millisecond
	}
	if o.Linger == 0 {
		o.Linger = 50 * time.Millisecond
	}
	c := New(o)
	t.Cleanup(func() {
		if ch := c.current(); ch != nil {
			ch.kill()
		}
	})
	return c, lb
}

func checker(t *testing.T, kind check.Kind, addr net.Addr, tlsSet *check.TLSSettings, urls ...check.URL) check.Checker {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		t.Fatal(err)
	}
	return check.Checker{Kind: kind, Source: srcpos.Make("keepalived.conf", 7), ConnectTimeout: 300 * time.Millisecond,
		Target: check.Target{Service: "192.0.2.100:80/TCP", Real: ap}, Retry: 0, DelayLoop: 30 * time.Millisecond,
		Settings: &check.HTTPSettings{URLs: urls, TLS: tlsSet}}
}

// probe runs one attempt bounded by connect_timeout, as the scheduler does.
func probe(p check.Prober, c check.Checker) check.Outcome {
	ctx, cancel := context.WithTimeout(context.Background(), c.ConnectTimeout)
	defer cancel()
	return p.Probe(ctx)
}

// selfSigned makes a certificate for name: the TLS pair and its PEM.
func selfSigned(t *testing.T, name string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		DNSNames: []string{name}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// silent accepts connections and never answers, until the test ends.
func silent(t *testing.T) net.Addr {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr()
}

func closedAddr(t *testing.T) net.Addr {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	return l.Addr()
}

var srcPort = regexp.MustCompile(`tcp 127\.0\.0\.1:\d+->`)

// The helper gives each checker the verdict the in-process prober gives:
// up, bad status, bad digest, timeout, refused, TLS verified or not.
func TestHelperVerdictsAreInProcessVerdicts(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) })
	mux.HandleFunc("/fail", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cert, certPEM := selfSigned(t, "www.example.test")
	_, otherPEM := selfSigned(t, "other.example.test")
	tsrv := httptest.NewUnstartedServer(mux)
	tsrv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	tsrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are expected
	tsrv.StartTLS()
	defer tsrv.Close()
	dir := t.TempDir()
	ca, other := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "other.pem")
	if os.WriteFile(ca, certPEM, 0o600) != nil || os.WriteFile(other, otherPEM, 0o600) != nil {
		t.Fatal("write CA files")
	}
	hello := "5d41402abc4b2a76b9719d911017c592" // MD5 of "hello"
	cases := []struct {
		name string
		c    check.Checker
		up   bool
		fail check.Failure
	}{
		{"up", checker(t, check.HTTP, srv.Listener.Addr(), nil, check.URL{Path: "/ok", Digest: hello}), true, check.FailOther},
		{"status", checker(t, check.HTTP, srv.Listener.Addr(), nil, check.URL{Path: "/fail"}), false, check.FailBadStatus},
		{"digest", checker(t, check.HTTP, srv.Listener.Addr(), nil, check.URL{Path: "/ok", Digest: strings.Repeat("0", 32)}), false, check.FailBadDigest},
		{"timeout", checker(t, check.HTTP, silent(t), nil, check.URL{Path: "/"}), false, check.FailTimeout},
		{"refused", checker(t, check.HTTP, closedAddr(t), nil, check.URL{Path: "/"}), false, check.FailRefused},
		{"TLS verified", checker(t, check.SSL, tsrv.Listener.Addr(), &check.TLSSettings{CA: ca}, check.URL{Path: "/ok", Digest: hello}), true, check.FailOther},
		{"TLS verify failure", checker(t, check.SSL, tsrv.Listener.Addr(), &check.TLSSettings{CA: other}, check.URL{Path: "/ok"}), false, check.FailOther},
	}
	cl, _ := newClient(t, Options{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			remote, err := cl.NewProber(tc.c)
			if err != nil {
				t.Fatal(err)
			}
			defer remote.(*prober).Close()
			local, err := httpcheck.New(tc.c)
			if err != nil {
				t.Fatal(err)
			}
			got, want := probe(remote, tc.c), probe(local, tc.c)
			if got.NoVerdict || got.Up != tc.up || got.Fail != tc.fail {
				t.Fatalf("helper: %+v, want up=%v fail=%s", got, tc.up, tc.fail)
			}
			// The reasons differ only in the checker's source port.
			got.Reason, want.Reason = srcPort.ReplaceAllString(got.Reason, ""), srcPort.ReplaceAllString(want.Reason, "")
			if got != want {
				t.Errorf("helper's outcome %+v, in process %+v", got, want)
			}
		})
	}
}

// Two checkers probed at once each get their own verdict.
func TestTwoCheckersAtOnce(t *testing.T) {
	good := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer good.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
	defer bad.Close()
	cl, _ := newClient(t, Options{})
	cg, cb := checker(t, check.HTTP, good.Listener.Addr(), nil, check.URL{Path: "/"}), checker(t, check.HTTP, bad.Listener.Addr(), nil, check.URL{Path: "/"})
	pg, err := cl.NewProber(cg)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := cl.NewProber(cb)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if o := probe(pg, cg); !o.Up {
				errs <- "good server: " + o.Reason
			}
		}()
		go func() {
			defer wg.Done()
			if o := probe(pb, cb); o.Up || o.NoVerdict || o.Fail != check.FailBadStatus {
				errs <- fmt.Sprintf("bad server: %+v", o)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// alive says whether pid is a running process.
func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// A reload that leaves no HTTP checker (the scheduler closes its probers)
// stops the helper; the next such checker starts one again.
func TestHelperStopsWithLastChecker(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	cl, lb := newClient(t, Options{})
	c := checker(t, check.HTTP, srv.Listener.Addr(), nil, check.URL{Path: "/"})
	sched, err := check.NewScheduler([]check.Checker{c, c}, nil, check.Options{NewProber: cl.NewProber})
	if err != nil {
		t.Fatal(err)
	}
	sched.Start(context.Background())
	waitFor(t, "an attempt through the helper", func() bool { return sched.Stats().Attempts.Load() > 0 })
	pid := cl.current().cmd.Process.Pid
	sched.Stop()
	waitFor(t, "the helper to stop, logged", func() bool {
		return !alive(pid) && cl.current() == nil && strings.Contains(lb.String(), "helper stopped")
	})
	p, err := cl.NewProber(c)
	if err != nil {
		t.Fatal(err)
	}
	defer p.(*prober).Close()
	waitFor(t, "a new helper", func() bool { return cl.current() != nil })
	if o := probe(p, c); !o.Up || cl.current().cmd.Process.Pid == pid {
		t.Fatalf("after the restart: %+v", o)
	}
}

// A helper killed under running checkers produces no down verdict: the
// real servers keep their state, and the checks go on once it is back.
func TestKilledHelperIsNoVerdict(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	cl, lb := newClient(t, Options{})
	c := checker(t, check.HTTP, srv.Listener.Addr(), nil, check.URL{Path: "/"})
	var mu sync.Mutex
	var results []check.Result
	sink := check.SinkFunc(func(r check.Result) { mu.Lock(); results = append(results, r); mu.Unlock() })
	sched, err := check.NewScheduler([]check.Checker{c}, sink, check.Options{NewProber: cl.NewProber, MaxConcurrent: 4})
	if err != nil {
		t.Fatal(err)
	}
	sched.Start(context.Background())
	defer sched.Stop()
	for range 3 {
		waitFor(t, "attempts through the helper", func() bool { return cl.current() != nil })
		before := sched.Stats().Attempts.Load()
		pid := cl.current().cmd.Process.Pid
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "a restarted helper that checks again", func() bool {
			ch := cl.current()
			return ch != nil && ch.cmd.Process.Pid != pid && sched.Stats().Attempts.Load() > before+2
		})
	}
	mu.Lock()
	defer mu.Unlock()
	for _, r := range results {
		if !r.Up {
			t.Errorf("a dead helper marked the server down: %v", r)
		}
	}
	if n := strings.Count(lb.String(), "helper died"); n < 3 {
		t.Errorf("%d deaths logged, want 3:\n%s", n, lb)
	}
	if sched.Stats().Failures.Load() != 0 {
		t.Errorf("%d failed attempts counted", sched.Stats().Failures.Load())
	}
}

// A helper that cannot be started is logged at every attempt and gives
// no verdict.
func TestMissingHelper(t *testing.T) {
	cl, lb := newClient(t, Options{Helper: filepath.Join(t.TempDir(), "nowhere", HelperName)})
	c := checker(t, check.HTTP, closedAddr(t), nil, check.URL{Path: "/"})
	p, err := cl.NewProber(c)
	if err != nil {
		t.Fatal(err)
	}
	if o := probe(p, c); !o.NoVerdict || o.Up {
		t.Fatalf("outcome %+v, want no verdict", o)
	}
	waitFor(t, "repeated start attempts", func() bool { return strings.Count(lb.String(), "helper not started") >= 3 })
	if !strings.Contains(lb.String(), "nowhere") {
		t.Errorf("the log does not name the path tried:\n%s", lb)
	}
	p.(*prober).Close()
}
