package lab_test

import (
	"context"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/status"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

// statusVolatile are the parts of `govrrpd status` that differ from run
// to run (the binary, its pid and uptime, the file's path and hash, how
// long ago, a checker's latency); the golden keeps the rest. Column
// padding follows those widths, so runs of spaces become two.
var statusVolatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?m)^govrrpd \S+, pid \d+, up \S+, config \S+ \(hash [0-9a-f]+\)$`),
		"govrrpd VERSION, pid PID, up UPTIME, config FILE (hash HASH)"},
	{regexp.MustCompile(`\b\d\S* ago\b`), "T ago"},
	{regexp.MustCompile(`\(\d[\d.]*[µmn]?s\)`), "(LATENCY)"},
	{regexp.MustCompile(`  +`), "  "},
	{regexp.MustCompile(`(?m) +$`), ""},
}

// TestOpsStatusGolden: `govrrpd status` on a lab with 2 instances and 1
// virtual server. r1 is master of VI_1 and backup of VI_2 (r2 is its
// master); the virtual server has a real server whose TCP_CHECK passes
// and one whose check is refused (in-memory IPVS: the lab host has no
// ip_vs; NAT, since DR would reset the real servers' ports to 80 as
// keepalived does).
func TestOpsStatusGolden(t *testing.T) {
	r := newRig(t, 2)
	vip2 := netip.MustParseAddr("192.0.2.201")
	conf := func(i, p1, p2 int) string {
		a := instanceConf{Name: "VI_1", VRID: 51, Priority: p1, AdvertInt: "1", VIP: "192.0.2.200/24"}
		b := instanceConf{Name: "VI_2", VRID: 52, Priority: p2, AdvertInt: "1", VIP: "192.0.2.201/24"}
		return "global_defs {\n    router_id r" + string(rune('1'+i)) + "\n}\n" + a.text() + b.text()
	}
	vs := `
virtual_server 192.0.2.200 80 {
    delay_loop 1
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 192.0.2.100 8081 {
        weight 2
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 192.0.2.100 8082 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
`
	r.start(1, "govrrpd", conf(1, 100, 150))
	r.waitMaster(vip2, 1, 6*time.Second)
	if _, err := r.lab.Client.StartEnv(filepath.Join(r.dir, "rs.log"),
		[]string{"LAB_ECHO_NAME=rs", "LAB_ECHO_ADDR=192.0.2.100:8081"}, os.Args[0]); err != nil {
		t.Fatal(err)
	}
	r.startFull(0, "govrrpd", conf(0, 150, 100)+vs, []string{"GOVRRPD_IPVS_BACKEND=memory"})
	r.waitMaster(vip4, 0, 8*time.Second)
	settled := func(d status.Daemon) bool {
		if len(d.Instances) != 2 || d.Instances[0].State != "MASTER" || d.Instances[1].State != "BACKUP" ||
			d.Instances[1].MasterAddr != r.lab.Routers[1].Addr4.String() || len(d.VirtualServers) != 1 {
			return false
		}
		rs := d.VirtualServers[0].Reals
		return len(rs) == 2 && len(rs[0].Checkers) == 1 && len(rs[1].Checkers) == 1 &&
			rs[0].Healthy && rs[0].Checkers[0].LastResult != "" && !rs[1].Healthy && rs[1].Checkers[0].LastResult != ""
	}
	c := control.NewSocketClient(r.sock(0))
	var d status.Daemon
	var err error
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		d, err = c.Status(ctx)
		cancel()
		if err == nil && settled(d) {
			break
		}
	}
	if err != nil || !settled(d) {
		t.Fatalf("r1 did not settle (VI_1 MASTER, VI_2 BACKUP under r2, one real server up, one down): %v %+v", err, d)
	}
	out, err := cli(t, "status", "--control-socket", r.sock(0))
	if err != nil {
		t.Fatalf("status: %v\n%s", err, out)
	}
	for _, v := range statusVolatile {
		out = v.re.ReplaceAllString(out, v.with)
	}
	golden := filepath.Join("testdata", "status-lab.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if out != string(want) {
		t.Errorf("govrrpd status differs from %s (run with -update to accept):\n%s", golden, out)
	}
}
