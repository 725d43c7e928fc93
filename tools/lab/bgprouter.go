package lab

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The BGP router of the scale-out topology: FRR's bgpd + zebra (Debian's
// frr) or BIRD 2 (Debian's bird2), in the router namespace with config, pid
// and socket paths under a directory of its own, never the host's
// services. Both install the ECMP route into the namespace's kernel FIB.

// FRRDir is where Debian's frr package keeps its daemons.
const FRRDir = "/usr/lib/frr"

// BGPRouterKinds are the routers StartBGPRouter runs.
var BGPRouterKinds = []string{"frr", "bird"}

// BGPRouterBinaries are the programs each kind needs, and its package.
func BGPRouterBinaries(kind string) (paths []string, pkg string) {
	if kind == "frr" {
		return []string{filepath.Join(FRRDir, "zebra"), filepath.Join(FRRDir, "bgpd")}, "frr"
	}
	return []string{"/usr/sbin/bird"}, "bird2"
}

// RouterDir makes a directory for a router's files that FRR's user can
// reach (FRR drops to user frr); the caller removes it.
func RouterDir(name string) (string, error) {
	dir, err := os.MkdirTemp("", "govrrpd-"+name+"-")
	if err != nil {
		return "", err
	}
	os.Chmod(dir, 0o755)
	if u, err := user.Lookup("frr"); err == nil {
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chown(dir, uid, gid)
	}
	return dir, nil
}

// StartBGPRouter runs kind on s.Router with eBGP to every director
// (timers 3/9 s, multipath up to 8), its files in dir.
func (s *ScaleOut) StartBGPRouter(kind, dir string) ([]*Proc, error) {
	if kind == "frr" {
		return s.startFRR(dir)
	}
	return s.startBird(dir)
}

func (s *ScaleOut) startFRR(dir string) ([]*Proc, error) {
	h := s.Router
	var b strings.Builder
	fmt.Fprintf(&b, "frr defaults datacenter\nhostname %s\n!\nrouter bgp %d\n bgp router-id %s\n", h.Name, RouterAS, s.RouterIP)
	b.WriteString(" no bgp ebgp-requires-policy\n no bgp network import-check\n")
	for _, p := range s.Peers() {
		fmt.Fprintf(&b, " neighbor %s remote-as %d\n neighbor %s timers 3 9\n neighbor %s timers connect 1\n", p, DirectorAS, p, p)
	}
	b.WriteString(" address-family ipv4 unicast\n  maximum-paths 8\n exit-address-family\n!\n")
	if err := writeFiles(dir, map[string]string{"zebra.conf": "hostname " + h.Name + "\n", "bgpd.conf": b.String()}); err != nil {
		return nil, err
	}
	common := func(d string) []string {
		return []string{"-N", h.NS, "-u", "frr", "-g", "frr", "-i", filepath.Join(dir, d+".pid"),
			"--vty_socket", dir, "-z", filepath.Join(dir, "zserv.api"), "-f", filepath.Join(dir, d+".conf"),
			"-P", "0", "--log", "stdout", "--log-level", "info"}
	}
	zebra, err := h.Start(filepath.Join(dir, "zebra.log"), filepath.Join(FRRDir, "zebra"), common("zebra")...)
	if err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "zserv.api")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return []*Proc{zebra}, fmt.Errorf("lab: zebra on %s did not open its zserv socket:\n%s", h.Name, zebra.LogText())
		}
	}
	bgpd, err := h.Start(filepath.Join(dir, "bgpd.log"), filepath.Join(FRRDir, "bgpd"), common("bgpd")...)
	if err != nil {
		return []*Proc{zebra}, err
	}
	return []*Proc{zebra, bgpd}, nil
}

func (s *ScaleOut) startBird(dir string) ([]*Proc, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "router id %s;\nprotocol device { }\n", s.RouterIP)
	b.WriteString("protocol kernel { ipv4 { export all; }; merge paths on limit 8; }\n")
	for i, p := range s.Peers() {
		fmt.Fprintf(&b, "protocol bgp d%d {\n local as %d;\n neighbor %s as %d;\n hold time 9;\n keepalive time 3;\n"+
			" connect retry time 1;\n ipv4 { import all; export none; };\n}\n", i+1, RouterAS, p, DirectorAS)
	}
	if err := writeFiles(dir, map[string]string{"bird.conf": b.String()}); err != nil {
		return nil, err
	}
	bird, err := s.Router.Start(filepath.Join(dir, "bird.log"), "/usr/sbin/bird", "-f", "-c", filepath.Join(dir, "bird.conf"),
		"-s", filepath.Join(dir, "bird.ctl"), "-P", filepath.Join(dir, "bird.pid"))
	if err != nil {
		return nil, err
	}
	return []*Proc{bird}, nil
}

func writeFiles(dir string, files map[string]string) error {
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
