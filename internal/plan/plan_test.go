package plan_test

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/plan"
	"github.com/govrrpd/govrrpd/vrrp"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

const instance2 = `
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    priority 100
    virtual_ipaddress {
        192.0.2.200/24
    }
}
`

const vs2 = `
virtual_server 192.0.2.100 443 {
    lb_algo wrr
    lb_kind DR
    protocol TCP
    real_server 192.0.2.21 443 {
        weight 2
    }
}
`

// edits turn base.conf into the file of each case. An "add" case read in
// reverse is the matching "remove" case.
var edits = []struct{ name, from, to string }{
	{"instance", "virtual_server 192.0.2.100 80 {", instance2 + "\nvirtual_server 192.0.2.100 80 {"},
	{"vip", "192.0.2.100/24 dev eth0\n", "192.0.2.100/24 dev eth0\n        192.0.2.101/24 dev eth0\n"},
	{"route", "198.51.100.0/24 via 192.0.2.254 dev eth0\n", "198.51.100.0/24 via 192.0.2.254 dev eth0\n        203.0.113.0/24 via 192.0.2.254 dev eth0\n"},
	{"rule", "from 192.0.2.100 table 100 preference 100\n", "from 192.0.2.100 table 100 preference 100\n        from 192.0.2.101 table 101 preference 101\n"},
	{"virtual_server", "\nvirtual_server 192.0.2.100 80 {", vs2 + "\nvirtual_server 192.0.2.100 80 {"},
	{"real_server", "    real_server 192.0.2.22 80 {", "    real_server 192.0.2.23 80 {\n        weight 1\n    }\n    real_server 192.0.2.22 80 {"},
	{"checker", "        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n}", "        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n        HTTP_GET {\n            url {\n                path /health\n                status_code 200\n            }\n        }\n    }\n}"},
}

// changes change one thing of each kind in place.
var changes = []struct{ name, from, to string }{
	{"instance", "priority 100\n    advert_int 1", "priority 150\n    advert_int 1"},
	{"instance_restart", "advert_int 1\n", "advert_int 2\n"},
	{"instance_auth", "auth_pass s3cr3tpw", "auth_pass n3wpassw"},
	// A keyword kept behind vrrp.Instance.Opts is named as any other.
	{"instance_preempt_delay", "advert_int 1\n", "advert_int 1\n    preempt_delay 5\n"},
	{"vip", "192.0.2.100/24 dev eth0", "192.0.2.100/24 dev eth1"},
	{"route", "198.51.100.0/24 via 192.0.2.254 dev eth0", "198.51.100.0/24 via 192.0.2.253 dev eth0"},
	{"rule", "from 192.0.2.100 table 100 preference 100", "from 192.0.2.100 table 200 preference 100"},
	{"virtual_server", "lb_algo rr", "lb_algo wlc"},
	{"real_server", "real_server 192.0.2.22 80 {\n        weight 1", "real_server 192.0.2.22 80 {\n        weight 5"},
	{"checker", "    real_server 192.0.2.22 80 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 3", "    real_server 192.0.2.22 80 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 7"},
}

