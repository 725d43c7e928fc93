package track

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// seqScript exits according to pattern: run n (1-based) fails when the
// n-th character is '-'; runs beyond the pattern succeed. It counts its
// own runs in DIR/count so the test can compare with what the probe saw.
func seqScript(t *testing.T, dir, pattern string) vrrp.ScriptTracker {
	body := `n=$(cat ` + dir + `/count 2>/dev/null || echo 0)
n=$((n+1))
echo $n > ` + dir + `/count
c=$(echo "` + pattern + `" | cut -c$n)
[ "$c" = "-" ] && exit 1
exit 0
`
	return vrrp.ScriptTracker{Name: "chk", Script: writeScript(t, dir, "seq.sh", body)}
}

func startProbes(t *testing.T, cfg Settings, rec *recorder, opts ...func(*Probes)) *Probes {
	t.Helper()
	cfg.Log = quietLog()
	p := New(cfg, nil, rec.report)
	p.onScriptRun = rec.hook
	p.fileRescan, p.procScan = 100*time.Millisecond, 20*time.Millisecond
	for _, o := range opts {
		o(p)
	}
	p.Start(context.Background())
	return p
}

func TestScriptRiseFallCountedExactly(t *testing.T) {
	checkNoLeak(t)
	dir := t.TempDir()
	s := seqScript(t, dir, "+---++-+")
	s.Interval, s.Timeout, s.Rise, s.Fall = 100*time.Millisecond, time.Second, 2, 3
	rec := newRecorder()
	p := startProbes(t, Settings{Scripts: []vrrp.ScriptTracker{s}}, rec)
	rec.waitFor(t, "8 runs", 5*time.Second, func() bool { return rec.runs["chk"] >= 8 })
	p.Stop()
	b, _ := os.ReadFile(filepath.Join(dir, "count"))
	runs, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if seen := rec.runCount("chk"); runs != seen {
		t.Fatalf("script ran %d times, probe recorded %d runs", runs, seen)
	}
	got := rec.results(vrrp.TrackKindScript, "chk")
	want := []struct {
		run int
		up  bool
	}{{1, true}, {4, false}, {6, true}}
	if len(got) != len(want) {
		t.Fatalf("reports %v (at runs %v), want %v", got, rec.tags, want)
	}
	for i, w := range want {
		if got[i].Up != w.up || rec.tags[i] != w.run {
			t.Fatalf("report %d: up=%v after run %d, want up=%v after run %d", i, got[i].Up, rec.tags[i], w.up, w.run)
		}
	}
}

func TestScriptInitFailReportsDownBeforeFirstRun(t *testing.T) {
	checkNoLeak(t)
	dir := t.TempDir()
	s := seqScript(t, dir, "")
	s.Interval, s.Timeout, s.Rise, s.Fall, s.InitFail = 50*time.Millisecond, time.Second, 2, 1, true
	rec := newRecorder()
	p := startProbes(t, Settings{Scripts: []vrrp.ScriptTracker{s}}, rec)
	defer p.Stop()
	rec.waitResult(t, vrrp.TrackKindScript, "chk", 5*time.Second, func(r Result) bool { return r.Up })
	rec.mu.Lock()
	got, tags := rec.got, rec.tags
	rec.mu.Unlock()
	if tags[0] != 0 || got[0].Up {
		t.Fatalf("first report %v after %d runs, want down before any run", got[0], tags[0])
	}
	if tags[1] != 2 {
		t.Fatalf("up after %d runs, want rise=2", tags[1])
	}
}

