package lab_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// notifyConf adds a notify script that appends every call to log.
func notifyScript(t *testing.T, dir string) (script, log string) {
	log = filepath.Join(dir, "notify.log")
	script = filepath.Join(dir, "notify.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >> "+log+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, log
}

func countLines(path string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n")
}

// 100 SIGHUPs with an unchanged file, under client traffic: no VIP is
// removed, no notify script runs, no client connection fails.
func TestReloadStorm(t *testing.T) {
	r := newRig(t, 2)
	script, nlog := notifyScript(t, r.dir)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		c.Extra = []string{"notify " + script}
	})
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 3*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 500*time.Millisecond)
	r.serveAll(8080)
	if err := r.dialUntil("192.0.2.200:8080", "r1", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the startup notifies finish
	notifies := countLines(nlog)
	logBefore := strings.Count(r.procs["r1"].LogText(), "VIP removed")
	client, err := r.lab.Client.StartEnv(filepath.Join(r.dir, "client.log"),
		[]string{"LAB_DIAL_LOOP=192.0.2.200:8080", "LAB_DIAL_FOR=6s"}, os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	for i := 0; i < 100; i++ {
		r.procs["r1"].Signal(syscall.SIGHUP)
		r.procs["r2"].Signal(syscall.SIGHUP)
		time.Sleep(40 * time.Millisecond)
	}
	if !client.Wait(10 * time.Second) {
		t.Fatal("client did not finish")
	}
	res := strings.TrimSpace(client.LogText())
	var ok, fail int
	fmt.Sscanf(res, "ok=%d fail=%d", &ok, &fail)
	// SIGHUPs that arrive while a reload reads the file merge into one
	// more read after it (POSIX signals do not queue either), so the
	// signals seen are counted, and the last of them must be followed by
	// a completed reload.
	r1log := r.procs["r1"].LogText()
	reloads := strings.Count(r1log, "reloading configuration (SIGHUP)")
	if last := strings.LastIndex(r1log, "reloading configuration (SIGHUP)"); !strings.Contains(r1log[last:], "reload complete") {
		t.Errorf("no reload completed after the last SIGHUP")
	}
	removed := strings.Count(r.procs["r1"].LogText(), "VIP removed") - logBefore
	t.Logf("reload storm: %d SIGHUPs seen on r1, %d VIP removals, %d notify calls, client ok=%d fail=%d",
		reloads, removed, countLines(nlog)-notifies, ok, fail)
	if reloads < 90 {
		t.Errorf("r1 saw %d of 100 SIGHUPs", reloads)
	}
	if removed != 0 || countLines(nlog) != notifies || fail != 0 || ok == 0 {
		t.Fatalf("reload storm disturbed service: removed=%d notifies=%d client ok=%d fail=%d",
			removed, countLines(nlog)-notifies, ok, fail)
	}
	r.stable(vip4, 0, 300*time.Millisecond)
}

// A broken file is refused with FILE:LINE in the log and the daemon keeps
// serving; a good change afterwards is applied (a new VIP appears on the
// master only).
func TestReloadBrokenFileKeepsServingThenApplies(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 3*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 300*time.Millisecond)
	path := r.confs["r1"]
	broken := strings.Replace(cs[0], "virtual_router_id 51", "virtual_router_id 300", 1)
	os.WriteFile(path, []byte(broken), 0o644)
	r.procs["r1"].Signal(syscall.SIGHUP)
	waitLog(t, r, "r1", "reload refused", 2*time.Second)
	if !strings.Contains(r.procs["r1"].LogText(), path+":") {
		t.Errorf("refusal does not name the file and line:\n%s", r.procs["r1"].LogText())
	}
	r.stable(vip4, 0, time.Second)
	// Now a valid change: a second VIP on both routers.
	vip2 := "192.0.2.201/24"
	for i, c := range cs {
		c2 := strings.Replace(c, "192.0.2.200/24\n", "192.0.2.200/24\n        "+vip2+"\n", 1)
		os.WriteFile(r.confs[r.lab.Routers[i].Name], []byte(c2), 0o644)
		r.procs[r.lab.Routers[i].Name].Signal(syscall.SIGHUP)
	}
	r.waitMaster(lab.MustAddr("192.0.2.201"), 0, 2*time.Second)
	r.stable(vip4, 0, 300*time.Millisecond)
}

// An instance added by reload starts; one removed by reload stops and
// releases its addresses.
func TestReloadAddRemoveInstance(t *testing.T) {
	r := newRig(t, 1)
	base := confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })[0]
	second := instanceConf{Name: "VI_2", VRID: 52, Priority: 150, AdvertInt: "0.1", Version: 3, VIP: "192.0.2.210/24"}.text()
	r.start(0, "govrrpd", base)
	r.waitMaster(vip4, 0, 3*time.Second)
	os.WriteFile(r.confs["r1"], []byte(base+second), 0o644)
	r.procs["r1"].Signal(syscall.SIGHUP)
	vip210 := lab.MustAddr("192.0.2.210")
	r.waitMaster(vip210, 0, 3*time.Second)
	os.WriteFile(r.confs["r1"], []byte(base), 0o644)
	r.procs["r1"].Signal(syscall.SIGHUP)
	deadline := time.Now().Add(2 * time.Second)
	for len(r.holders(vip210)) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("removed instance kept its VIP")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.stable(vip4, 0, 300*time.Millisecond)
}

// SIGUSR2 and SIGRTMIN+2 write keepalived's stats and JSON dumps to
// $TMPDIR.
func TestSignalDumps(t *testing.T) {
	r := newRig(t, 1)
	tmp := filepath.Join(r.dir, "tmp")
	os.Mkdir(tmp, 0o700)
	c := confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })[0]
	r.startEnv(0, "govrrpd", c, []string{"TMPDIR=" + tmp})
	r.waitMaster(vip4, 0, 3*time.Second)
	r.procs["r1"].Signal(syscall.SIGUSR2)
	r.procs["r1"].Signal(syscall.Signal(36))
	r.procs["r1"].Signal(syscall.SIGUSR1)
	deadline := time.Now().Add(2 * time.Second)
	for {
		_, e1 := os.Stat(filepath.Join(tmp, "keepalived.stats"))
		_, e2 := os.Stat(filepath.Join(tmp, "keepalived.json"))
		_, e3 := os.Stat(filepath.Join(tmp, "keepalived.data"))
		if e1 == nil && e2 == nil && e3 == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dumps missing: %v %v %v", e1, e2, e3)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stats, _ := os.ReadFile(filepath.Join(tmp, "keepalived.stats"))
	if !strings.HasPrefix(string(stats), "VRRP Instance: VI_1\n  Advertisements:\n") || !strings.Contains(string(stats), "Became master: 1") {
		t.Fatalf("stats dump:\n%s", stats)
	}
	var js []map[string]map[string]any
	b, _ := os.ReadFile(filepath.Join(tmp, "keepalived.json"))
	if err := json.Unmarshal(b, &js); err != nil || len(js) != 1 {
		t.Fatalf("json dump: %v\n%s", err, b)
	}
	if js[0]["data"]["iname"] != "VI_1" || js[0]["data"]["state"] != float64(2) || js[0]["stats"]["become_master"] != float64(1) {
		t.Fatalf("json dump content: %s", b)
	}
}
