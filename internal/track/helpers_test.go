package track

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// recorder collects reports in order.
type recorder struct {
	mu   sync.Mutex
	got  []Result
	at   []time.Time
	runs map[string]int // script runs seen by the hook when each report was made
	tags []int
	cond *sync.Cond
}

func newRecorder() *recorder {
	r := &recorder{runs: map[string]int{}}
	r.cond = sync.NewCond(&r.mu)
	return r
}

func (r *recorder) report(res Result) {
	r.mu.Lock()
	r.got = append(r.got, res)
	r.at = append(r.at, time.Now())
	r.tags = append(r.tags, r.runs[res.Name])
	r.mu.Unlock()
	r.cond.Broadcast()
}

func (r *recorder) hook(name string, _ bool) {
	r.mu.Lock()
	r.runs[name]++
	r.mu.Unlock()
	r.cond.Broadcast()
}

func (r *recorder) runCount(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.runs[name]
}

// waitFor waits until cond holds over the recorder's state.
func (r *recorder) waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	stop := time.AfterFunc(timeout, r.cond.Broadcast)
	defer stop.Stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; reports %v", what, r.got)
		}
		r.cond.Wait()
	}
}

// results returns the reports for one tracker.
func (r *recorder) results(kind vrrp.TrackKind, name string) []Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Result
	for _, g := range r.got {
		if g.Kind == kind && g.Name == name {
			out = append(out, g)
		}
	}
	return out
}

func (r *recorder) lastOf(kind vrrp.TrackKind, name string) (Result, bool) {
	rs := r.results(kind, name)
	if len(rs) == 0 {
		return Result{}, false
	}
	return rs[len(rs)-1], true
}

// waitResult waits for a report of kind/name satisfying ok.
func (r *recorder) waitResult(t *testing.T, kind vrrp.TrackKind, name string, timeout time.Duration, ok func(Result) bool) {
	t.Helper()
	r.waitFor(t, fmt.Sprintf("%s %s", kind, name), timeout, func() bool {
		for i := len(r.got) - 1; i >= 0; i-- {
			if r.got[i].Kind == kind && r.got[i].Name == name {
				return ok(r.got[i])
			}
		}
		return false
	})
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func writeScript(t *testing.T, dir, name, body string) script.Spec {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script.Spec{Raw: p, Argv: []string{p}}
}

// checkNoLeak fails when goroutines started during the test outlive it.
func checkNoLeak(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<16)
			t.Errorf("goroutines: %d before, %d after Stop\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
	})
}
