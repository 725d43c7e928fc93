package opsproc

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/status"
)

// getSock is one request over the socket on a connection of its own,
// closed after it (as `govrrpd status` does).
func getSock(t *testing.T, sock, path string) (int, string) {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://govrrpd" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The whole operations side through the helper: nothing runs until a
// connection arrives; then the API over the socket (writes allowed) and
// TCP, /metrics rendered by the daemon, a console page, error classes.
func TestAPIThroughHelper(t *testing.T) {
	l := start(t, nil)
	time.Sleep(100 * time.Millisecond)
	if n := l.p.Starts(); n != 0 {
		t.Fatalf("%d helpers started before any connection", n)
	}
	ctx := t.Context()
	sc := control.NewSocketClient(l.sock)
	d, err := sc.Status(ctx)
	if err != nil || len(d.Instances) == 0 || d.Instances[0].Name != "VI_1" {
		t.Fatalf("status over the socket: %v %+v", err, d.Instances)
	}
	if err := sc.Drain(ctx, "TCP 192.0.2.100:80", "192.0.2.21:80", true); err != nil {
		t.Errorf("drain: %v", err)
	}
	if err := sc.Maintenance(ctx, "VI_1", true); err != nil {
		t.Errorf("maintenance: %v", err)
	}
	if r, err := sc.Reload(ctx); err != nil || r.Result != "unchanged" {
		t.Errorf("reload: %+v %v", r, err)
	}
	l.f.PlanResult = status.Plan{ConfigHash: "h", Changes: []status.Change{{Kind: "instance", Op: "add", Object: "VI_9"}}}
	if p, err := sc.Plan(ctx, "/x.conf"); err != nil || len(p.Changes) != 1 {
		t.Errorf("plan: %+v %v", p, err)
	}
	if err := sc.Maintenance(ctx, "VI_404", true); err == nil || !strings.Contains(err.Error(), "vrrp_instance VI_404: not found") {
		t.Errorf("maintenance of a missing instance: %v", err)
	}
	calls := strings.Join(l.f.Calls, ",")
	if !strings.Contains(calls, "reload") || !strings.Contains(calls, "plan /x.conf") {
		t.Errorf("backend calls %s", calls)
	}
	for _, c := range []struct {
		path, want string
		code       int
	}{
		{"/api/v1/instances/VI_1", `"name": "VI_1"`, 200},
		{"/api/v1/instances/nope", "not found", 404},
		{"/metrics", `govrrpd_vrrp_state{instance="VI_1",state=`, 200},
		{"/metrics", "process_resident_memory_bytes", 200},
		{"/ui/", "VI_1", 200},
	} {
		if code, body := get(t, l.url+c.path); code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("GET %s: %d, want %d with %q:\n%.300s", c.path, code, c.code, c.want, body)
		}
	}
	if err := control.NewHTTPClient(l.url, "").Maintenance(ctx, "VI_1", false); err == nil {
		t.Error("a TCP write without a token was accepted")
	}
	if n := l.p.Starts(); n != 1 {
		t.Errorf("%d helpers for one busy period, want 1", n)
	}
}

