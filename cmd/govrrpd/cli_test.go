package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/tools/lab"

	"github.com/govrrpd/govrrpd/confparse"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

// cliRun runs the CLI in-process and returns its exit status and output.
func cliRun(args ...string) (rc int, stdout, stderr string) {
	var o, e bytes.Buffer
	rc = run(args, &o, &e)
	return rc, o.String(), e.String()
}

// cliConf is a small configuration and what `-t` must say about it.
type cliConf struct {
	name string
	text string
	// rc is govrrpd's exit status; keepalived is 2.2.7's when it differs,
	// measured by TestCLIAgainstKeepalived.
	rc, keepalived int
	// lines are the FILE:LINE numbers the output must name, in order.
	lines []int
	words []string // each must appear in the output
}

const lvsOnly = `virtual_server 192.0.2.1 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 198.51.100.1 80 {
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
`

// eth0 exists in the test namespace; gvnosuch0 exists nowhere.
var cliConfs = []cliConf{
	{name: "clean", text: lvsOnly, rc: 0, keepalived: 0},
	{name: "unknown-keyword", text: "global_defs {\n    router_id a\n    bogus_keyword 1\n}\n" + lvsOnly,
		rc: 5, keepalived: 5, lines: []int{3}, words: []string{"bogus_keyword"}},
	{name: "bad-value", text: "global_defs {\n    vrrp_garp_interval 0\n}\n" + lvsOnly,
		rc: 5, keepalived: 5, lines: []int{2}, words: []string{"vrrp_garp_interval"}},
	// keepalived reports each missing interface as a configuration error
	// (5) before the fatal "Non-existent interface" (4): the maximum is 5.
	{name: "missing-interface", text: "vrrp_instance V {\n    interface gvnosuch0\n    virtual_router_id 1\n" +
		"    priority 100\n    virtual_ipaddress {\n        192.0.2.9\n    }\n}\n",
		rc: 5, keepalived: 5, lines: []int{2}, words: []string{"gvnosuch0", "doesn't exist"}},
	{name: "script-security", text: "vrrp_script chk {\n    script /bin/true\n}\n" +
		"vrrp_instance V {\n    interface eth0\n    virtual_router_id 1\n    priority 100\n" +
		"    track_script {\n        chk\n    }\n    virtual_ipaddress {\n        192.0.2.9\n    }\n}\n",
		rc: 6, keepalived: 6, lines: []int{2}, words: []string{"SECURITY VIOLATION"}},
	// keepalived: "There are 1 missing '}'s or extra '{'s", no line.
	{name: "unclosed-block", text: "global_defs {\n    router_id a\n", rc: 5, keepalived: 5, lines: []int{1}},
}

var outLine = regexp.MustCompile(`^(.+):(\d+): (.+)$`)

// checkOutput asserts `-t` output is FILE:LINE: message, one per line,
// naming the wanted lines of path.
func checkOutput(t *testing.T, path, out string, lines []int, words []string) {
	t.Helper()
	var got []int
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		m := outLine.FindStringSubmatch(l)
		if m == nil || m[1] != path || m[2] == "0" {
			t.Errorf("output line is not %s:LINE: message: %q", path, l)
			continue
		}
		var n int
		fmt.Sscan(m[2], &n)
		got = append(got, n)
	}
	for _, w := range lines {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("no message on line %d; output:\n%s", w, out)
		}
	}
	for _, w := range words {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func writeConf(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name+".conf")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCLIConfigTest runs `-t` in-process against the host's interfaces:
// the configurations name only eth0 (when the host has it) and an
// interface that exists nowhere.
func TestCLIConfigTest(t *testing.T) {
	if !interfaceExists("eth0") {
		t.Log("host has no eth0: the script-security case is left to the namespace test")
	}
	for _, c := range cliConfs {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(c.text, "interface eth0") && !interfaceExists("eth0") {
				t.Skip("needs eth0; TestCLIAgainstKeepalived runs it in a namespace")
			}
			p := writeConf(t, c.name, c.text)
			rc, stdout, stderr := cliRun("-t", "-f", p)
			if rc != c.rc {
				t.Errorf("exit %d, want %d\n%s", rc, c.rc, stderr)
			}
			if stdout != "" {
				t.Errorf("-t wrote to stdout: %q", stdout)
			}
			checkOutput(t, p, stderr, c.lines, c.words)
		})
	}
}