func TestScriptTimeoutKillsAndFails(t *testing.T) {
	checkNoLeak(t)
	dir := t.TempDir()
	body := "sleep 30 &\necho $! > " + dir + "/child\necho $$ > " + dir + "/self\nwait\n"
	s := vrrp.ScriptTracker{Name: "hang", Script: writeScript(t, dir, "hang.sh", body),
		Interval: 10 * time.Second, Timeout: 200 * time.Millisecond, Rise: 1, Fall: 1}
	rec := newRecorder()
	start := time.Now()
	p := startProbes(t, Settings{Scripts: []vrrp.ScriptTracker{s}}, rec)
	defer p.Stop()
	rec.waitResult(t, vrrp.TrackKindScript, "hang", 5*time.Second, func(r Result) bool { return !r.Up })
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("timeout reported after %s", took)
	}
	for _, f := range []string{"self", "child"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if alive(pid) {
			t.Errorf("%s process %d survived the timeout", f, pid)
		}
	}
}

// alive reports whether pid runs (a zombie waiting for its reaper has
// been killed already).
func alive(pid int) bool {
	for range 50 {
		if err := syscall.Kill(pid, 0); err != nil {
			return false
		}
		st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(st), ") Z") {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

func TestScriptsNeverOverlapAndHungOneDelaysNoOther(t *testing.T) {
	checkNoLeak(t)
	dir := t.TempDir()
	slow := vrrp.ScriptTracker{Name: "slow", Interval: 50 * time.Millisecond, Timeout: 5 * time.Second, Rise: 1, Fall: 1,
		Script: writeScript(t, dir, "slow.sh", "mkdir "+dir+"/lock || touch "+dir+"/overlap\nsleep 0.3\nrmdir "+dir+"/lock\n")}
	hung := vrrp.ScriptTracker{Name: "hung", Interval: 50 * time.Millisecond, Timeout: 30 * time.Second, Rise: 1, Fall: 1,
		Script: writeScript(t, dir, "hung.sh", "exec sleep 60\n")}
	fast := vrrp.ScriptTracker{Name: "fast", Interval: 50 * time.Millisecond, Timeout: time.Second, Rise: 1, Fall: 1,
		Script: writeScript(t, dir, "fast.sh", "exit 0\n")}
	rec := newRecorder()
	p := startProbes(t, Settings{Scripts: []vrrp.ScriptTracker{slow, hung, fast}}, rec)
	time.Sleep(1200 * time.Millisecond)
	p.Stop()
	if _, err := os.Stat(filepath.Join(dir, "overlap")); err == nil {
		t.Fatal("two runs of one script overlapped")
	}
	if n := rec.runCount("slow"); n < 2 || n > 4 {
		t.Errorf("slow (0.3 s) script ran %d times in 1.2 s: want one run per 0.3 s, skipped ticks", n)
	}
	// Each run of even a trivial script costs tens of ms on a loaded
	// 2-core machine; 5 runs in 1.2 s is far more than a hung neighbour
	// would allow (zero).
	if n := rec.runCount("fast"); n < 5 {
		t.Errorf("fast script ran only %d times in 1.2 s next to a hung one", n)
	}
	if n := rec.runCount("hung"); n != 0 {
		t.Errorf("hung script finished %d times", n)
	}
	if _, ok := rec.lastOf(vrrp.TrackKindScript, "hung"); ok {
		t.Error("a script killed by Stop must not report")
	}
}

// A script that cannot be started (here: its user does not exist) fails
// every run, like keepalived's script that cannot be executed.
func TestScriptThatCannotRunFails(t *testing.T) {
	checkNoLeak(t)
	dir := t.TempDir()
	s := seqScript(t, dir, "")
	s.Script.User = "govrrpd-no-such-user"
	s.Interval, s.Timeout, s.Rise, s.Fall = 50*time.Millisecond, time.Second, 1, 1
	rec := newRecorder()
	p := startProbes(t, Settings{Scripts: []vrrp.ScriptTracker{s}}, rec)
	defer p.Stop()
	rec.waitFor(t, "3 runs", 5*time.Second, func() bool { return rec.runs["chk"] >= 3 })
	if got := rec.results(vrrp.TrackKindScript, "chk"); len(got) != 1 || got[0].Up {
		t.Fatalf("reports %v, want one down", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "count")); err == nil {
		t.Fatal("the script ran as the wrong user")
	}
}
