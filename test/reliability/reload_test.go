package reliability

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// notifyScript writes a script that appends its arguments to a file, and
// returns the script's path and the file's.
func notifyScript(t *testing.T) (script, out string) {
	dir := t.TempDir()
	script, out = filepath.Join(dir, "notify.sh"), filepath.Join(dir, "notify.out")
	body := "#!/bin/sh\necho \"$@\" >> " + out + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, out
}

func lineCount(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

// TestReload: a 100-SIGHUP storm on both routers under client traffic
// (0 VIP removals, 0 notify calls, 0 failed requests), 50 SIGHUPs to the
// master under a flood (the daemon still answers: no deadlock), and a
// broken file (refused, naming FILE:LINE, VIP kept).
func TestReload(t *testing.T) {
	for _, impl := range implementations(t) {
		t.Run(impl.name, func(t *testing.T) {
			script, out := notifyScript(t)
			set := setup{Version: 3, Advert: 100 * time.Millisecond, Notify: script}
			r := newRig(t, impl, set)
			time.Sleep(time.Second) // the start-up notify calls are not the storm's
			r.storm(t, out)
			r.stormUnderFlood(t)
			r.brokenFile(t)
		})
	}
}

func (r *rig) storm(t *testing.T, notifyOut string) {
	ping, err := r.client.StartPinger(vip, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	n0, from := lineCount(notifyOut), time.Now()
	for i := 0; i < 100; i++ {
		r.signal(0, syscall.SIGHUP)
		r.signal(1, syscall.SIGHUP)
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	to := time.Now()
	probes := ping.Stop()
	o := lab.MeasureOutage(probes, from, to.Add(-500*time.Millisecond), 500*time.Millisecond)
	rem, notified := r.removals(from, to)+r.failovers(from, to), lineCount(notifyOut)-n0
	result(t, r.impl.name, fmt.Sprintf("100 SIGHUPs to both routers under ping every 10 ms: %d VIP changes, %d notify calls, %d failed requests",
		rem, notified, o.Lost), rem == 0 && notified == 0 && o.Lost == 0 && !r.procs[0].Exited() && !r.procs[1].Exited())
}

func (r *rig) stormUnderFlood(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		n, _ := r.inj.flood(ctx, [][]byte{r.advert(50).packet()}, 0, time.Minute)
		done <- n
	}()
	for i := 0; i < 50; i++ {
		r.signal(0, syscall.SIGHUP)
		time.Sleep(20 * time.Millisecond)
	}
	_, err := r.dumpJSON(0) // answered only by a loop that is not stuck
	cancel()
	<-done
	alive := !r.procs[0].Exited()
	result(t, r.impl.name, fmt.Sprintf("50 SIGHUPs to the master under a lower-priority flood: alive %v, JSON dump answered: %v",
		alive, err == nil), alive && err == nil)
	if alive && err != nil {
		// A stuck loop: leave its stacks in the log (Go prints them on
		// SIGQUIT) and start afresh so the next case measures something.
		r.signal(0, syscall.SIGQUIT)
		if !r.procs[0].Wait(5 * time.Second) {
			r.procs[0].Stop(time.Second)
		}
		t.Logf("r1's stacks are in %s", r.procs[0].Log)
		r.start(0)
	}
	if err := r.waitOnly(0, 2*r.set.masterDown()+2*time.Second); err != nil {
		t.Error(err)
	}
}

// brokenFile puts an out-of-range VRID on line 7 of r1's file and reloads.
func (r *rig) brokenFile(t *testing.T) {
	good, err := os.ReadFile(r.confs[0])
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(string(good), "\n"); !strings.Contains(lines[6], "virtual_router_id") {
		t.Fatalf("line 7 of %s is %q", r.confs[0], lines[6])
	}
	bad := strings.Replace(string(good), fmt.Sprintf("virtual_router_id %d", vrid), "virtual_router_id 300", 1)
	if err := os.WriteFile(r.confs[0], []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	off, from := r.logSize(0), time.Now()
	r.signal(0, syscall.SIGHUP)
	time.Sleep(time.Second)
	// govrrpd says FILE:LINE; keepalived says "(FILE: Line 7)".
	var named string
	for _, l := range r.logLines(0, off, r.logSize(0)) {
		if strings.Contains(l, r.confs[0]+":7") || strings.Contains(l, "Line 7") {
			named = l
			break
		}
	}
	kept := r.onlyMaster(0)() && r.removals(from, time.Now()) == 0 && !r.procs[0].Exited()
	result(t, r.impl.name, fmt.Sprintf("broken file (VRID 300 on line 7): FILE:LINE logged %v, VIP kept and running %v; log: %.200q",
		named != "", kept, named), named != "" && kept)
	if err := os.WriteFile(r.confs[0], good, 0o644); err != nil {
		t.Fatal(err)
	}
	r.signal(0, syscall.SIGHUP)
}
