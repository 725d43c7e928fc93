package main

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/internal/status"
)

const bgpKeepalived = `virtual_server 192.0.2.200 80 {
    protocol TCP
    lvs_sched mh
    lb_kind DR
    real_server 192.0.2.21 80 {
    }
}
`

// TestCLIConfigTestBGP: -t checks --bgp-config too, with FILE:LINE, and
// refuses a condition naming a virtual server keepalived.conf lacks.
func TestCLIConfigTestBGP(t *testing.T) {
	const head = "bgp {\n local_as 65001\n router_id 192.0.2.11\n}\nneighbor 198.51.100.1 {\n remote_as 65000\n}\n"
	for _, tc := range []struct {
		name, text string
		rc         int
		want       string
	}{
		{"good", head + "announce 192.0.2.200/32 {\n virtual_server 192.0.2.200 80\n}\n", 0, ""},
		{"unknown virtual server", head + "announce 192.0.2.200/32 {\n virtual_server 192.0.2.200 81\n}\n", 1, "bgp.conf:9: announce 192.0.2.200/32: virtual_server TCP 192.0.2.200:81 has quorum: no such object"},
		{"bad value", head + "announce 192.0.2.200/32 {\n med x\n}\n", 1, "bgp.conf:9: med: invalid number 'x'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := writeConf(t, "keepalived", bgpKeepalived)
			b := writeConf(t, "bgp", tc.text)
			rc, _, stderr := cliRun("-t", "-f", k, "--bgp-config", b)
			if rc != tc.rc || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want %d with %q:\n%s", rc, tc.rc, tc.want, stderr)
			}
		})
	}
}

func TestConditionSource(t *testing.T) {
	quorums := func() map[string]bool { return map[string]bool{"TCP 192.0.2.200:80": true} }
	snaps := 0
	snapshot := func(context.Context) (status.Daemon, error) {
		snaps++
		return status.Daemon{Instances: []status.Instance{{Name: "VI_1", State: "MASTER"}, {Name: "VI_2", State: "BACKUP"}}}, nil
	}
	vs := bgp.Condition{Kind: bgp.VirtualServerQuorum, Protocol: "TCP", Addr: netip.MustParseAddrPort("192.0.2.200:80")}
	for _, tc := range []struct {
		name      string
		needs     bool
		cond      bgp.Condition
		holds     bool
		snapshots int
	}{
		{"quorum without the event loop", false, vs, true, 0},
		{"master", true, bgp.Condition{Kind: bgp.InstanceMaster, Instance: "VI_1"}, true, 1},
		{"backup", true, bgp.Condition{Kind: bgp.InstanceMaster, Instance: "VI_2"}, false, 1},
	} {
		snaps = 0
		st, err := conditionSource(quorums, snapshot, func() bool { return tc.needs })(context.Background())
		if err != nil || st.Holds(tc.cond) != tc.holds || snaps != tc.snapshots {
			t.Errorf("%s: holds %v (err %v), %d snapshots; want %v, %d", tc.name, st.Holds(tc.cond), err, snaps, tc.holds, tc.snapshots)
		}
	}
	failing := func(context.Context) (status.Daemon, error) { return status.Daemon{}, errors.New("stopping") }
	if _, err := conditionSource(quorums, failing, func() bool { return true })(context.Background()); err == nil {
		t.Error("a failed snapshot must be an error (the speaker keeps its announcements)")
	}
}

// --bgp-config without its helper: govrrpd does not start, and says which
// path it tried and how to name another.
func TestCLIBGPHelperMissing(t *testing.T) {
	k := writeConf(t, "keepalived", bgpKeepalived)
	b := writeConf(t, "bgp", "bgp {\n local_as 65001\n router_id 192.0.2.11\n}\nneighbor 198.51.100.1 {\n remote_as 65000\n}\n"+
		"announce 192.0.2.200/32 {\n virtual_server 192.0.2.200 80\n}\n")
	dir := t.TempDir()
	helper := filepath.Join(dir, "govrrpd-bgp")
	rc, _, stderr := cliRun("-n", "-l", "-f", k, "--bgp-config", b, "--bgp-helper", helper, "--control-socket", "",
		"-p", filepath.Join(dir, "p.pid"), "-r", filepath.Join(dir, "v.pid"), "-c", filepath.Join(dir, "c.pid"),
		"-b", filepath.Join(dir, "b.pid"))
	if rc != 1 || !strings.Contains(stderr, helper) || !strings.Contains(stderr, "--bgp-helper") {
		t.Errorf("rc %d, want 1 and an error naming %s:\n%s", rc, helper, stderr)
	}
	// -t only reads the file: it needs no helper.
	if rc, _, stderr := cliRun("-t", "-f", k, "--bgp-config", b, "--bgp-helper", helper); rc != 0 {
		t.Errorf("-t without a helper: rc %d\n%s", rc, stderr)
	}
}
