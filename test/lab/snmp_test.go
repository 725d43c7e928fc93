package lab_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/tools/lab"
)

// snmpStack is Debian's snmpd, as AgentX master agent, and snmptrapd in
// one router's namespace, each with its own configuration, persistent
// directory, pid file and AgentX socket: never the host's service.
type snmpStack struct {
	t      *testing.T
	h      *lab.Host
	dir    string
	socket string
	traps  string
	env    []string
}

// needSNMP skips without net-snmp's binaries.
func needSNMP(t *testing.T) {
	for _, b := range []string{"snmpd", "snmptrapd", "snmpwalk"} {
		if _, err := exec.LookPath(b); err != nil {
			t.Skipf("%s not installed (Debian's snmpd and snmp packages)", b)
		}
	}
}

// startSNMP runs snmpd and snmptrapd in router i's namespace: snmpd
// answers on 127.0.0.1:1161 there and sends its traps to snmptrapd on
// 127.0.0.1:1162, which logs them numerically.
func (r *rig) startSNMP(i int) *snmpStack {
	r.t.Helper()
	needSNMP(r.t)
	h := r.lab.Routers[i]
	dir := filepath.Join(r.dir, h.Name+"-snmp")
	s := &snmpStack{t: r.t, h: h, dir: dir, socket: filepath.Join(dir, "master"), traps: filepath.Join(dir, "traps.log"),
		env: []string{"SNMP_PERSISTENT_DIR=" + filepath.Join(dir, "persist"), "MIBS=", "MIBDIRS="}}
	if err := os.MkdirAll(filepath.Join(dir, "persist"), 0o700); err != nil {
		r.t.Fatal(err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			r.t.Fatal(err)
		}
		return p
	}
	conf := write("snmpd.conf", fmt.Sprintf("master agentx\nagentXSocket %s\nagentXPerms 0600 0700\n"+
		"agentAddress udp:127.0.0.1:1161\nrocommunity public 127.0.0.1\ntrap2sink 127.0.0.1:1162 public\n", s.socket))
	tconf := write("snmptrapd.conf", "disableAuthorization yes\n")
	if _, err := h.StartEnv(filepath.Join(dir, "snmptrapd.out"), s.env, "snmptrapd", "-f", "-C", "-c", tconf, "-On",
		"-Lf", s.traps, "-p", filepath.Join(dir, "snmptrapd.pid"), "-m", "", "udp:127.0.0.1:1162"); err != nil {
		r.t.Fatal(err)
	}
	if _, err := h.StartEnv(filepath.Join(dir, "snmpd.out"), s.env, "snmpd", "-f", "-C", "-c", conf, "-Lf",
		filepath.Join(dir, "snmpd.log"), "-p", filepath.Join(dir, "snmpd.pid"), "-m", ""); err != nil {
		r.t.Fatal(err)
	}
	waitFor(r.t, 30*time.Second, "snmpd's AgentX socket", func() bool {
		_, err := os.Stat(s.socket)
		return err == nil
	})
	return s
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("after %s: no %s", d, what)
}

// walk is snmpwalk -On of root: each OID (without its leading dot) with
// its value as snmpwalk prints it ("INTEGER: 2").
func (s *snmpStack) walk(root string) map[string]string {
	s.t.Helper()
	out, err := s.h.RunEnv(s.env, "snmpwalk", "-v2c", "-c", "public", "-On", "-t", "5", "127.0.0.1:1161", root)
	if err != nil {
		s.t.Fatalf("snmpwalk %s: %v", root, err)
	}
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(l, " = ")
		if ok && strings.HasPrefix(k, ".") {
			m[strings.TrimPrefix(k, ".")] = strings.TrimSpace(v)
		}
	}
	return m
}

// walkUntil walks root until cond holds of the result.
func (s *snmpStack) walkUntil(root string, d time.Duration, what string, cond func(map[string]string) bool) map[string]string {
	s.t.Helper()
	var m map[string]string
	waitFor(s.t, d, what, func() bool {
		m = s.walk(root)
		return cond(m)
	})
	return m
}

// trapLines are snmptrapd's log lines, one per notification, but for
// snmpd's own (coldStart and the like, snmpTraps 1.3.6.1.6.3.1.1.5).
func (s *snmpStack) trapLines() []string {
	b, _ := os.ReadFile(s.traps)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, trapOID) && !strings.Contains(l, trapOID+".1.3.6.1.6.3.1.1.5.") {
			out = append(out, l)
		}
	}
	return out
}

