package lvscf

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/vrrp"
)

// TestRoundTrip loads each rendered output with govrrpd's keepalived.conf
// parser and compares what it reads with the converter's typed config on
// every field the converter sets: the text says what the typed config says.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	inputs := []string{"examples/failover-services.cf", "examples/nat-http.cf", "examples/tunnel-standalone.cf",
		"examples/fwmark.cf", "examples/send-program.cf", "examples/send-expect-regex.cf",
		"extra/kitchen-lvs.cf", "extra/kitchen-fos.cf"}
	for _, in := range inputs {
		res, ds := Import(readTestdata(t, in), Options{}, ConvertOptions{Node: "primary"})
		if res == nil {
			t.Fatalf("%s: %v", in, ds)
		}
		path := filepath.Join(dir, filepath.Base(in)+".conf")
		if err := os.WriteFile(path, []byte(res.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		got, _ := confparse.Load(path, confparse.Options{ElsewhereScripts: true})
		compareTyped(t, in, res.Config, got)
	}
}

func compareTyped(t *testing.T, in string, want, got *confparse.Config) {
	t.Helper()
	if len(got.Instances) != 1 || len(got.VirtualServers) != len(want.VirtualServers) ||
		len(got.Scripts) != len(want.Scripts) || len(got.Checkers) != len(want.Checkers) {
		t.Fatalf("%s: read back %d instances, %d virtual servers, %d scripts, %d checkers; want 1, %d, %d, %d", in,
			len(got.Instances), len(got.VirtualServers), len(got.Scripts), len(got.Checkers),
			len(want.VirtualServers), len(want.Scripts), len(want.Checkers))
	}
	wi, gi := want.Instances[0], got.Instances[0]
	if wi.Name != gi.Name || wi.State != gi.State || wi.Interface != gi.Interface || wi.VRID != gi.VRID ||
		wi.Priority != gi.Priority || wi.AdvertInt != gi.AdvertInt || wi.Nopreempt != gi.Nopreempt ||
		wi.Options().UnicastSrc != gi.Options().UnicastSrc || len(wi.Options().UnicastPeers) != len(gi.Options().UnicastPeers) {
		t.Errorf("%s: instance header differs:\nwant %+v\ngot  %+v", in, wi, gi)
	}
	if !slices.EqualFunc(wi.VIPs, gi.VIPs, func(a, b vipT) bool {
		return a.Prefix == b.Prefix && a.Options().Dev == b.Options().Dev && a.Options().Label == b.Options().Label
	}) {
		t.Errorf("%s: VIPs %v, read back %v", in, wi.VIPs, gi.VIPs)
	}
	if wi.Notifies().Master.Raw != gi.Notifies().Master.Raw || wi.Notifies().Stop.Raw != gi.Notifies().Stop.Raw {
		t.Errorf("%s: notify %q/%q, read back %q/%q", in, wi.Notifies().Master.Raw, wi.Notifies().Stop.Raw, gi.Notifies().Master.Raw, gi.Notifies().Stop.Raw)
	}
	for i, s := range want.Scripts {
		g := got.Scripts[i]
		if s.Name != g.Name || s.Script.Raw != g.Script.Raw || s.Interval != g.Interval || s.Fall != g.Fall || s.Rise != g.Rise {
			t.Errorf("%s: vrrp_script %s:\n%q\nread back\n%q", in, s.Name, s.Script.Raw, g.Script.Raw)
		}
	}
	for i, v := range want.VirtualServers {
		g := got.VirtualServers[i]
		if v.Key() != g.Key() || v.Scheduler != g.Scheduler || v.Forwarding.Method != g.Forwarding.Method ||
			v.DelayLoop != g.DelayLoop || v.Persistence != g.Persistence || v.Alpha != g.Alpha ||
			v.InhibitOnFailure != g.InhibitOnFailure || len(v.Reals) != len(g.Reals) || (v.Options().Sorry == nil) != (g.Options().Sorry == nil) {
			t.Errorf("%s: virtual server %s differs:\nwant %+v\ngot  %+v", in, v.Key(), v, g)
			continue
		}
		for j, r := range v.Reals {
			if r.Addr != g.Reals[j].Addr || r.Weight != g.Reals[j].Weight {
				t.Errorf("%s: %s real %v/%d read back %v/%d", in, v.Key(), r.Addr, r.Weight, g.Reals[j].Addr, g.Reals[j].Weight)
			}
		}
	}
	for i, c := range want.Checkers {
		g := got.Checkers[i]
		if c.Kind != g.Kind || c.ConnectPort != g.ConnectPort || c.Target != g.Target ||
			(c.Kind != check.Misc && (c.ConnectTimeout != g.ConnectTimeout || c.Retry != g.Retry)) {
			t.Errorf("%s: checker %d: want %s %+v port %d, read back %s %+v port %d", in, i, c.Kind, c.Target, c.ConnectPort, g.Kind, g.Target, g.ConnectPort)
			continue
		}
		if c.Misc() != nil && (c.Misc().Path.Raw != g.Misc().Path.Raw || c.Misc().Timeout != g.Misc().Timeout) {
			t.Errorf("%s: checker %d misc_path\n%q %v\nread back\n%q %v", in, i, c.Misc().Path.Raw, c.Misc().Timeout, g.Misc().Path.Raw, g.Misc().Timeout)
		}
		if c.HTTP() != nil && (c.HTTP().Protocol != g.HTTP().Protocol || !slices.EqualFunc(c.HTTP().URLs, g.HTTP().URLs, func(a, b urlT) bool {
			return a.Path == b.Path && a.Virtualhost == b.Virtualhost && slices.Equal(a.StatusCodes, b.StatusCodes)
		})) {
			t.Errorf("%s: checker %d HTTP %+v, read back %+v", in, i, c.HTTP(), g.HTTP())
		}
	}
}

type (
	vipT = vrrp.Address
	urlT = check.URL
)
