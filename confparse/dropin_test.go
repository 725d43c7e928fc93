package confparse

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// The drop-in cases are minimal configurations, one per rule of
// keepalived's that real-world files run into (issue #15), each with the
// exit code keepalived 2.2.7 `-t` gives in the corpus namespace (eth0..eth3
// up) and the message govrrpd must print at FILE:LINE. The namespace test
// runs keepalived itself on every case, so a verdict written here that
// keepalived does not give fails.

// dropinCase is one probe. Src is the whole file.
type dropinCase struct {
	Name       string
	Src        string
	Keepalived int
	// Govrrpd, when Why is set, is govrrpd's deliberately different code.
	Govrrpd int
	Why     string
	Msgs    []corpusMsg
	// NoLive skips running keepalived on the case (Why says why).
	NoLive bool
	// Dump pins the case's --dump-conf output in testdata/dropin: the
	// items where keepalived's reading changes what runs.
	Dump bool
}

func (c dropinCase) want() int {
	if c.Why != "" {
		return c.Govrrpd
	}
	return c.Keepalived
}

// dInst is a vrrp_instance on eth0 opening at line `at`; body goes after
// the VIP block (the instance's line 9 onward).
func dInst(body string) string {
	return "vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n" +
		"  virtual_ipaddress {\n    192.0.2.10/24\n  }\n" + body + "}\n"
}

// dInstOn is dInst on interface ifname.
func dInstOn(ifname, body string) string {
	return strings.Replace(dInst(body), "interface eth0", "interface "+ifname, 1)
}

// dScript is a vrrp_script block of three lines.
func dScript(name, cmd string) string {
	return "vrrp_script " + name + " {\n  script \"" + cmd + "\"\n}\n"
}

// dVS is a virtual_server with one real server and a TCP_CHECK: vsBody
// goes after the header (line 2 on), ckBody inside the TCP_CHECK (line 8
// on when vsBody is empty).
func dVS(vsBody, ckBody string) string {
	return "virtual_server 192.0.2.1 80 {\n" + vsBody + "  delay_loop 6\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n" +
		"  real_server 192.0.2.2 80 {\n    TCP_CHECK {\n" + ckBody + "    }\n  }\n}\n"
}

const dTrackS = "  track_script {\n    s\n  }\n"