// The console's event stream gets its rows from the daemon's follower.
func TestConsoleSampleFromDaemon(t *testing.T) {
	l := start(t, nil)
	resp, err := http.Get(l.url + "/ui/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 64<<10)
	var got strings.Builder
	for !strings.Contains(got.String(), `"i-VI_1"`) {
		n, err := resp.Body.Read(buf)
		if err != nil {
			t.Fatalf("event stream: %v after %q", err, got.String())
		}
		got.Write(buf[:n])
	}
	if !strings.Contains(got.String(), "event: diff") {
		t.Errorf("stream %q", got.String())
	}
}

// An idle helper exits; the next connection starts another.
func TestIdleExitAndRestart(t *testing.T) {
	l := start(t, func(o *Options) { o.Setup.IdleNanos = int64(200 * time.Millisecond) })
	if code, _ := getSock(t, l.sock, "/api/v1/status"); code != 200 {
		t.Fatalf("status: %d", code)
	}
	pid := l.p.PID()
	eventually(t, "the idle helper to exit", func() bool { return l.p.PID() == 0 && !alive(pid) })
	if code, _ := getSock(t, l.sock, "/api/v1/status"); code != 200 {
		t.Fatalf("status after an idle exit: %d", code)
	}
	if n := l.p.Starts(); n != 2 {
		t.Errorf("%d helpers started, want 2", n)
	}
	if strings.Contains(l.logs.String(), "level=ERROR") {
		t.Errorf("an idle exit logged an error:\n%s", l.logs.String())
	}
}

// A connection that arrives while the helper is not accepting (stopped,
// then killed: it ends without taking it) stays in the listen backlog and
// is served by the next helper; the crash is logged.
func TestBacklogSurvivesHelperExit(t *testing.T) {
	l := start(t, nil)
	if _, err := control.NewSocketClient(l.sock).Status(t.Context()); err != nil {
		t.Fatal(err)
	}
	pid := l.p.PID()
	syscall.Kill(pid, syscall.SIGSTOP)
	// The signal is delivered asynchronously: dial only once it stopped.
	eventually(t, "the helper stopped", func() bool { return procState(pid) == "T" })
	c, err := net.Dial("unix", l.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /api/v1/instances/VI_1 HTTP/1.1\r\nHost: govrrpd\r\nConnection: close\r\n\r\n")
	syscall.Kill(pid, syscall.SIGKILL)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil || !strings.HasPrefix(string(b), "HTTP/1.1 200") || !strings.Contains(string(b), `"name": "VI_1"`) {
		t.Fatalf("the pending request: %v\n%.300s", err, b)
	}
	if n := l.p.Starts(); n != 2 {
		t.Errorf("%d helpers started, want 2", n)
	}
	if !strings.Contains(l.logs.String(), "operations helper failed") || !strings.Contains(l.logs.String(), "signal: killed") {
		t.Errorf("the crash is not logged:\n%s", l.logs.String())
	}
}

// A helper that sends garbage, an oversized frame or a message out of
// turn is logged and stopped; the daemon keeps serving the next helper.
func TestMisbehavingHelper(t *testing.T) {
	hello := []byte(`{"v":1,"k":1,"release":"` + release + `"}`)
	huge := make([]byte, 4)
	cases := []struct {
		name   string
		frames [][]byte
		msg    string
	}{
		{"garbage", [][]byte{hello, []byte("garbage")}, "invalid character"},
		{"no hello", [][]byte{[]byte(`{"v":1,"k":3,"id":1}`)}, "first message Snapshot, want a hello"},
		{"result from helper", [][]byte{hello, []byte(`{"v":1,"k":10,"id":1}`)}, "unexpected Result message"},
		{"oversized", [][]byte{hello, huge}, "at most 1048576"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			script := fakeHelper(t, c.frames...)
			if c.name == "oversized" {
				script = fakeHelperRaw(t, append(frameOf(hello), 0x7f, 0xff, 0xff, 0xff))
			}
			l := start(t, func(o *Options) { o.Helper = script })
			c0, err := net.Dial("unix", l.sock)
			if err != nil {
				t.Fatal(err)
			}
			c0.Close()
			eventually(t, "the helper stopped and logged", func() bool {
				return strings.Contains(l.logs.String(), c.msg) && l.p.PID() == 0
			})
			// The supervisor waits again: the next connection starts a
			// helper again (after the back-off).
			c1, err := net.Dial("unix", l.sock)
			if err != nil {
				t.Fatal(err)
			}
			c1.Close()
			eventually(t, "a second helper", func() bool { return l.p.Starts() >= 2 })
		})
	}
}

// A helper of another release, or another protocol version, is refused
// with a message saying so, and not started again.
func TestVersionMismatch(t *testing.T) {
	for _, c := range []struct{ hello, msg string }{
		{`{"v":1,"k":1,"release":"9.9.9"}`, "is release 9.9.9, this govrrpd " + release + ": install the govrrpd-ops of the same release"},
		{`{"v":99,"k":1,"release":"9.9.9"}`, "speaks protocol version 99, this govrrpd 1: install the govrrpd-ops of the same release"},
	} {
		l := start(t, func(o *Options) { o.Helper = fakeHelper(t, []byte(c.hello)) })
		c0, err := net.Dial("unix", l.sock)
		if err != nil {
			t.Fatal(err)
		}
		c0.Close()
		eventually(t, "the refusal", func() bool { return strings.Contains(l.logs.String(), c.msg) })
		time.Sleep(100 * time.Millisecond)
		if n := l.p.Starts(); n != 1 {
			t.Errorf("%s: %d helpers started, want 1", c.hello, n)
		}
	}
}

// Without a helper the daemon runs, says so once, and starts nothing.
func TestMissingHelper(t *testing.T) {
	l := start(t, func(o *Options) { o.Helper, o.HelperErr = "", errors.New("helper govrrpd-ops not found (tried /x)") })
	c, err := net.Dial("unix", l.sock)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	time.Sleep(100 * time.Millisecond)
	if n := l.p.Starts(); n != 0 || strings.Count(l.logs.String(), "operations helper missing") != 1 ||
		!strings.Contains(l.logs.String(), "tried /x") {
		t.Errorf("%d starts, log:\n%s", n, l.logs.String())
	}
}

// When the daemon stops, its helper stops with it.
func TestHelperStopsWithDaemon(t *testing.T) {
	l := start(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := control.NewSocketClient(l.sock).Status(ctx); err != nil {
		t.Fatal(err)
	}
	pid := l.p.PID()
	l.cancel()
	l.p.Wait()
	if alive(pid) {
		t.Errorf("helper %d still runs after the daemon stopped", pid)
	}
}