// A -f path that does not exist: keepalived 2.2.7 prints "Config files
// missing" and exits 0; govrrpd exits 4 (the fatal class), because a
// mistyped path passing the check would start a daemon with no config.
// The message names the file (line 0: the file has no lines to name).
func TestCLIMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nothere.conf")
	rc, _, stderr := cliRun("-t", "-f", p)
	if rc != 4 {
		t.Errorf("exit %d, want 4", rc)
	}
	for _, l := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		if !strings.HasPrefix(l, p+":") {
			t.Errorf("message does not start with %s: %q", p, l)
		}
	}
}

// -t=FILE sends the messages to FILE, as keepalived's --config-test=FILE.
func TestCLIConfigTestLogFile(t *testing.T) {
	p := writeConf(t, "unk", "global_defs {\n    bogus_keyword 1\n}\n")
	log := filepath.Join(t.TempDir(), "t.log")
	rc, stdout, stderr := cliRun("--config-test="+log, "-f", p)
	if rc != 5 || stdout != "" || stderr != "" {
		t.Fatalf("rc %d stdout %q stderr %q; want 5 and nothing printed", rc, stdout, stderr)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	checkOutput(t, p, string(b), []int{2}, []string{"bogus_keyword"})
}

// -t -d prints the configuration as read, after the messages.
func TestCLIConfigTestDump(t *testing.T) {
	p := writeConf(t, "lvs", lvsOnly)
	rc, _, stderr := cliRun("-t", "-d", "-f", p)
	if rc != 0 {
		t.Fatalf("exit %d\n%s", rc, stderr)
	}
	for _, w := range []string{"virtual_server 192.0.2.1 80 {", "real_server 198.51.100.1 80 {", "TCP_CHECK {"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("dump lacks %q:\n%s", w, stderr)
		}
	}
}

// -t -d prints auth_pass masked: the dump goes to terminals and logs.
func TestCLIConfigTestDumpMasksAuthPass(t *testing.T) {
	p := writeConf(t, "pass", "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"+
		" authentication {\n  auth_type PASS\n  auth_pass s3cr3t\n }\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n")
	rc, stdout, stderr := cliRun("-t", "-d", "-f", p)
	if rc != 0 {
		t.Fatalf("exit %d\n%s", rc, stderr)
	}
	if strings.Contains(stdout+stderr, "s3cr3t") || !strings.Contains(stderr, "auth_pass ********") {
		t.Errorf("dump:\n%s%s", stdout, stderr)
	}
}

// The numbers are x86_64 glibc's, which keepalived --signum prints and
// scripts feed to kill(1).
func TestCLISignum(t *testing.T) {
	for _, c := range []struct {
		name string
		rc   int
		out  string
	}{
		{"STOP", 0, "15\n"}, {"RELOAD", 0, "1\n"}, {"DATA", 0, "10\n"}, {"STATS", 0, "12\n"},
		{"STATS_CLEAR", 0, "63\n"}, {"JSON", 0, "36\n"}, {"reload", 0, "1\n"}, {"bogus", 1, ""},
	} {
		rc, stdout, stderr := cliRun("--signum=" + c.name)
		if rc != c.rc || stdout != c.out {
			t.Errorf("--signum=%s: rc %d out %q, want %d %q (stderr %q)", c.name, rc, stdout, c.rc, c.out, stderr)
		}
		if c.rc != 0 && !strings.Contains(stderr, c.name) {
			t.Errorf("--signum=%s: error does not name the function: %q", c.name, stderr)
		}
		ka, err := exec.LookPath("keepalived")
		if err != nil || c.name == "reload" {
			continue // keepalived 2.2.7 matches names case-sensitively
		}
		out, err := exec.Command(ka, "--signum="+c.name).Output()
		krc := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			krc = ee.ExitCode()
		}
		if krc != c.rc || (c.rc == 0 && string(out) != c.out) {
			t.Errorf("keepalived --signum=%s: rc %d out %q; govrrpd gives %d %q", c.name, krc, out, c.rc, c.out)
		}
	}
}

func TestCLIVersionAndHelp(t *testing.T) {
	for _, f := range []string{"-v", "--version"} {
		rc, stdout, _ := cliRun(f)
		if rc != 0 || !strings.HasPrefix(stdout, "govrrpd ") || !strings.Contains(stdout, "keepalived 2.2.7") {
			t.Errorf("%s: rc %d out %q", f, rc, stdout)
		}
	}
	rc, stdout, _ := cliRun("-h")
	if rc != 0 || !strings.Contains(stdout, "Usage: govrrpd") || !strings.Contains(stdout, "--config-test") {
		t.Errorf("-h: rc %d out %q", rc, stdout)
	}
}