// waitTrap waits for a notification whose line holds every part.
func (s *snmpStack) waitTrap(d time.Duration, parts ...string) string {
	s.t.Helper()
	var hit string
	waitFor(s.t, d, fmt.Sprintf("trap with %q", parts), func() bool {
		for _, l := range s.trapLines() {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(l, p)
			}
			if ok {
				hit = l
				return true
			}
		}
		return false
	})
	return hit
}

const (
	kaMIB   = "1.3.6.1.4.1.9586.100.5"
	kaInst  = kaMIB + ".2.3.1"
	v3Oper  = "1.3.6.1.2.1.207.1.1.1.1"
	v2Oper  = "1.3.6.1.2.1.68.1.3.1"
	trapOID = ".1.3.6.1.6.3.1.1.4.1.0 = OID: "
)

// kaState is KEEPALIVED-MIB's VrrpState; rfcState the RFC MIBs' state.
var (
	kaState  = map[string]string{"INIT": "0", "BACKUP": "1", "MASTER": "2", "FAULT": "3", "STOP": "5"}
	rfcState = map[string]string{"BACKUP": "2", "MASTER": "3"}
)

// hexAddr is an address as snmpwalk prints an InetAddress.
func hexAddr(a string) string {
	return "Hex-STRING: " + strings.ToUpper(fmt.Sprintf("% x", netip.MustParseAddr(a).AsSlice()))
}

func (r *rig) statusOf(i int) status.Daemon {
	r.t.Helper()
	js, err := cli(r.t, "status", "--json", "--control-socket", r.sock(i))
	if err != nil {
		r.t.Fatalf("status r%d: %v: %s", i+1, err, js)
	}
	var d status.Daemon
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		r.t.Fatalf("status r%d: %v", i+1, err)
	}
	return d
}