var dropinCases = []dropinCase{
	// 1. a tracked script that cannot run is removed, wherever it is
	// tracked; found but not executable is removed silently.
	{Name: "1-script-missing", Keepalived: 5,
		Src:  dScript("s", "/nonexistent/check.sh") + dInst(dTrackS),
		Msgs: []corpusMsg{cm(2, "Disabling track script s since not found/accessible")}},
	{Name: "1-script-not-in-path", Keepalived: 5,
		Src:  dScript("s", "nosuchprog_h5 arg") + dInst(dTrackS),
		Msgs: []corpusMsg{cm(2, "Disabling track script s since not found/accessible")}},
	{Name: "1-script-not-executable-secure", Keepalived: 0,
		Src: "global_defs {\n  enable_script_security\n  script_user root\n}\n" + dScript("s", "/etc/hostname") + dInst(dTrackS)},
	{Name: "1-script-in-path-found", Keepalived: 0,
		Src: "global_defs {\n  enable_script_security\n  script_user root\n}\n" + dScript("s", "true") + dInst(dTrackS)},
	// 2. enable_script_security, no script_user, no keepalived_script.
	{Name: "2-no-default-user", Keepalived: 5,
		Src: "global_defs {\n  enable_script_security\n}\n" + dScript("s", "/bin/true") + dInst(dTrackS),
		Msgs: []corpusMsg{cm(5, "Unable to set default user keepalived_script"),
			cm(5, "Unable to set default user for vrrp script s - removing")}},
	// 3. script_user naming a user or group that does not exist.
	{Name: "3-script-user-missing", Keepalived: 5,
		Src: "global_defs {\n  script_user nosuchuser_h5\n}\n" + dScript("s", "/bin/true") + dInst(dTrackS),
		Msgs: []corpusMsg{cm(2, "Error setting global script uid/gid"),
			cm(5, "Unable to set default user for vrrp script s - removing")}},
	{Name: "3-script-group-missing", Keepalived: 5,
		Src:  "global_defs {\n  script_user root nosuchgroup_h5\n}\n" + dScript("s", "/bin/true") + dInst(dTrackS),
		Msgs: []corpusMsg{cm(2, "Error setting global script uid/gid")}},
	// 4. every defined script counts for the violation, tracked or not.
	{Name: "4-untracked-script-violation", Keepalived: 6,
		Src:  dScript("s", "/bin/true") + dInst(""),
		Msgs: []corpusMsg{cm(2, "SECURITY VIOLATION")}},
	{Name: "4-untracked-not-executable-violation", Keepalived: 6,
		Src:  dScript("s", "/etc/hostname") + dInst(""),
		Msgs: []corpusMsg{cm(2, "SECURITY VIOLATION")}},

	// 6. a keyword whose value is missing: keepalived stops at once with
	// exit 2 when its handler reads the value unchecked, else warns.
	{Name: "6-bare-preempt-delay", Keepalived: 2,
		Src:  dInst("  preempt_delay\n"),
		Msgs: []corpusMsg{cm(9, "missing a parameter", "preempt_delay")}},
	{Name: "6-bare-priority-and-notify", Keepalived: 2,
		Src:  dInst("  notify_master\n  priority\n"),
		Msgs: []corpusMsg{cm(9, "missing a parameter", "notify_master"), cm(10, "missing a parameter", "priority")}},
	{Name: "6-bare-lb-algo", Keepalived: 2,
		Src:  dVS("  lb_algo\n", ""),
		Msgs: []corpusMsg{cm(2, "missing a parameter", "lb_algo")}},
	{Name: "6-bare-checker-retry", Keepalived: 2,
		Src:  dVS("", "      retry\n"),
		Msgs: []corpusMsg{cm(8, "missing a parameter", "retry")}},
	{Name: "6-bare-script-interval", Keepalived: 2,
		Src:  "vrrp_script s {\n  script \"/bin/true\"\n  interval\n}\n" + dInst(dTrackS),
		Msgs: []corpusMsg{cm(3, "missing a parameter", "interval")}},
	{Name: "6-bare-router-id-warns", Keepalived: 5,
		Src: "global_defs {\n  router_id\n}\n" + dInst("")},
	// 10. ranges are keepalived's: a refresh of four hours is valid.
	{Name: "10-garp-ranges", Keepalived: 0, Dump: true,
		Src: "global_defs {\n  vrrp_garp_master_refresh 14400\n  vrrp_garp_master_repeat 1000\n  smtp_connect_timeout 4000\n}\n" +
			dInst("  garp_master_refresh 14400\n  garp_master_repeat 300\n  garp_master_delay 2000\n  garp_lower_prio_repeat 1000\n")},
	// 14. the VRRP process's scheduling: applied to govrrpd's one process.
	{Name: "14-vrrp-priority-and-affinity", Keepalived: 0, Dump: true,
		Src: "global_defs {\n  vrrp_priority -10\n  vrrp_cpu_affinity 0\n}\n" + dInst("")},
	{Name: "10-advert-int-below-10ms", Keepalived: 5,
		Src:  dInst("  advert_int 0.005\n"),
		Msgs: []corpusMsg{cm(9, "Advert interval (0.005) not valid")}},
	// 11. nb_get_retry is HTTP_GET/SSL_GET only: in TCP_CHECK it is
	// unknown and the checker keeps its retry.
	{Name: "11-nb-get-retry-in-tcp-check", Keepalived: 5, Dump: true,
		Src:  dVS("", "      connect_timeout 3\n      nb_get_retry 7\n"),
		Msgs: []corpusMsg{cm(9, "unknown keyword", "nb_get_retry")}},
	// 5. `track_interface eth1` on one line opens the block anyway and
	// swallows the authentication block after it.
	{Name: "5-track-interface-one-line", Keepalived: 5, Dump: true,
		Src: dInst("  track_interface eth1\n  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n"),
		Msgs: []corpusMsg{cm(9, "Block track_interface has extra parameters eth1", "lines 10-13 (authentication)"),
			cm(10, "tracked interface authentication doesn't exist")}},
	// 12. an unknown block at the root: keepalived reads its body there,
	// so the virtual_server inside it runs.
	{Name: "12-unknown-block-wraps-vs", Keepalived: 5, Dump: true,
		Src:  "group {\n" + dVS("", "      connect_timeout 3\n") + "}\n",
		Msgs: []corpusMsg{cm(1, "unknown keyword 'group'", "top level"), cm(13, "unknown keyword '}'")}},
	// 7. net_namespace is not looked for at -t, even when missing.
	{Name: "7-net-namespace-missing", Keepalived: 0,
		Src: "net_namespace govrrpd-no-such-ns-h5\n" + dInst("")},
	{Name: "7-net-namespace-missing-checks-nothing", Keepalived: 0,
		Src:  "net_namespace govrrpd-no-such-ns-h5\n" + dInst("  preempt_delay\n"),
		Msgs: []corpusMsg{cm(1, "does not exist", "checks nothing more"), cm(10, "not checked by keepalived -t", "preempt_delay")}},
	// 8. `default` is a route destination: both routes are kept.
	{Name: "8-default-route", Keepalived: 0, Dump: true,
		Src: "static_routes {\n  default via 192.0.2.1 dev eth0 table 1\n}\n" +
			dInst("  virtual_routes {\n    default via 192.0.2.254 dev eth0 table 1\n  }\n")},
	// 13. an interface that does not exist is an error unless
	// dynamic_interfaces is set (anywhere: keepalived reads global_defs
	// first); then keepalived, and the daemon in FAULT, waits for it.
	{Name: "13-interface-missing", Keepalived: 5,
		Src:  dInstOn("eth9", ""),
		Msgs: []corpusMsg{cm(3, "interface eth9 for vrrp_instance VI_1 doesn't exist")}},
	{Name: "13-interface-missing-dynamic", Keepalived: 0,
		Src:  "global_defs {\n  dynamic_interfaces\n}\n" + dInstOn("eth9", "  track_interface {\n    eth8\n  }\n"),
		Msgs: []corpusMsg{cm(6, "interface eth9", "will use if created"), cm(13, "interface eth8", "will use if created")}},
	{Name: "13-dynamic-after-instance", Keepalived: 0,
		Src:  dInstOn("eth9", "") + "global_defs {\n  dynamic_interfaces\n}\n",
		Msgs: []corpusMsg{cm(3, "interface eth9", "will use if created")}},
	// 16. a script string is decoded once (keepalived 2.3.2 on); -t says
	// what 2.2.7, decoding twice, would pass instead.
	{Name: "16-script-decoded-once", Keepalived: 0,
		Src: "global_defs {\n  enable_script_security\n  script_user root\n}\n" +
			dScript("s", `/bin/echo '^HTTP/1\\.[01]'`) + dInst(dTrackS),
		Msgs: []corpusMsg{cm(6, "would pass", `"^HTTP/1.[01]" instead of "^HTTP/1\\.[01]"`)}},
	// 9. a unicast peer or source written with a prefix length or range
	// is the address before it.
	{Name: "9-unicast-prefix", Keepalived: 0, Dump: true,
		Src: dInst("  unicast_src_ip 192.0.2.1/24\n  unicast_peer {\n    192.0.2.5/24\n    192.0.2.6-9\n  }\n"),
		Msgs: []corpusMsg{cm(9, "unicast_src_ip", "192.0.2.1"), cm(11, "unicast_peer", "192.0.2.5"),
			cm(12, "unicast_peer", "192.0.2.6")}},
}

