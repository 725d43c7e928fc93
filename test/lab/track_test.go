package lab_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// trackConfs puts tracker definitions before the instances (keepalived
// resolves trackers while parsing, so they must come first) and the
// instance-side references into r1's instance only.
func trackConfs(defs string, ref []string) []string {
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		if i == 0 {
			c.Extra = ref
		}
	})
	cs[0] = defs + cs[0]
	return cs
}

// A vrrp_script with weight -60, fall 2 and rise 2 hands mastership to
// the backup after two failures and takes it back after two successes; a
// run that outlives timeout counts as a failure.
func TestTrackScriptFallRiseAndTimeout(t *testing.T) {
	r := newRig(t, 2)
	okFile := filepath.Join(r.dir, "ok")
	slowFile := filepath.Join(r.dir, "slow")
	os.WriteFile(okFile, nil, 0o644)
	script := filepath.Join(r.dir, "chk.sh")
	os.WriteFile(script, []byte("#!/bin/sh\n[ -f "+slowFile+" ] && sleep 5\n[ -f "+okFile+" ]\n"), 0o755)
	defs := "global_defs {\n    enable_script_security\n    script_user root\n}\nvrrp_script chk {\n    script \"" + script + "\"\n    interval 1\n    timeout 1\n    weight -60\n    fall 2\n    rise 2\n}\n"
	cs := trackConfs(defs, []string{"track_script {\n        chk\n    }"})
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 4*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, time.Second)
	// Fail: after two failed runs (≈2 s) r1 drops to 90 and r2 takes over.
	t0 := time.Now()
	os.Remove(okFile)
	r.stable(vip4, 0, 900*time.Millisecond) // one failure is not enough
	took := r.waitMaster(vip4, 1, 4*time.Second).Sub(t0)
	t.Logf("script failing: r2 took over after %v (fall 2 × interval 1 s)", took.Round(time.Millisecond))
	// Recover with rise 2.
	os.WriteFile(okFile, nil, 0o644)
	r.waitMaster(vip4, 0, 5*time.Second)
	// A hanging run (sleep 5 > timeout 1) is a failure too.
	os.WriteFile(slowFile, nil, 0o644)
	r.waitMaster(vip4, 1, 6*time.Second)
	waitLog(t, r, "r1", "up=false", time.Second)
}

// A track_file value times its weight lowers the priority below the
// backup's; setting it back restores it.
func TestTrackFileValueHandsOver(t *testing.T) {
	r := newRig(t, 2)
	f := filepath.Join(r.dir, "weight")
	os.WriteFile(f, []byte("0\n"), 0o644)
	defs := "track_file tf {\n    file \"" + f + "\"\n    weight -10\n}\n"
	cs := trackConfs(defs, []string{"track_file {\n        tf\n    }"})
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 4*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 500*time.Millisecond)
	os.WriteFile(f, []byte("6\n"), 0o644) // 150 - 60 = 90 < 100
	r.waitMaster(vip4, 1, 3*time.Second)
	os.WriteFile(f, []byte("0\n"), 0o644)
	r.waitMaster(vip4, 0, 3*time.Second)
}

// A vrrp_track_process with weight 0 faults the instance when the process
// dies (the backup takes over) and clears when it runs again.
func TestTrackProcessHandsOver(t *testing.T) {
	r := newRig(t, 2)
	bin := filepath.Join(r.dir, "gvtrackproc")
	if out, err := exec.Command("cp", "/bin/sleep", bin).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	startProc := func() *exec.Cmd {
		c := exec.Command(bin, "600")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
		return c
	}
	p := startProc()
	defs := "vrrp_track_process tp {\n    process gvtrackproc\n}\n"
	cs := trackConfs(defs, []string{"track_process {\n        tp\n    }"})
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 4*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 500*time.Millisecond)
	p.Process.Signal(syscall.SIGKILL)
	p.Wait()
	r.waitMaster(vip4, 1, 3*time.Second)
	waitLog(t, r, "r1", "state=FAULT", time.Second)
	startProc()
	r.waitMaster(vip4, 0, 4*time.Second)
	if !strings.Contains(r.procs["r1"].LogText(), "tracker") {
		t.Error("no tracker result logged")
	}
}

// `reverse` flips a tracker's weight: with weight 10 reverse, a file value
// of 6 lowers the priority by 60 (hand over), 0 restores it.
func TestTrackFileReverseWeight(t *testing.T) {
	r := newRig(t, 2)
	f := filepath.Join(r.dir, "weight")
	os.WriteFile(f, []byte("0\n"), 0o644)
	defs := "track_file tf {\n    file \"" + f + "\"\n    weight 10 reverse\n}\n"
	cs := trackConfs(defs, []string{"track_file {\n        tf\n    }"})
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 4*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 500*time.Millisecond)
	os.WriteFile(f, []byte("6\n"), 0o644)
	r.waitMaster(vip4, 1, 3*time.Second)
	os.WriteFile(f, []byte("0\n"), 0o644)
	r.waitMaster(vip4, 0, 3*time.Second)
}
