package reliability

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// mode is GOVRRPD_RELIABILITY: "short" (CI) or "long" (the full
// durations); unset, the lab cases skip, so `go test ./...` and `make test`
// run only the suite's unit tests.
var mode = os.Getenv("GOVRRPD_RELIABILITY")

var long = mode == "long"

// pick returns the short or the long form of a duration or count.
func pick[T any](short, full T) T {
	if long {
		return full
	}
	return short
}

const (
	vrid       = 51
	prioMaster = 150
	prioBackup = 100
	authPass   = "s3cret"
)

var (
	vip    = netip.MustParseAddr("192.0.2.200")
	vipPfx = netip.PrefixFrom(vip, 24)
)

// daemonKind is an implementation under test.
type daemonKind struct{ name, bin string }

// implementations returns govrrpd and, when installed, keepalived. It
// skips the lab cases unless GOVRRPD_RELIABILITY names a form, and when
// not root.
func implementations(t *testing.T) []daemonKind {
	if mode == "" {
		t.Skip("the reliability suite runs with make reliability or make reliability-short (GOVRRPD_RELIABILITY=long|short)")
	}
	return daemons(t)
}

// daemons returns govrrpd and, when installed, keepalived; it skips when
// the lab cannot be built here.
func daemons(t *testing.T) []daemonKind {
	if err := lab.Supported(); err != nil {
		t.Skip(err)
	}
	out := []daemonKind{{"govrrpd", lab.Binary(t)}}
	if p, err := exec.LookPath("keepalived"); err == nil {
		out = append(out, daemonKind{"keepalived", p})
	}
	return out
}

// setup is the VRRP flavour a case runs.
type setup struct {
	Version int
	Advert  time.Duration
	Auth    bool   // v2 PASS authentication
	Notify  string // notify script, "" for none
	Debug   bool   // -D: detailed logging, where a flood's per-packet lines would show
}

func (s setup) String() string {
	a := ""
	if s.Auth {
		a = " PASS"
	}
	if s.Debug {
		a += " -D"
	}
	return fmt.Sprintf("v%d %v%s", s.Version, s.Advert, a)
}

// masterDown is RFC 5798's Master_Down_Interval for the backup.
func (s setup) masterDown() time.Duration {
	return 3*s.Advert + time.Duration(256-prioBackup)*s.Advert/256
}

func (s setup) conf(router string, prio int) string {
	auth := ""
	if s.Auth {
		auth = "    authentication {\n        auth_type PASS\n        auth_pass " + authPass + "\n    }\n"
	}
	if s.Notify != "" {
		auth += "    notify " + s.Notify + "\n"
	}
	return fmt.Sprintf(`global_defs {
    router_id %s
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority %d
    advert_int %s
    version %d
%s    virtual_ipaddress {
        %s
    }
}
`, router, vrid, prio, strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", s.Advert.Seconds()), "0"), "."), s.Version, auth, vipPfx)
}

// rig is one lab with one implementation running on r1 and r2.
type rig struct {
	t      *testing.T
	impl   daemonKind
	set    setup
	l      *lab.Lab
	r      [2]*lab.Host
	client *lab.Host
	inj    *injector
	procs  [2]*lab.Proc
	tmp    [2]string // TMPDIR of each daemon: where its dumps go
	confs  [2]string
	base   [2]string // path prefix of the current run's pid and log files
	wrap   []string  // command the daemon is started through ("" for none), e.g. setpriv
	watch  *lab.AddrWatch
	adv    *recorder // r1's adverts, seen by the client
	garp   *recorder // gratuitous ARPs for the VIP, seen by the client
	dir    string
	starts int
}

// newRig builds the lab, starts impl on r1 and r2 and waits for r1 to be
// the only master.
func newRig(t *testing.T, impl daemonKind, set setup) *rig {
	t.Helper()
	l, err := lab.New(lab.Config{Routers: 3, Client: true})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, impl: impl, set: set, l: l, r: [2]*lab.Host{l.Routers[0], l.Routers[1]}, client: l.Client, dir: logDir(t)}
	t.Cleanup(func() {
		if r.adv != nil {
			r.adv.close()
		}
		if r.garp != nil {
			r.garp.close()
		}
		if r.inj != nil {
			r.inj.close()
		}
		if r.watch != nil {
			r.watch.Close()
		}
		if err := l.Close(); err != nil {
			t.Errorf("lab cleanup: %v", err)
		}
	})
	if r.watch, err = l.WatchAddrs(); err != nil {
		t.Fatal(err)
	}
	if r.adv, err = recordAdverts(r.client, r.r[0].Addr4); err != nil {
		t.Fatal(err)
	}
	if r.garp, err = recordGARPs(r.client, vip); err != nil {
		t.Fatal(err)
	}
	if r.inj, err = newInjector(l.Routers[2]); err != nil {
		t.Fatal(err)
	}
	for i, prio := range []int{prioMaster, prioBackup} {
		r.tmp[i] = filepath.Join(r.dir, fmt.Sprintf("tmp-r%d", i+1))
		if err := os.MkdirAll(r.tmp[i], 0o700); err != nil {
			t.Fatal(err)
		}
		r.confs[i] = filepath.Join(r.dir, fmt.Sprintf("r%d.conf", i+1))
		if err := os.WriteFile(r.confs[i], []byte(set.conf(r.r[i].Name, prio)), 0o644); err != nil {
			t.Fatal(err)
		}
		r.start(i)
	}
	if err := r.waitOnly(0, set.masterDown()+5*time.Second); err != nil {
		t.Fatal(err)
	}
	return r
}

