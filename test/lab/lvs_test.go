package lab_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The daemon's health-checker subsystem end to end: a TCP_CHECK against a
// real server in the client namespace drives the IPVS table (the in-memory
// backend, since this kernel has no ip_vs; the SIGUSR1 dump shows it). A
// dead server leaves the table within delay_loop + retry, and returns.
func TestLVSCheckerDrivesIPVS(t *testing.T) {
	r := newRig(t, 1)
	tmp := filepath.Join(r.dir, "tmp")
	os.Mkdir(tmp, 0o700)
	conf := confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })[0] + `
virtual_server 192.0.2.200 8080 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 192.0.2.100 8081 {
        weight 2
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
`
	r.startFull(0, "govrrpd", conf, []string{"TMPDIR=" + tmp, "GOVRRPD_IPVS_BACKEND=memory"})
	r.waitMaster(vip4, 0, 3*time.Second)
	server, err := r.lab.Client.StartEnv(filepath.Join(r.dir, "rs.log"), []string{"LAB_ECHO_NAME=rs", "LAB_ECHO_ADDR=192.0.2.100:8081"}, os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	dump := func() string {
		os.Remove(filepath.Join(tmp, "keepalived_check.data"))
		r.procs["r1"].Signal(syscall.SIGUSR1)
		for i := 0; i < 100; i++ {
			if b, err := os.ReadFile(filepath.Join(tmp, "keepalived_check.data")); err == nil {
				return string(b)
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("no keepalived_check.data")
		return ""
	}
	waitDump := func(want string, present bool, d time.Duration) {
		t.Helper()
		deadline := time.Now().Add(d)
		for {
			s := dump()
			if strings.Contains(s, want) == present {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("IPVS table after %v (want %q present=%v):\n%s", d, want, present, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	dest := "-> 192.0.2.100:8081 weight 2"
	waitDump(dest, true, 4*time.Second)
	server.Stop(time.Second)
	waitDump(dest, false, 4*time.Second)
	if _, err := r.lab.Client.StartEnv(filepath.Join(r.dir, "rs2.log"), []string{"LAB_ECHO_NAME=rs", "LAB_ECHO_ADDR=192.0.2.100:8081"}, os.Args[0]); err != nil {
		t.Fatal(err)
	}
	waitDump(dest, true, 4*time.Second)
}

// lvs_sync_daemon follows its VRRP instance: backup daemon at start,
// master while the instance is MASTER, backup again when it leaves (the
// in-memory backend stands in for the kernel's, which this host lacks).
func TestLVSSyncDaemonFollowsInstance(t *testing.T) {
	r := newRig(t, 2)
	sync := "global_defs {\n    lvs_sync_daemon eth0 VI_1\n}\n"
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })
	env := []string{"GOVRRPD_IPVS_BACKEND=memory"}
	r.startFull(0, "govrrpd", sync+cs[0], env)
	r.waitMaster(vip4, 0, 3*time.Second)
	waitLog(t, r, "r1", `msg="lvs_sync_daemon master" running=master`, 2*time.Second)
	r.startFull(1, "govrrpd", sync+cs[1], env)
	waitLog(t, r, "r2", `msg="lvs_sync_daemon start" running=backup`, 2*time.Second)
	r.procs["r1"].Signal(syscall.SIGTERM)
	r.waitMaster(vip4, 1, 2*time.Second)
	waitLog(t, r, "r2", `msg="lvs_sync_daemon master" running=master`, 2*time.Second)
}