func writeConf(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func edit(t *testing.T, base, from, to string) string {
	t.Helper()
	if strings.Count(base, from) != 1 {
		t.Fatalf("edit %q matches %d times", from, strings.Count(base, from))
	}
	return strings.Replace(base, from, to, 1)
}

func render(t *testing.T, oldPath, newPath string) (string, int) {
	t.Helper()
	p, err := plan.Files(oldPath, newPath, confparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p.ConfigHash = "HASH" // the canonical dump's hash moves with the printer, not with the plan
	var b bytes.Buffer
	plan.Render(&b, p)
	// Checkers are named by file:line; the temporary directory is not part
	// of the golden.
	return strings.ReplaceAll(b.String(), filepath.Dir(newPath)+"/", ""), plan.ExitCode(p)
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		os.WriteFile(path, []byte(got), 0o644)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s:\n%s\nwant:\n%s", name, got, want)
	}
}

// TestPlanGolden covers adding, removing and changing each kind of
// object, and a no-op.
func TestPlanGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/base.conf")
	if err != nil {
		t.Fatal(err)
	}
	base := string(raw)
	dir := t.TempDir()
	basePath := writeConf(t, dir, "base.conf", base)
	t.Run("noop", func(t *testing.T) {
		// Comments and layout are not changes.
		other := writeConf(t, dir, "noop.conf", "# reformatted\n"+strings.ReplaceAll(base, "    ", "  "))
		got, code := render(t, basePath, other)
		if code != 0 {
			t.Errorf("exit %d, want 0", code)
		}
		checkGolden(t, "noop", got)
	})
	for _, e := range edits {
		added := writeConf(t, dir, e.name+".conf", edit(t, base, e.from, e.to))
		t.Run("add_"+e.name, func(t *testing.T) {
			got, code := render(t, basePath, added)
			if code != 2 || !strings.Contains(got, "+ "+strings.ReplaceAll(e.name, "_", " ")) {
				t.Errorf("exit %d, want 2 with an added %s:\n%s", code, e.name, got)
			}
			checkGolden(t, "add_"+e.name, got)
		})
		t.Run("remove_"+e.name, func(t *testing.T) {
			got, code := render(t, added, basePath)
			if code != 2 || !strings.Contains(got, "- "+strings.ReplaceAll(e.name, "_", " ")) {
				t.Errorf("exit %d, want 2 with a removed %s:\n%s", code, e.name, got)
			}
			checkGolden(t, "remove_"+e.name, got)
		})
	}
	for _, c := range changes {
		t.Run("change_"+c.name, func(t *testing.T) {
			got, code := render(t, basePath, writeConf(t, dir, "c_"+c.name+".conf", edit(t, base, c.from, c.to)))
			if code != 2 || !strings.Contains(got, "~ ") {
				t.Errorf("exit %d, want 2 with a change:\n%s", code, got)
			}
			if strings.Contains(got, "s3cr3tpw") || strings.Contains(got, "n3wpassw") {
				t.Errorf("the plan shows an auth_pass:\n%s", got)
			}
			checkGolden(t, "change_"+c.name, got)
		})
	}
}

func TestPlanInvalid(t *testing.T) {
	dir := t.TempDir()
	good := writeConf(t, dir, "good.conf", "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n 192.0.2.1\n }\n}\n")
	bad := writeConf(t, dir, "bad.conf", "vrrp_instance A {\n interface eth0\n virtual_router_id 300\n}\n")
	p, err := plan.Files(good, bad, confparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if plan.ExitCode(p) != 1 || !strings.Contains(strings.Join(p.Errors, "\n"), bad+":3: virtual_router_id") {
		t.Errorf("invalid new file: exit %d, errors %q", plan.ExitCode(p), p.Errors)
	}
	if _, err := plan.Files(filepath.Join(dir, "missing.conf"), good, confparse.Options{}); err == nil || !strings.Contains(err.Error(), "--from") {
		t.Errorf("invalid old file: %v", err)
	}
}

// TestKeepsState pins the reload's matching rule.
func TestKeepsState(t *testing.T) {
	excluded := []vrrp.Address{{Prefix: netip.MustParsePrefix("192.0.2.9/32")}}
	a := vrrp.Instance{Name: "A", VRID: 1, Interface: "eth0", Priority: 100, AdvertInt: 1e9,
		Opts: &vrrp.InstanceOptions{ExcludedVIPs: excluded}}
	for _, c := range []struct {
		name string
		mod  func(*vrrp.Instance)
		keep bool
	}{
		{"renamed", func(i *vrrp.Instance) { i.Name = "B" }, true},
		{"priority", func(i *vrrp.Instance) { i.Priority = 200 }, true},
		{"vips", func(i *vrrp.Instance) { i.VIPs = []vrrp.Address{{}} }, true},
		{"advert_int", func(i *vrrp.Instance) { i.AdvertInt = 2e9 }, false},
		{"preempt", func(i *vrrp.Instance) { i.Nopreempt = true }, false},
		{"excluded vips", func(i *vrrp.Instance) { i.OptsRef().ExcludedVIPs = nil }, true},
		{"preempt_delay", func(i *vrrp.Instance) { i.OptsRef().PreemptDelay = 5e9 }, false},
		{"unicast peer", func(i *vrrp.Instance) { i.OptsRef().UnicastPeers = []vrrp.Peer{{}} }, false},
	} {
		b := a
		o := *a.Opts
		b.Opts = &o
		c.mod(&b)
		if got := plan.KeepsState(&a, &b); got != c.keep {
			t.Errorf("%s: keeps state %v, want %v", c.name, got, c.keep)
		}
		if len(a.Opts.ExcludedVIPs) != 1 || b.Opts == a.Opts {
			t.Fatalf("%s: comparing changed the instance compared", c.name)
		}
		if plan.KeyOf(&a) != plan.KeyOf(&b) {
			t.Errorf("%s changed the key", c.name)
		}
	}
}
