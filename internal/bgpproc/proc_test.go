package bgpproc

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/internal/bgpspeaker/bgptest"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricstest"
)

// helper is the govrrpd-bgp these tests run: GOVRRPD_BGP_HELPER, or one
// built for the run.
var helper string

func TestMain(m *testing.M) {
	helper = os.Getenv("GOVRRPD_BGP_HELPER")
	dir, err := os.MkdirTemp("", "bgpproc-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if helper == "" {
		helper = filepath.Join(dir, HelperName)
		if out, err := exec.Command("go", "build", "-o", helper, "github.com/govrrpd/govrrpd/cmd/govrrpd-bgp").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building the helper: %v\n%s", err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// conditions is the daemon's side as the test sets it.
type conditions struct {
	mu     sync.Mutex
	quorum bool
}

func (c *conditions) set(q bool) { c.mu.Lock(); c.quorum = q; c.mu.Unlock() }

func (c *conditions) state(context.Context) (bgp.State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bgptest.Quorum(c.quorum), nil
}

// logBuf collects the daemon's log.
type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func start(t *testing.T, o Options, c *conditions, cfg *bgp.Config) *Proc {
	t.Helper()
	if o.Log == nil {
		o.Log = bgptest.Log(t)
	}
	o.Helper, o.Interval = helper, 20*time.Millisecond
	p := New(o)
	if err := p.Start(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	p.SetState(c.state)
	t.Cleanup(func() { p.Stop(context.Background()) })
	return p
}

func announced(p *Proc) bool {
	st, err := p.Status(context.Background())
	return err == nil && len(st.Announcements) == 1 && st.Announcements[0].Announced
}

// The helper announces on quorum and withdraws on its loss, and its log
// records come out of the daemon's logger with subsystem=bgp.
func TestAnnounceFollowsQuorum(t *testing.T) {
	r := bgptest.NewRouter(t, "127.0.0.2")
	var logs logBuf
	c := &conditions{}
	p := start(t, Options{Log: slog.New(slog.NewTextHandler(&logs, nil))}, c, bgptest.Config(r.Neighbor()))
	r.WaitEstablished(t)
	bgptest.WaitFor(t, "the conditions judged", func() bool {
		st, err := p.Status(context.Background())
		return err == nil && len(st.Announcements) == 1 && len(st.Announcements[0].Conditions) == 1
	})
	if len(r.Paths(t, bgptest.VIP)) != 0 {
		t.Fatal("announced without quorum")
	}
	c.set(true)
	bgptest.WaitFor(t, "the announcement", func() bool { return len(r.Paths(t, bgptest.VIP)) == 1 })
	bgptest.WaitFor(t, "the status to show it", func() bool { return announced(p) })
	c.set(false)
	bgptest.WaitFor(t, "the withdrawal", func() bool { return len(r.Paths(t, bgptest.VIP)) == 0 })
	if st := r.Peer(t).State.SessionState; st != api.PeerState_ESTABLISHED {
		t.Errorf("the withdrawal reset the session: %v", st)
	}
	for _, want := range []string{`msg="BGP started" subsystem=bgp as=65001`, `msg="BGP announce" subsystem=bgp prefix=192.0.2.200/32`,
		`msg="BGP withdraw" subsystem=bgp prefix=192.0.2.200/32`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log has no %s:\n%s", want, logs.String())
		}
	}
}

func TestReloadKeepsSessions(t *testing.T) {
	r1, r2 := bgptest.NewRouter(t, "127.0.0.2"), bgptest.NewRouter(t, "127.0.0.3")
	p := start(t, Options{}, &conditions{quorum: true}, bgptest.Config(r1.Neighbor()))
	bgptest.WaitFor(t, "the announcement", func() bool { return len(r1.Paths(t, bgptest.VIP)) == 1 })
	up := r1.Peer(t).Timers.State.Uptime.AsTime()
	next := bgptest.Config(r1.Neighbor(), r2.Neighbor())
	extra := netip.MustParsePrefix("192.0.2.201/32")
	next.Announces = append(next.Announces, bgp.Announce{Prefix: extra})
	if err := p.Reload(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	bgptest.WaitFor(t, "both prefixes at the new router", func() bool {
		return len(r2.Paths(t, bgptest.VIP)) == 1 && len(r2.Paths(t, extra)) == 1
	})
	bgptest.WaitFor(t, "the new prefix at the first router", func() bool { return len(r1.Paths(t, extra)) == 1 })
	if q := r1.Peer(t); !q.Timers.State.Uptime.AsTime().Equal(up) || q.State.Flops != 0 {
		t.Errorf("the unchanged session was reset: flops %d", q.State.Flops)
	}
	if p.NeedsInstances() != next.NeedsInstances() {
		t.Error("NeedsInstances does not follow the settings")
	}
}

// A helper that dies is started again with the settings and conditions;
// meanwhile status and metrics show it down.
func TestHelperRestarts(t *testing.T) {
	r := bgptest.NewRouter(t, "127.0.0.2")
	m := metrics.New("test")
	p := start(t, Options{Metrics: m, Backoff: time.Second}, &conditions{quorum: true}, bgptest.Config(r.Neighbor()))
	bgptest.WaitFor(t, "the announcement", func() bool { return len(r.Paths(t, bgptest.VIP)) == 1 })
	p.mu.Lock()
	old := p.ch
	p.mu.Unlock()
	if err := old.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-old.exited
	bgptest.WaitFor(t, "the status to show the helper down", func() bool {
		st, err := p.Status(context.Background())
		return err != nil && strings.Contains(st.Down, "killed") && len(st.Announcements) == 1 && !st.Announcements[0].Announced
	})
	if _, body := metricstest.Scrape(t, m); !strings.Contains(body, "govrrpd_bgp_helper_up 0\n") {
		t.Errorf("metrics while the helper is down:\n%s", metricstest.Own(body))
	}
	bgptest.WaitFor(t, "the route back", func() bool { return len(r.Paths(t, bgptest.VIP)) == 1 && announced(p) })
	if _, body := metricstest.Scrape(t, m); !strings.Contains(body, "govrrpd_bgp_helper_up 1\n") {
		t.Errorf("metrics once the helper is back:\n%s", metricstest.Own(body))
	}
	p.mu.Lock()
	if p.ch == old || p.down != "" {
		t.Errorf("after the restart: same child %v, down %q", p.ch == old, p.down)
	}
	p.mu.Unlock()
}

// Stop returns once the routers were sent the withdrawal and the helper
// has exited.
func TestStopWithdrawsFirst(t *testing.T) {
	r := bgptest.NewRouter(t, "127.0.0.2")
	p := start(t, Options{}, &conditions{quorum: true}, bgptest.Config(r.Neighbor()))
	bgptest.WaitFor(t, "the announcement", func() bool { return len(r.Paths(t, bgptest.VIP)) == 1 })
	p.mu.Lock()
	ch := p.ch
	p.mu.Unlock()
	p.Stop(context.Background())
	select {
	case <-ch.exited:
	default:
		t.Error("Stop returned before the helper exited")
	}
	bgptest.WaitFor(t, "the router to see the session end", func() bool {
		return r.Peer(t).State.Messages.Received.Notification > 0
	})
	if got := r.Peer(t).State.Messages.Received.Update; got != 2 {
		t.Errorf("UPDATEs received = %d, want 2: the announcement and its withdrawal", got)
	}
	if _, err := p.Status(context.Background()); err == nil {
		t.Error("status of a stopped helper")
	}
}

// Start registers the collector; a second Proc on the same registry (a
// test's second daemon) replaces the first one's.
func TestStartRegistersMetrics(t *testing.T) {
	m := metrics.New("test")
	if _, body := metricstest.Scrape(t, m); strings.Contains(body, "govrrpd_bgp_") {
		t.Errorf("bgp series before Start:\n%s", metricstest.Own(body))
	}
	want := `govrrpd_bgp_announced{prefix="192.0.2.200/32"} 0` + "\n"
	for range 2 {
		p := New(Options{Log: bgptest.Log(t), Helper: helper, Metrics: m})
		if err := p.Start(context.Background(), bgptest.Config()); err != nil {
			t.Fatal(err)
		}
		if code, body := metricstest.Scrape(t, m); code != 200 || strings.Count(body, want) != 1 {
			t.Errorf("a started helper's scrape: %d, want one %s in\n%s", code, want, metricstest.Own(body))
		}
		p.Stop(context.Background())
	}
}

// A helper that cannot be run, or is not ours, is a clear error at Start.
func TestStartRefuses(t *testing.T) {
	dir := t.TempDir()
	script := func(name, body string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, c := range []struct{ helper, want string }{
		{filepath.Join(dir, "absent"), "no such file"},
		{script("old", `echo '{"v":99,"kind":"hello"}' >&4; cat <&3 >/dev/null`), "protocol version 99"},
		{script("other", `exit 0`), "exited before its hello"},
		// A process it leaves behind keeps the pipe open: not waited for.
		{script("leaves", `sleep 5 & exit 0`), "exited before its hello"},
		{script("chatty", `echo hello >&4; cat <&3 >/dev/null`), "not a govrrpd BGP helper"},
	} {
		p := New(Options{Log: bgptest.Log(t), Helper: c.helper})
		err := p.Start(context.Background(), bgptest.Config())
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.helper) {
			t.Errorf("%s: %v, want an error naming it with %q", c.helper, err, c.want)
			p.Stop(context.Background())
		}
	}
}

func TestFindHelper(t *testing.T) {
	if got, err := FindHelper(helper); err != nil || got != helper {
		t.Errorf("--bgp-helper %s: %q %v", helper, got, err)
	}
	_, err := FindHelper("/nonexistent/govrrpd-bgp")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/govrrpd-bgp") || !strings.Contains(err.Error(), "--bgp-helper") {
		t.Errorf("a missing --bgp-helper: %v", err)
	}
	exe, _ := os.Executable()
	beside := filepath.Join(filepath.Dir(exe), HelperName)
	if _, err := os.Stat(beside); err == nil {
		t.Skipf("%s exists", beside)
	}
	_, err = FindHelper("")
	if _, statErr := os.Stat(DefaultHelper); statErr == nil {
		return // installed on this machine
	}
	if err == nil || !strings.Contains(err.Error(), beside) || !strings.Contains(err.Error(), DefaultHelper) {
		t.Errorf("no helper anywhere: %v, want both paths named", err)
	}
}
