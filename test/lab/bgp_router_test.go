package lab_test

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// The BGP router of the scale-out tests: FRR's bgpd + zebra (Debian's frr)
// or BIRD 2 (Debian's bird2), each in the router namespace with its own
// config, pid and socket paths under a temporary directory, never the
// host's services. Both install the ECMP route into the namespace's
// kernel FIB, which is what the tests read.

const (
	routerAS   = 65000
	directorAS = 65001
)

// bgpRouter starts a router daemon peering with the directors' addresses.
type bgpRouter struct {
	name  string
	need  func(t *testing.T)
	start func(t *testing.T, h *lab.Host, dir string, peers []string) []*lab.Proc
}

var bgpRouters = []bgpRouter{
	{name: "frr", need: needFRRBGP, start: startFRRBGP},
	{name: "bird", need: needBird, start: startBird},
}

func needFRRBGP(t *testing.T) {
	t.Helper()
	for _, d := range []string{"zebra", "bgpd"} {
		needFile(t, filepath.Join(frrDir, d), "frr")
	}
}

func needBird(t *testing.T) {
	t.Helper()
	p, err := exec.LookPath("bird")
	if err != nil {
		p = "/usr/sbin/bird"
	}
	needFile(t, p, "bird2")
}

func needFile(t *testing.T, p, pkg string) {
	t.Helper()
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (apt-get install %s)", p, pkg)
		}
		t.Skipf("%s is not installed (apt-get install %s): %v", p, pkg, err)
	}
}

// routerDir is a directory the FRR user can reach (FRR drops to user frr).
func routerDir(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "govrrpd-"+name+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	if u, err := user.Lookup("frr"); err == nil {
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chown(dir, uid, gid)
	}
	return dir
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func startFRRBGP(t *testing.T, h *lab.Host, dir string, peers []string) []*lab.Proc {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "frr defaults datacenter\nhostname %s\n!\nrouter bgp %d\n bgp router-id 198.51.100.%d\n", h.Name, routerAS, 10+len(peers)+1)
	b.WriteString(" no bgp ebgp-requires-policy\n no bgp network import-check\n")
	for _, p := range peers {
		fmt.Fprintf(&b, " neighbor %s remote-as %d\n neighbor %s timers 3 9\n neighbor %s timers connect 1\n", p, directorAS, p, p)
	}
	b.WriteString(" address-family ipv4 unicast\n  maximum-paths 8\n exit-address-family\n!\n")
	writeFiles(t, dir, map[string]string{"zebra.conf": "hostname " + h.Name + "\n", "bgpd.conf": b.String()})
	common := func(d string) []string {
		return []string{"-N", h.NS, "-u", "frr", "-g", "frr", "-i", filepath.Join(dir, d+".pid"),
			"--vty_socket", dir, "-z", filepath.Join(dir, "zserv.api"), "-f", filepath.Join(dir, d+".conf"),
			"-P", "0", "--log", "stdout", "--log-level", "info"}
	}
	zebra, err := h.Start(filepath.Join(dir, "zebra.log"), filepath.Join(frrDir, "zebra"), common("zebra")...)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "zebra's zserv socket", 30*time.Second, func() bool {
		_, err := os.Stat(filepath.Join(dir, "zserv.api"))
		return err == nil
	})
	bgpd, err := h.Start(filepath.Join(dir, "bgpd.log"), filepath.Join(frrDir, "bgpd"), common("bgpd")...)
	if err != nil {
		t.Fatal(err)
	}
	return []*lab.Proc{zebra, bgpd}
}

func startBird(t *testing.T, h *lab.Host, dir string, peers []string) []*lab.Proc {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "router id 198.51.100.%d;\nprotocol device { }\n", 10+len(peers)+1)
	b.WriteString("protocol kernel { ipv4 { export all; }; merge paths on limit 8; }\n")
	for i, p := range peers {
		fmt.Fprintf(&b, "protocol bgp d%d {\n local as %d;\n neighbor %s as %d;\n hold time 9;\n keepalive time 3;\n"+
			" connect retry time 1;\n ipv4 { import all; export none; };\n}\n", i+1, routerAS, p, directorAS)
	}
	writeFiles(t, dir, map[string]string{"bird.conf": b.String()})
	bird, err := h.Start(filepath.Join(dir, "bird.log"), "bird", "-f", "-c", filepath.Join(dir, "bird.conf"),
		"-s", filepath.Join(dir, "bird.ctl"), "-P", filepath.Join(dir, "bird.pid"))
	if err != nil {
		t.Fatal(err)
	}
	return []*lab.Proc{bird}
}

var viaRE = regexp.MustCompile(`via (\S+)`)

// nextHops reads the router's kernel FIB for prefix: its next hops, sorted.
func nextHops(t *testing.T, h *lab.Host, prefix string) []string {
	t.Helper()
	out, err := h.Run("ip", "-4", "route", "show", prefix)
	if err != nil {
		t.Fatal(err)
	}
	var hops []string
	for _, m := range viaRE.FindAllStringSubmatch(out, -1) {
		hops = append(hops, m[1])
	}
	slices.Sort(hops)
	return hops
}

func waitUntil(t *testing.T, what string, d time.Duration, f func() bool) time.Time {
	t.Helper()
	deadline := time.Now().Add(d)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Now()
}