// writeDropin writes c's file into dir.
func writeDropin(t *testing.T, dir string, c dropinCase) string {
	t.Helper()
	p := filepath.Join(dir, c.Name+".conf")
	if err := os.WriteFile(p, []byte(c.Src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDropinVerdicts(t *testing.T) {
	dir := t.TempDir()
	for _, c := range dropinCases {
		t.Run(c.Name, func(t *testing.T) {
			p := writeDropin(t, dir, c)
			_, diags := Load(p, corpusOptions(""))
			if got := diags.ExitCode(); got != c.want() {
				t.Errorf("exit code %d, want %d (keepalived %d)\n%s", got, c.want(), c.Keepalived, diags)
			}
			for _, w := range c.Msgs {
				if !hasDropinMsg(diags, w) {
					t.Errorf("no diagnostic on line %d with %q\ngot:\n%s", w.Line, w.Words, diags.Sorted())
				}
			}
			for _, d := range diags {
				if d.Pos.File != p {
					t.Errorf("diagnostic not at %s:LINE: %v", p, d)
				}
			}
		})
	}
}

// hasDropinMsg is hasCorpusMsg counting notes (Info) too: a drop-in rule
// may keep keepalived's exit code and still have to be said.
func hasDropinMsg(diags Diagnostics, w corpusMsg) bool {
	for _, d := range diags {
		if d.Severity == Info {
			d.Severity = Warning
			if hasCorpusMsg(Diagnostics{d}, w) {
				return true
			}
		}
	}
	return hasCorpusMsg(diags, w)
}

// TestDropinDumpGolden pins what the meaning-changing cases load to:
// go test ./confparse -run TestDropinDumpGolden -update
func TestDropinDumpGolden(t *testing.T) {
	dir := t.TempDir()
	for _, c := range dropinCases {
		if !c.Dump {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			cfg, _ := Load(writeDropin(t, dir, c), corpusOptions(""))
			var buf bytes.Buffer
			if err := Print(&buf, cfg); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "dropin", c.Name+".dump"), buf.Bytes())
		})
	}
}