// logDir is where a rig keeps its files: a test temp dir, or a kept
// directory under $GOVRRPD_RELIABILITY_LOGS to dig into a miss.
func logDir(t *testing.T) string {
	root := os.Getenv("GOVRRPD_RELIABILITY_LOGS")
	if root == "" {
		return t.TempDir()
	}
	d, err := os.MkdirTemp(root, strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())+"-")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// start runs the daemon on router i with keepalived's own flags; TMPDIR
// keeps each router's dump files apart.
func (r *rig) start(i int) {
	r.t.Helper()
	r.starts++
	base := filepath.Join(r.dir, fmt.Sprintf("%s-r%d-%d", r.impl.name, i+1, r.starts))
	r.base[i] = base
	argv := append(append([]string(nil), r.wrap...), r.impl.bin,
		"-n", "-l", "-P", "-f", r.confs[i], "-p", base+".pid", "-r", base+"-vrrp.pid",
		"-c", base+"-check.pid", "-b", base+"-bfd.pid")
	if r.set.Debug {
		argv = append(argv, "-D")
	}
	p, err := r.r[i].StartEnv(base+".log", []string{"TMPDIR=" + r.tmp[i]}, argv[0], argv[1:]...)
	if err != nil {
		r.t.Fatal(err)
	}
	r.procs[i] = p
}

// holders lists which routers hold the VIP.
func (r *rig) holders() []int {
	var out []int
	for i, h := range r.r {
		if ok, err := h.HasAddr(vip); err == nil && ok {
			out = append(out, i)
		}
	}
	return out
}

// waitOnly waits until router i alone holds the VIP.
func (r *rig) waitOnly(i int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		h := r.holders()
		if len(h) == 1 && h[0] == i {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: after %v the VIP is on %v, want only r%d", r.impl.name, timeout, h, i+1)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// failovers counts the VIP additions on the backup in [from, to).
func (r *rig) failovers(from, to time.Time) int {
	return r.watch.Count(r.r[1].Name, vip, true, from, to)
}

// removals counts the VIP removals on the master in [from, to).
func (r *rig) removals(from, to time.Time) int {
	return r.watch.Count(r.r[0].Name, vip, false, from, to)
}

// logSize is how many bytes router i's daemon has logged.
func (r *rig) logSize(i int) int64 {
	st, err := os.Stat(r.procs[i].Log)
	if err != nil {
		return 0
	}
	return st.Size()
}

// logLines is router i's log between byte offsets from and to.
func (r *rig) logLines(i int, from, to int64) []string {
	b, err := os.ReadFile(r.procs[i].Log)
	if err != nil || int64(len(b)) < to || to <= from {
		return nil
	}
	return strings.Split(strings.TrimRight(string(b[from:to]), "\n"), "\n")
}

// cpu samples router i's daemon tree.
func (r *rig) cpu(i int) lab.TreeSample {
	s, err := lab.SampleTree("/proc", r.procs[i].PID())
	if err != nil {
		r.t.Errorf("%s on r%d: %v", r.impl.name, i+1, err)
	}
	return s
}

// signal sends sig to router i's daemon (keepalived's parent forwards it).
func (r *rig) signal(i int, sig syscall.Signal) {
	if err := r.procs[i].Signal(sig); err != nil {
		r.t.Errorf("signal %v to r%d: %v", sig, i+1, err)
	}
}

// advert is a valid advert for this rig's instance from the injector.
func (r *rig) advert(prio byte) advert {
	a := advert{Version: r.set.Version, VRID: vrid, Priority: prio, VIPs: []netip.Addr{vip},
		Src: r.l.Routers[2].Addr4}
	if r.set.Version == 2 {
		a.Interval = int(r.set.Advert / time.Second)
		if r.set.Auth {
			a.AuthType, a.AuthPass = 1, authPass
		}
	} else {
		a.Interval = int(r.set.Advert / (10 * time.Millisecond))
	}
	return a
}

var resultMu sync.Mutex

// result prints a case's figure as one RESULT line (and appends it to
// $GOVRRPD_RELIABILITY_OUT). A govrrpd miss fails the test; keepalived's
// figures are there for comparison and only printed.
func result(t *testing.T, impl, figure string, pass bool) {
	t.Helper()
	verdict := "pass"
	if !pass {
		verdict = "MISS"
	}
	line := fmt.Sprintf("RESULT\t%s\t%s\t%s\t%s", t.Name(), impl, verdict, figure)
	resultMu.Lock()
	fmt.Println(line)
	if out := os.Getenv("GOVRRPD_RELIABILITY_OUT"); out != "" {
		if f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
	resultMu.Unlock()
	if !pass && impl == "govrrpd" {
		t.Errorf("%s: %s", impl, figure)
	}
}