func ifIndexIn(t *testing.T, h *lab.Host, dev string) string {
	out, err := h.Run("cat", "/sys/class/net/"+dev+"/ifindex")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

// snmpConfs are two routers' files: VI_1 (VRRPv3) mastered by r1, VI_2
// (VRRPv3) by r2, VI_3 (VRRPv2) by r1.
func snmpConfs() []string {
	var out []string
	for i, p := range [][3]int{{150, 100, 150}, {100, 150, 100}} {
		var b strings.Builder
		fmt.Fprintf(&b, "global_defs {\n    router_id r%d\n    enable_traps\n}\n", i+1)
		for j, c := range []instanceConf{
			{Name: "VI_1", VRID: 51, Version: 3, VIP: "192.0.2.201/24"},
			{Name: "VI_2", VRID: 52, Version: 3, VIP: "192.0.2.202/24"},
			{Name: "VI_3", VRID: 53, Version: 2, VIP: "192.0.2.203/24"},
		} {
			c.Priority, c.AdvertInt = p[j], "1"
			b.WriteString(c.text())
		}
		out = append(out, b.String())
	}
	return out
}

// TestSNMPWalkMatchesAPI: under snmpd as master agent, govrrpd -x serves
// every instance's state, priority and master address in KEEPALIVED-MIB,
// VRRPv3-MIB and (v2) VRRP-MIB, equal to `govrrpd status --json`; a
// failover sends keepalived's traps to snmptrapd.
func TestSNMPWalkMatchesAPI(t *testing.T) {
	r := newRig(t, 2)
	var stacks []*snmpStack
	for i, c := range snmpConfs() {
		s := r.startSNMP(i)
		stacks = append(stacks, s)
		r.startFull(i, "govrrpd", c, nil, "-P", "-x", "-A", s.socket)
	}
	r.waitMaster(lab.MustAddr("192.0.2.201"), 0, 20*time.Second)
	r.waitMaster(lab.MustAddr("192.0.2.202"), 1, 20*time.Second)
	for i, s := range stacks {
		// Elections settle before the walk is compared: both routers'
		// instances are MASTER or BACKUP and the API agrees with itself.
		var d status.Daemon
		waitFor(t, 20*time.Second, "settled instances", func() bool {
			d = r.statusOf(i)
			for _, in := range d.Instances {
				if in.State != "MASTER" && in.State != "BACKUP" || in.MasterAddr == "" {
					return false
				}
			}
			return len(d.Instances) == 3
		})
		ka := s.walkUntil(kaMIB, 20*time.Second, "KEEPALIVED-MIB instances", func(m map[string]string) bool {
			return m[kaInst+".2.3"] != ""
		})
		v3, v2 := s.walk("1.3.6.1.2.1.207"), s.walk("1.3.6.1.2.1.68")
		ifi := ifIndexIn(t, s.h, "eth0")
		for j, in := range d.Instances {
			n := fmt.Sprint(j + 1)
			want := map[string]string{
				kaInst + ".2." + n: fmt.Sprintf("STRING: %q", in.Name),
				kaInst + ".4." + n: "INTEGER: " + kaState[in.State],
				kaInst + ".7." + n: fmt.Sprintf("INTEGER: %d", in.Priority),
				kaInst + ".8." + n: fmt.Sprintf("INTEGER: %d", in.EffectivePriority),
			}
			// VRRPv3-MIB lists every instance (as Debian's keepalived
			// does), VRRP-MIB the VRRPv2 ones.
			idx := ifi + "." + fmt.Sprint(in.VRID)
			want[v3Oper+".3."+idx+".1"] = hexAddr(in.MasterAddr)
			want[v3Oper+".6."+idx+".1"] = "INTEGER: " + rfcState[in.State]
			want[v3Oper+".7."+idx+".1"] = fmt.Sprintf("Gauge32: %d", in.Priority)
			if in.Version == 2 {
				want[v2Oper+".3."+idx] = "INTEGER: " + rfcState[in.State]
				want[v2Oper+".5."+idx] = fmt.Sprintf("INTEGER: %d", in.Priority)
				want[v2Oper+".7."+idx] = "IpAddress: " + in.MasterAddr
			}
			for oid, w := range want {
				got := ka[oid] + v3[oid] + v2[oid]
				if got != w {
					t.Errorf("r%d %s %s: snmpwalk %q, API %q", i+1, in.Name, oid, got, w)
				}
			}
		}
	}

	// r1 stops: r2 takes VI_1 and VI_3 over and its snmpd relays
	// vrrpInstanceStateChange (MASTER) and the RFC new-master traps.
	r.procs["r1"].Stop(10 * time.Second)
	r.waitMaster(lab.MustAddr("192.0.2.201"), 1, 20*time.Second)
	s := stacks[1]
	s.waitTrap(20*time.Second, trapOID+"."+kaMIB+".2.10.0.2", `.`+kaInst+`.2 = STRING: "VI_1"`, "."+kaInst+".4 = INTEGER: 2",
		`.`+kaMIB+`.1.2.0 = STRING: "r2"`)
	s.waitTrap(20*time.Second, trapOID+".1.3.6.1.2.1.207.0.1", "."+v3Oper+".3."+ifIndexIn(t, s.h, "eth0")+".51.1 = "+hexAddr(r.lab.Routers[1].Addr4.String()))
	s.waitTrap(20*time.Second, trapOID+".1.3.6.1.2.1.68.0.1", " = IpAddress: "+r.lab.Routers[1].Addr4.String())
}

// TestSNMPSameWalkAsKeepalived: one router, the same file (three instances,
// two in a sync group, one tracking an interface and a script, one
// IPv6), walked under
// govrrpd -x and then under keepalived 2.2.7 -x: every object both serve
// has the same value (but the few the skip list names, with the reason),
// govrrpd serves nothing keepalived does not, and it logs the counts.
func TestSNMPSameWalkAsKeepalived(t *testing.T) {
	if _, err := exec.LookPath("keepalived"); err != nil {
		t.Skip("keepalived not installed")
	}
	r := newRig(t, 1)
	// VI_2 tracks eth0 and a script with weights of their own, VI_3 the
	// script with the script's weight: the tracked-object tables.
	// (The script is defined before it is tracked, and the tracked
	// interface is not the instance's own: both would be ignored.)
	conf := strings.Replace(snmpConfs()[0], "    virtual_router_id 52\n",
		"    virtual_router_id 52\n    track_interface {\n        lo weight 10\n    }\n    track_script {\n        chk weight -5\n    }\n", 1)
	conf = strings.Replace(conf, "    virtual_router_id 53\n", "    virtual_router_id 53\n    track_script {\n        chk\n    }\n", 1)
	conf = "global_defs {\n    enable_script_security\n    script_user root\n}\n" +
		"vrrp_script chk {\n    script \"/bin/true\"\n    interval 1\n    weight 3\n}\n" + conf +
		instanceConf{Name: "VI_6", VRID: 54, Priority: 100, AdvertInt: "1", Version: 3, VIP: "2001:db8::54/64"}.text() +
		"vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_3\n    }\n}\n"
	s := r.startSNMP(0)
	traps := map[string][]string{}
	walkAll := func(impl string) map[string]string {
		seen := len(s.trapLines())
		p := r.startFull(0, impl, conf, nil, "-P", "-x", "-A", s.socket)
		m := map[string]string{}
		for _, root := range []string{kaMIB, "1.3.6.1.2.1.207", "1.3.6.1.2.1.68"} {
			for k, v := range s.walkUntil(root, 30*time.Second, impl+" masters in "+root, func(m map[string]string) bool {
				// Alone on the segment, every instance ends MASTER.
				n := 0
				for k, v := range m {
					if strings.HasPrefix(k, kaInst+".4.") && v == "INTEGER: 2" || strings.HasPrefix(k, v3Oper+".6.") && v == "INTEGER: 3" ||
						strings.HasPrefix(k, v2Oper+".3.") && v == "INTEGER: 3" {
						n++
					}
				}
				return n == map[string]int{kaMIB: 4, "1.3.6.1.2.1.207": 4, "1.3.6.1.2.1.68": 1}[root]
			}) {
				m[k] = v
			}
		}
		// The start-up BACKUP and the MASTER traps of four instances and
		// the sync group, VRRPv3-MIB's new master for each instance and
		// VRRP-MIB's for VI_3.
		waitFor(t, 20*time.Second, impl+"'s fifteen traps", func() bool { return len(s.trapLines())-seen >= 15 })
		for _, l := range s.trapLines()[seen:] {
			_, rest, _ := strings.Cut(l, "\t") // sysUpTime differs
			traps[impl] = append(traps[impl], rest)
		}
		slices.Sort(traps[impl])
		p.Stop(10 * time.Second)
		// The master agent forgets the session before the next daemon
		// registers the same trees.
		waitFor(t, 20*time.Second, "an empty tree after "+impl+" stopped", func() bool {
			for k := range s.walk(kaMIB + ".2") {
				if strings.HasPrefix(k, kaInst) {
					return false
				}
			}
			return true
		})
		return m
	}
	gov := walkAll("govrrpd")
	ka := walkAll("keepalived")
	// Not compared: the daemon's name and version; and VRRP-MIB's
	// vrrpOperMasterIpAddr of a master, which keepalived answers from
	// the last master it heard (0.0.0.0 when alone) where RFC 2787 and
	// govrrpd name the master, itself.
	skip := map[string]bool{kaMIB + ".1.1.0": true}
	ifi := ifIndexIn(t, r.lab.Routers[0], "eth0")
	skip[v2Oper+".7."+ifi+".53"] = true
	// vrrpAddressIsAdvertised of a VIP: keepalived's table walk sets the
	// flag when it starts on the first instance only, so every later
	// instance's VIPs read false(2); govrrpd answers true(1) for every
	// VIP, as the column means.
	for _, inst := range []string{"2", "3", "4"} {
		skip[kaMIB+".2.6.1.11."+inst+".1"] = true
	}
	same := 0
	for oid, g := range gov {
		k, ok := ka[oid]
		switch {
		case skip[oid]:
		case !ok:
			t.Errorf("govrrpd serves %s = %s; keepalived 2.2.7 does not", oid, g)
		case k != g:
			t.Errorf("%s: govrrpd %s, keepalived %s", oid, g, k)
		default:
			same++
		}
	}
	var missing []string
	for oid, k := range ka {
		if _, ok := gov[oid]; !ok {
			missing = append(missing, oid+" = "+k)
		}
	}
	slices.Sort(missing)
	t.Logf("served by keepalived only:\n%s", strings.Join(missing, "\n"))
	t.Logf("keepalived %d, govrrpd %d, equal %d (not compared: %d)", len(ka), len(gov), same, len(skip))
	if !slices.Equal(traps["govrrpd"], traps["keepalived"]) {
		t.Errorf("traps differ:\ngovrrpd:\n%s\nkeepalived:\n%s", strings.Join(traps["govrrpd"], "\n"), strings.Join(traps["keepalived"], "\n"))
	}
	// Every column govrrpd can fill: all of keepalived's objects but the
	// up and discontinuity times, the SMTP server's and the script's
	// command and result (docs/snmp.md).
	if same < 285 {
		t.Errorf("only %d objects equal", same)
	}
}

// TestSNMPCheckerTree: with the checkers running (the in-memory IPVS
// table: this kernel has no ip_vs), KEEPALIVED-MIB's virtual and real
// server rows follow a TCP_CHECK, equal to the API, and a dead real server
// sends keepalived's realServerStateChange.
func TestSNMPCheckerTree(t *testing.T) {
	r := newRig(t, 1)
	s := r.startSNMP(0)
	conf := confs([]int{150}, func(i int, c *instanceConf) { c.Version = 3 })[0] + `
global_defs {
    enable_traps
}
virtual_server 192.0.2.200 8080 {
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
}
`
	server, err := r.lab.Client.StartEnv(filepath.Join(r.dir, "rs.log"), []string{"LAB_ECHO_NAME=rs", "LAB_ECHO_ADDR=192.0.2.100:8081"}, os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	r.startFull(0, "govrrpd", conf, []string{"GOVRRPD_IPVS_BACKEND=memory"}, "-x", "-A", s.socket)
	const vs, rs = kaMIB + ".3.3.1", kaMIB + ".3.4.1"
	m := s.walkUntil(kaMIB+".3", 20*time.Second, "a live real server", func(m map[string]string) bool {
		return m[rs+".6.1.1"] == "INTEGER: 1"
	})
	d := r.statusOf(0)
	if len(d.VirtualServers) != 1 || len(d.VirtualServers[0].Reals) != 1 || !d.VirtualServers[0].Reals[0].Healthy {
		t.Fatalf("API: %+v", d.VirtualServers)
	}
	v, rr := d.VirtualServers[0], d.VirtualServers[0].Reals[0]
	for oid, w := range map[string]string{
		vs + ".2.1":   "INTEGER: 2", // ip
		vs + ".6.1":   hexAddr(v.Addr),
		vs + ".7.1":   fmt.Sprintf("Gauge32: %d", v.Port),
		vs + ".8.1":   "INTEGER: 1", // tcp
		vs + ".9.1":   "INTEGER: 2", // wrr
		vs + ".20.1":  "Gauge32: 1",
		vs + ".21.1":  "Gauge32: 1",
		rs + ".4.1.1": hexAddr(rr.Addr),
		rs + ".5.1.1": fmt.Sprintf("Gauge32: %d", rr.Port),
		rs + ".7.1.1": fmt.Sprintf("INTEGER: %d", rr.WeightCurrent),
		// The configuration's columns, with keepalived's codes and units.
		vs + ".10.1":   "INTEGER: 1", // lb_kind NAT
		vs + ".13.1":   "INTEGER: 2", // not persistent
		vs + ".16.1":   "Gauge32: 1", // delay_loop, s
		vs + ".22.1":   "Gauge32: 1", // quorum
		vs + ".23.1":   "INTEGER: 1", // quorum met
		vs + ".56.1":   "INTEGER: 1", // no inhibit_on_failure: removed when down
		vs + ".60.1":   "INTEGER: 1", // default weight
		vs + ".64.1":   "Gauge32: 1000000",
		vs + ".30.1":   "Counter64: 0", // in bytes
		rs + ".10.1.1": "INTEGER: 1",
		rs + ".13.1.1": "Gauge32: 0", // failed checks
		rs + ".40.1.1": "INTEGER: 1",
	} {
		if m[oid] != w {
			t.Errorf("%s: snmpwalk %q, want %q", oid, m[oid], w)
		}
	}
	server.Stop(time.Second)
	s.waitTrap(20*time.Second, trapOID+"."+kaMIB+".3.5.0.1", "."+kaMIB+".3.4.1.4 = "+hexAddr("192.0.2.100"),
		"."+kaMIB+".3.4.1.6 = INTEGER: 2", "."+kaMIB+".3.3.1.21 = Gauge32: 0")
	// Its only server gone, the service loses its quorum of 1.
	s.waitTrap(20*time.Second, trapOID+"."+kaMIB+".3.5.0.2", "."+kaMIB+".3.3.1.6 = "+hexAddr("192.0.2.200"),
		"."+kaMIB+".3.3.1.23 = INTEGER: 2", "."+kaMIB+".3.3.1.22 = Gauge32: 1", `.`+kaMIB+`.1.2.0 = STRING:`)
	s.walkUntil(kaMIB+".3", 20*time.Second, "a dead real server", func(m map[string]string) bool {
		return m[rs+".6.1.1"] == "INTEGER: 2" && m[vs+".21.1"] == "Gauge32: 0" && m[rs+".13.1.1"] == "Gauge32: 1" &&
			m[vs+".23.1"] == "INTEGER: 2"
	})
}
