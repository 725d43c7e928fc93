// Package lab_test runs the real govrrpd binary (and, for interop, the real
// keepalived) on routers in network namespaces and checks elections,
// failover and what a client on the segment sees.
package lab_test

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

var (
	govrrpdBin, binDir string

	helperOnce sync.Once
	helperBin  string
	helperErr  error
)

func TestMain(m *testing.M) {
	if err := lab.Supported(); err != nil {
		fmt.Fprintf(os.Stderr, "lab tests skipped: %v\n", err)
		os.Exit(m.Run()) // every test skips itself
	}
	dir, err := os.MkdirTemp("", "govrrpd-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// GOVRRPD_BIN has its helpers beside it (make build puts them
	// there); otherwise every command is built here, side by side:
	// govrrpd runs govrrpd-ops for status, plan and ctl.
	govrrpdBin = os.Getenv("GOVRRPD_BIN")
	if govrrpdBin == "" {
		govrrpdBin = filepath.Join(dir, "govrrpd")
		if out, err := exec.Command("go", "build", "-o", dir+"/", "../../cmd/...").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build govrrpd and its helpers: %v\n%s", err, out)
			os.Exit(1)
		}
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// bgpHelper is the BGP helper that --bgp-config runs: the one beside
// GOVRRPD_BIN (make build puts it there), else one built from the tree
// the first time a test needs it.
func bgpHelper(t *testing.T) string {
	t.Helper()
	helperOnce.Do(func() {
		helperBin = filepath.Join(filepath.Dir(govrrpdBin), "govrrpd-bgp")
		if _, err := os.Stat(helperBin); err == nil {
			return
		}
		helperBin = filepath.Join(binDir, "govrrpd-bgp")
		if out, err := exec.Command("go", "build", "-o", helperBin, "../../cmd/govrrpd-bgp").CombinedOutput(); err != nil {
			helperErr = fmt.Errorf("build govrrpd-bgp: %v\n%s", err, out)
		}
	})
	if helperErr != nil {
		t.Fatal(helperErr)
	}
	return helperBin
}

// rig is a lab plus the daemons running on it.
type rig struct {
	t     *testing.T
	lab   *lab.Lab
	dir   string
	procs map[string]*lab.Proc
	confs map[string]string
}

func newRig(t *testing.T, routers int) *rig {
	t.Helper()
	return newRigWith(t, lab.Config{Routers: routers, Client: true})
}

func newRigWith(t *testing.T, cfg lab.Config) *rig {
	t.Helper()
	if err := lab.Supported(); err != nil {
		t.Skip(err)
	}
	l, err := lab.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, lab: l, dir: t.TempDir(), procs: map[string]*lab.Proc{}, confs: map[string]string{}}
	t.Cleanup(func() {
		if t.Failed() {
			for name, p := range r.procs {
				t.Logf("---- %s log ----\n%s", name, tail(p.LogText(), 60))
			}
		}
		if err := l.Close(); err != nil {
			t.Errorf("lab cleanup: %v", err)
		}
	})
	return r
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// instanceConf is the text of one vrrp_instance.
type instanceConf struct {
	Name      string
	VRID      int
	Priority  int
	State     string
	AdvertInt string
	Version   int
	VIP       string
	Extra     []string // more instance lines
	Peers     []netip.Addr
	Src       netip.Addr
}

func (c instanceConf) text() string {
	var b strings.Builder
	state := c.State
	if state == "" {
		state = "BACKUP"
	}
	fmt.Fprintf(&b, "vrrp_instance %s {\n    state %s\n    interface eth0\n    virtual_router_id %d\n    priority %d\n",
		c.Name, state, c.VRID, c.Priority)
	if c.AdvertInt != "" {
		fmt.Fprintf(&b, "    advert_int %s\n", c.AdvertInt)
	}
	if c.Version != 0 {
		fmt.Fprintf(&b, "    version %d\n", c.Version)
	}
	if c.Src.IsValid() {
		fmt.Fprintf(&b, "    unicast_src_ip %s\n", c.Src)
	}
	if len(c.Peers) > 0 {
		b.WriteString("    unicast_peer {\n")
		for _, p := range c.Peers {
			fmt.Fprintf(&b, "        %s\n", p)
		}
		b.WriteString("    }\n")
	}
	for _, e := range c.Extra {
		fmt.Fprintf(&b, "    %s\n", e)
	}
	fmt.Fprintf(&b, "    virtual_ipaddress {\n        %s\n    }\n}\n", c.VIP)
	return b.String()
}

// start runs govrrpd (or keepalived with impl "keepalived") on router i
// (0-based) with the given configuration text.
func (r *rig) start(i int, impl, conf string) *lab.Proc {
	r.t.Helper()
	return r.startEnv(i, impl, conf, nil)
}

// startEnv is start with extra environment variables for the daemon.
func (r *rig) startEnv(i int, impl, conf string, env []string) *lab.Proc {
	r.t.Helper()
	return r.startFull(i, impl, conf, env, "-P")
}

// startFull runs the daemon with env and extra flags (start uses -P: VRRP
// only, since the host kernel has no IPVS).
func (r *rig) startFull(i int, impl, conf string, env []string, extra ...string) *lab.Proc {
	r.t.Helper()
	h := r.lab.Routers[i]
	path := filepath.Join(r.dir, h.Name+".conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.confs[h.Name] = path
	run := filepath.Join(r.dir, h.Name)
	args := append([]string{"-n", "-l", "-D", "-G", "-f", path, "-p", run + ".pid", "-r", run + "-vrrp.pid",
		"-c", run + "-check.pid", "-b", run + "-bfd.pid"}, extra...)
	bin := govrrpdBin
	switch impl {
	case "keepalived":
		bin = "keepalived"
	case "keepalived24":
		// keepalived 2.4.3 (authhmac_test.go) is built without BFD: no -b.
		bin = needKeepalived24(r.t)
		if i := slices.Index(args, "-b"); i >= 0 {
			args = slices.Delete(args, i, i+2)
		}
	default:
		// Each router its own control socket (ops_test.go reads it); the
		// default one is the host's.
		args = append(args, "--control-socket", run+".sock")
	}
	p, err := h.StartEnv(filepath.Join(r.dir, fmt.Sprintf("%s-%d.log", h.Name, time.Now().UnixNano())), env, bin, args...)
	if err != nil {
		r.t.Fatal(err)
	}
	r.procs[h.Name] = p
	return p
}

// holders returns the routers whose eth0 holds vip.
func (r *rig) holders(vip netip.Addr) []int {
	var out []int
	for i, h := range r.lab.Routers {
		if ok, err := h.HasAddr(vip); err == nil && ok {
			out = append(out, i)
		}
	}
	return out
}

// waitMaster waits until exactly router want holds vip, and returns when
// that happened (measured by polling every 5 ms).
func (r *rig) waitMaster(vip netip.Addr, want int, timeout time.Duration) time.Time {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		h := r.holders(vip)
		if len(h) == 1 && h[0] == want {
			return time.Now()
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.t.Fatalf("after %s, VIP %s is held by routers %v, want only r%d", timeout, vip, r.holders(vip), want+1)
	return time.Time{}
}

// stable asserts exactly router want holds vip for the whole duration.
func (r *rig) stable(vip netip.Addr, want int, d time.Duration) {
	r.t.Helper()
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		h := r.holders(vip)
		if len(h) != 1 || h[0] != want {
			r.t.Fatalf("VIP %s held by %v, want only r%d", vip, h, want+1)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