// A flag keepalived does not have is a usage error: exit 2, the flag named
// on stderr, nothing run.
func TestCLIUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--bogus"}, {"-Z"}, {"-t", "extra-argument"}, {"--signum"}} {
		rc, stdout, stderr := cliRun(args...)
		if rc != 2 {
			t.Errorf("%v: exit %d, want 2", args, rc)
		}
		if stdout != "" || stderr == "" {
			t.Errorf("%v: stdout %q stderr %q; want only an error on stderr", args, stdout, stderr)
		}
		if bad := strings.TrimLeft(args[len(args)-1], "-"); !strings.Contains(stderr, bad) {
			t.Errorf("%v: error does not name %q: %q", args, bad, stderr)
		}
	}
}

// exampleConf is the shipped example, read by both routers.
var exampleConf = filepath.Join("..", "..", "examples", "keepalived.conf")

// TestExampleConfig: examples/keepalived.conf loads cleanly for each router
// (and with no config id), and each router gets its own priority.
func TestExampleConfig(t *testing.T) {
	onlyEth0 := func(n string) bool { return n == "eth0" }
	for _, c := range []struct {
		id       string
		priority int
		router   string
	}{{"lb1", 150, "lb1"}, {"lb2", 100, "lb2"}, {"other-host", 100, ""}} {
		cfg, diags := confparse.Load(exampleConf, confparse.Options{ConfigID: c.id, CheckInterfaces: true, InterfaceExists: onlyEth0})
		if diags.ExitCode() != 0 {
			t.Fatalf("-i %s: exit %d\n%s", c.id, diags.ExitCode(), diags)
		}
		if len(cfg.Instances) != 1 || int(cfg.Instances[0].Priority) != c.priority || cfg.Global.RouterID != c.router {
			t.Errorf("-i %s: instances %d, priority %v, router_id %q; want 1, %d, %q", c.id, len(cfg.Instances),
				firstPriority(cfg), cfg.Global.RouterID, c.priority, c.router)
		}
		if len(cfg.VirtualServers) != 1 || len(cfg.VirtualServers[0].Reals) != 3 || len(cfg.Checkers) != 3 {
			t.Errorf("-i %s: want 1 virtual server with 3 real servers and 3 checkers, got %d VS, %d checkers",
				c.id, len(cfg.VirtualServers), len(cfg.Checkers))
		}
	}
}

func firstPriority(cfg *confparse.Config) any {
	if len(cfg.Instances) == 0 {
		return nil
	}
	return cfg.Instances[0].Priority
}

// TestCLIAgainstKeepalived runs the built binary, and keepalived 2.2.7 when
// installed, on every cliConf and on the example in a throwaway namespace
// holding eth0: the same file, the same interfaces, both verdicts.
func TestCLIAgainstKeepalived(t *testing.T) {
	ns := lab.IfaceNS(t, "eth0")
	bin := lab.Binary(t)
	ka, _ := exec.LookPath("keepalived")
	if ka == "" {
		t.Log("keepalived not installed: checking govrrpd only")
	}
	for _, c := range cliConfs {
		t.Run(c.name, func(t *testing.T) {
			p := writeConf(t, c.name, c.text)
			rc, out := lab.RunIn(t, ns, bin, "-t", "-f", p)
			if rc != c.rc {
				t.Errorf("govrrpd -t: exit %d, want %d\n%s", rc, c.rc, out)
			}
			checkOutput(t, p, out, c.lines, c.words)
			if ka != "" {
				if krc, kout := lab.RunIn(t, ns, ka, "-t", "-f", p); krc != c.keepalived {
					t.Errorf("keepalived -t: exit %d, table says %d\n%s", krc, c.keepalived, kout)
				}
			}
		})
	}
	abs, err := filepath.Abs(exampleConf)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"lb1", "lb2"} {
		if rc, out := lab.RunIn(t, ns, bin, "-t", "-i", id, "-f", abs); rc != 0 {
			t.Errorf("govrrpd -t -i %s examples/keepalived.conf: exit %d\n%s", id, rc, out)
		}
		if ka != "" {
			if rc, out := lab.RunIn(t, ns, ka, "-t", "-i", id, "-f", abs); rc != 0 {
				t.Errorf("keepalived -t -i %s examples/keepalived.conf: exit %d\n%s", id, rc, out)
			}
		}
	}
}