// checkGolden compares got with the golden file, or rewrites it under
// -update.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *updateDump {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update and review the diff)\n%s", golden, lineDiff(string(want), string(got)))
	}
}

// TestDropinCLIInNamespace runs govrrpd -t and keepalived -t on every case
// in the corpus namespace.
func TestDropinCLIInNamespace(t *testing.T) {
	ns := lab.IfaceNS(t, corpusIfaces...)
	bin := lab.Binary(t)
	keepalived, _ := exec.LookPath("keepalived")
	dir := t.TempDir()
	for _, c := range dropinCases {
		t.Run(c.Name, func(t *testing.T) {
			p := writeDropin(t, dir, c)
			rc, out := lab.RunIn(t, ns, bin, "-t", "-f", p, "-i", "corpus-none")
			if rc != c.want() {
				t.Errorf("govrrpd -t: exit %d, want %d\n%s", rc, c.want(), out)
			}
			checkCLIFormat(t, p, out)
			for _, w := range c.Msgs {
				if !strings.Contains(strings.ToLower(out), strings.ToLower(w.Words[0])) {
					t.Errorf("govrrpd -t output lacks %q:\n%s", w.Words[0], out)
				}
			}
			if keepalived != "" && !c.NoLive {
				if krc, kout := lab.RunIn(t, ns, keepalived, "-t", "-f", p, "-i", "corpus-none"); krc != c.Keepalived {
					t.Errorf("live keepalived -t: exit %d, table says %d\n%s", krc, c.Keepalived, kout)
				}
			}
		})
	}
}

// TestDropinLVSCFInNamespace is item 15 through the command line: -t on a
// Piranha lvs.cf in lvs mode converts it, and active_cmd / inactive_cmd
// (one quoted with a run of blanks, one bare) reach the notify_* lines as
// double-quoted strings (lvs.cf mapping §3.4), which the same -t then
// accepts.
func TestDropinLVSCFInNamespace(t *testing.T) {
	ns := lab.IfaceNS(t, corpusIfaces...)
	bin := lab.Binary(t)
	p := filepath.Join(t.TempDir(), "lvs.cf")
	cf := "service = lvs\nprimary = 192.0.2.1\nbackup = 192.0.2.2\nbackup_active = 1\n" +
		"active_cmd = \"/bin/echo  on now\"\ninactive_cmd = /bin/true\n" +
		"virtual web {\n  active = 1\n  address = 192.0.2.10 eth0:1\n  port = 80\n" +
		"  server a {\n    address = 192.0.2.20\n    active = 1\n  }\n}\n"
	if err := os.WriteFile(p, []byte(cf), 0o644); err != nil {
		t.Fatal(err)
	}
	rc, out := lab.RunIn(t, ns, bin, "-t", "--dump-conf", "-f", p, "-i", "corpus-none")
	if rc != 0 {
		t.Errorf("govrrpd -t on lvs.cf: exit %d, want 0\n%s", rc, out)
	}
	for _, want := range []string{`notify_master "/bin/echo on now"`, `notify_backup "/bin/true"`,
		`notify_fault "/bin/true"`, `notify_stop "/bin/true"`, "Piranha lvs.cf converted"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}
