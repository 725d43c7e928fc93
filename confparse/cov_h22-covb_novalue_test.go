package confparse

import (
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Keywords written with no value: keepalived 2.2.7 -t stops at the line
// ("missing a parameter after keyword", exit status 2) and the setting keeps
// its default. The smtp_server rows pin how its optional port is read.

func TestNoValueVRRP(t *testing.T) {
	runSemRows(t, []semRow{
		{"state", inst("state"), in0(func(i vrrp.Instance) bool { return i.State == vrrp.WantBackup }),
			[]want{stopAt(instBody, "line starting `state` is missing a parameter after keyword `state` at word position 2")}},
		{"priority", inst("priority"), in0(func(i vrrp.Instance) bool { return i.Priority == 100 }),
			[]want{stopAt(instBody, "line starting `priority` is missing a parameter after keyword `priority` at word position 2")}},
		{"advert_int", inst("advert_int"), in0(func(i vrrp.Instance) bool { return i.AdvertInt == time.Second }),
			[]want{stopAt(instBody, "line starting `advert_int` is missing a parameter after keyword `advert_int` at word position 2")}},
		{"mcast_dst_ip", inst("mcast_dst_ip"), in0(func(i vrrp.Instance) bool { return !i.Options().McastDst.IsValid() }),
			[]want{stopAt(instBody, "line starting `mcast_dst_ip` is missing a parameter after keyword `mcast_dst_ip` at word position 2")}},
		{"auth_type", inst("authentication {\nauth_type\n}"), in0(func(i vrrp.Instance) bool { return i.Auth.Type == vrrp.AuthNone }),
			[]want{stopAt(instBody+1, "line starting `auth_type` is missing a parameter after keyword `auth_type` at word position 2")}},
		{"auth_pass", inst("authentication {\nauth_type PASS\nauth_pass\n}"),
			in0(func(i vrrp.Instance) bool { return i.Auth.Type == vrrp.AuthPass && i.Auth.Pass == "" }),
			[]want{stopAt(instBody+2, "line starting `auth_pass` is missing a parameter after keyword `auth_pass` at word position 2")}},
	})
}

func TestNoValueGlobal(t *testing.T) {
	runSemRows(t, []semRow{
		{"smtp_server", gdefs("smtp_server"), func(c *Config) bool { return c.Global.SMTPServer == "" },
			[]want{stopAt(2, "line starting `smtp_server` is missing a parameter after keyword `smtp_server` at word position 2")}},
		{"smtp_server port kept", gdefs("smtp_server 192.0.2.25 2525"), func(c *Config) bool {
			return c.Global.SMTPServer == "192.0.2.25" && c.Global.SMTPPort == 2525
		}, nil},
		{"smtp_server port zero", gdefs("smtp_server 192.0.2.25 0"), nil, []want{warnAt(2, "smtp_server: number '0' outside range [1, 65535]"), warnAt(2, "Invalid smtp server 192.0.2.25 0")}},
		{"smtp_server later replaces port", gdefs("smtp_server 192.0.2.25 2525", "smtp_server 192.0.2.26"), func(c *Config) bool {
			return c.Global.SMTPServer == "192.0.2.26" && c.Global.SMTPPort == 0
		}, nil},
	})
}

func TestNoValueLVS(t *testing.T) {
	slRun(t, []slRow{
		{"lb_algo", slVS("lb_algo"), func(c *Config) any { return vs0(c).Scheduler }, "rr",
			[]slDiag{slDiag{Stop, 5, "line starting `lb_algo` is missing a parameter after keyword `lb_algo` at word position 2"}}},
		{"protocol", slVS("protocol"), func(c *Config) any { return vs0(c).Protocol }, ipvs.TCP,
			[]slDiag{slDiag{Stop, 5, "line starting `protocol` is missing a parameter after keyword `protocol` at word position 2"}}},
		{"lb_kind", slVS("lb_kind"), func(c *Config) any { return vs0(c).Forwarding.Method }, ipvs.NAT,
			[]slDiag{slDiag{Stop, 5, "line starting `lb_kind` is missing a parameter after keyword `lb_kind` at word position 2"}}},
		{"persistence_granularity", slVS("persistence_granularity"), func(c *Config) any { return vs0(c).Options().PersistenceGranularity }, netip.Addr{},
			[]slDiag{slDiag{Stop, 5, "line starting `persistence_granularity` is missing a parameter after keyword `persistence_granularity` at word position 2"}}},
		{"ip_family", "virtual_server fwmark 7 {\nlb_algo rr\nlb_kind DR\nip_family\nreal_server 192.0.2.10 {\n}\n}\n",
			func(c *Config) any { return vs0(c).Family }, uint8(4),
			[]slDiag{slDiag{Stop, 4, "line starting `ip_family` is missing a parameter after keyword `ip_family` at word position 2"}}},
	})
}

// TestNoValueNamedBlock: a top-level definition without its name stops
// keepalived 2.2.7 -t with exit status 2, written bare or as a block, and
// nothing is defined.
func TestNoValueNamedBlock(t *testing.T) {
	none := func(c *Config) bool {
		return len(c.Scripts)+len(c.Processes)+len(c.Files)+len(c.ServerGroups)+len(c.VirtualServers) == 0
	}
	for _, k := range []string{"vrrp_script", "vrrp_track_process", "vrrp_track_file", "track_file",
		"virtual_server", "virtual_server_group"} {
		stop := stopAt(1, "line starting `"+k+"` is missing a parameter after keyword `"+k+"` at word position 2")
		runSemRows(t, []semRow{
			{k + " bare", k + "\n", none, []want{stop}},
			{k + " block", k + " {\n}\n", none, []want{stop}},
		})
	}
	c, d := loadSem(t, "vrrp_track_process {\n process foo\n}\n")
	if d.ExitCode() != 2 || len(c.Processes) != 0 {
		t.Errorf("unnamed vrrp_track_process with a body: exit %d, %d processes; want 2, 0\n%s", d.ExitCode(), len(c.Processes), d)
	}
}
