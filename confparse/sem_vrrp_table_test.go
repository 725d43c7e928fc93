package confparse

import (
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// inst wraps instance keywords in a minimal valid instance.
func inst(body string) string {
	return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  192.0.2.1/24\n }\n" + body + "\n}\n"
}

func TestInstanceDefaultsAndCorrections(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		check func(*Config) bool
		diag  string // substring of a diagnostic, "" = none expected
		code  int
	}{
		{"defaults", inst(""), func(c *Config) bool {
			i := c.Instances[0]
			return i.Priority == 100 && i.State == vrrp.WantBackup && i.AdvertInt == time.Second &&
				i.Version == 2 && i.Family == vrrp.IPv4 && i.Accept && i.GARP.MasterRepeat == 5 &&
				i.GARP.LowerPrioDelay == 5*time.Second && i.DownTimerAdverts == 3 && i.UnicastTTL == 255
		}, "", 0},
		{"state MASTER gives 255", inst("state MASTER"), func(c *Config) bool {
			return c.Instances[0].Priority == 255
		}, "", 0},
		{"priority 255 gives MASTER", inst("priority 255"), func(c *Config) bool {
			return c.Instances[0].State == vrrp.WantMaster
		}, "", 0},
		{"priority out of range", inst("priority 256"), func(c *Config) bool {
			return c.Instances[0].Priority == 100
		}, "Priority not valid", 5},
		{"v2 advert rounded", inst("advert_int 1.5"), func(c *Config) bool {
			return c.Instances[0].AdvertInt == 2*time.Second
		}, "must be an integer. rounding", 5},
		{"v2 advert below half rounds to 1", inst("advert_int 0.3"), func(c *Config) bool {
			return c.Instances[0].AdvertInt == time.Second
		}, "must be an integer", 5},
		{"v3 centiseconds", inst("version 3\nadvert_int 0.015"), func(c *Config) bool {
			return c.Instances[0].AdvertInt == 20*time.Millisecond
		}, "units of 10ms", 5},
		{"v3 max", inst("version 3\nadvert_int 50"), func(c *Config) bool {
			return c.Instances[0].AdvertInt == 40950*time.Millisecond
		}, "Setting to 40.95s", 5},
		{"IPv6 VIP forces v3", "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n 2001:db8::1\n }\n}\n",
			func(c *Config) bool { i := c.Instances[0]; return i.Version == 3 && i.Family == vrrp.IPv6 }, "", 0},
		{"nopreempt with MASTER", inst("state MASTER\npriority 100\nnopreempt"), func(c *Config) bool {
			return !c.Instances[0].Nopreempt
		}, "nopreempt will not work with initial state MASTER", 5},
		{"nopreempt with 255", inst("priority 255\nnopreempt"), func(c *Config) bool {
			return !c.Instances[0].Nopreempt
		}, "nopreempt is incompatible with priority 255", 5},
		{"preempt_delay range", inst("preempt_delay 2000"), func(c *Config) bool {
			return c.Instances[0].Options().PreemptDelay == 0
		}, "Preempt_delay not valid", 5},
		{"preempt_delay with nopreempt", inst("nopreempt\npreempt_delay 3"), func(c *Config) bool {
			return c.Instances[0].Options().PreemptDelay == 0
		}, "preempt_delay is incompatible with nopreempt", 5},
		{"PASS truncated", inst("authentication {\nauth_type PASS\nauth_pass 123456789\n}"), func(c *Config) bool {
			return c.Instances[0].Auth.Pass == "12345678"
		}, "Truncating auth_pass", 5},
		{"AH clears MASTER", inst("state MASTER\npriority 100\nauthentication {\nauth_type AH\n}"), func(c *Config) bool {
			return c.Instances[0].State == vrrp.WantBackup
		}, "Initial state master is incompatible with AH", 5},
		{"AH unsupported", inst("authentication {\nauth_type AH\n}"), nil, "AH authentication is not supported by govrrpd", 5},
		{"auth with v3 dropped", inst("version 3\nauthentication {\nauth_type PASS\nauth_pass x\n}"), func(c *Config) bool {
			return c.Instances[0].Auth.Type == vrrp.AuthNone
		}, "VRRP version 3 does not support authentication", 5},
		{"auth_hmac short key", inst("auth_hmac {\nkey 1 hex:00\nactive_key 1\n}"), func(c *Config) bool {
			return c.Instances[0].AuthHMAC == nil
		}, "auth_hmac key 1 length 1 not in range [32, 64]", 5},
		{"strict corrections", "global_defs {\nvrrp_strict\n}\n" + inst("state MASTER\npriority 100\naccept\nhigher_prio_send_advert\ndown_timer_adverts 5\nauthentication {\nauth_type PASS\n}"),
			func(c *Config) bool {
				i := c.Instances[0]
				return i.State == vrrp.WantBackup && !i.Accept && !i.HigherPrioSendAdvert && i.DownTimerAdverts == 3 &&
					i.Auth.Type == vrrp.AuthNone && i.LowerPrioNoAdvert && i.Strict
			}, "State MASTER must match being address owner", 5},
		{"no VIP", "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n}\n", nil, "No VIP specified; at least one is sensible", 5},
		{"no VRID drops", "vrrp_instance V {\n interface eth0\n}\n", func(c *Config) bool {
			return len(c.Instances) == 0
		}, "the virtual router id must be set", 5},
		{"duplicate VRID", inst("") + strings.Replace(inst(""), "VI_1", "VI_2", 1), nil, "VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0", 5},
		// keepalived 2.2.7 measured: each missing interface is a config
		// error and the summary "cannot run" does not lower the status: 5.
		{"missing interface", strings.Replace(inst(""), "eth0", "missing0", 1), nil, "interface missing0 for vrrp_instance VI_1 doesn't exist", 5},
		{"missing VIP dev", inst("virtual_ipaddress {\n192.0.2.9 dev missing1\n}"), nil, "interface missing1 for ip address 192.0.2.9 doesn't exist", 5},
		{"label IPv6", inst("virtual_ipaddress_excluded {\n2001:db8::5 label eth0:1\n}"), nil, "Cannot specify label for IPv6", 5},
		{"invalid VIP", inst("virtual_ipaddress {\n192.0.2.300/24\n}"), nil, "VRRP parsed invalid IP 192.0.2.300/24", 5},
		{"mixed family VIP", inst("virtual_ipaddress {\n2001:db8::1\n}"), func(c *Config) bool {
			return len(c.Instances[0].VIPs) == 1
		}, "address family must match VRRP instance", 5},
		{"route without dev", inst("virtual_routes {\n198.51.100.0/24 via 192.0.2.1\n}"), func(c *Config) bool {
			return c.Instances[0].Options().Routes[0].NoTrack && c.Instances[0].Options().Routes[0].Via.String() == "192.0.2.1"
		}, "cannot track route 198.51.100.0/24 with no interface specified", 5},
		{"gw deprecated", inst("virtual_routes {\n198.51.100.0/24 gw 192.0.2.1 dev eth0\n}"), nil, `"gw" for routes is deprecated`, 5},
		{"rule preference", inst("virtual_rules {\nfrom 192.0.2.1 table 5\n}"), func(c *Config) bool {
			return c.Instances[0].Options().Rules[0].Preference == 16384 && c.Instances[0].Options().Rules[0].Table == 5
		}, "Rule has no preference specified - setting to 16384", 5},
		{"peer ttl", inst("unicast_peer {\n192.0.2.7 min_ttl 3 max_ttl 9\n}"), func(c *Config) bool {
			p := c.Instances[0].Options().UnicastPeers[0]
			return p.MinTTL == 3 && p.MaxTTL == 9
		}, "", 0},
		{"track script before definition", inst("track_script {\nlater\n}") + "vrrp_script later {\nscript /nonexistent/x\n}\n",
			func(c *Config) bool { return len(c.Instances[0].TrackScripts) == 0 }, "(VI_1) track script later not found, ignoring...", 5},
		{"owner drops weighted tracker", "vrrp_script s {\nscript /nonexistent/x\nweight 5\n}\n" + inst("priority 255\ntrack_script {\ns\n}"),
			func(c *Config) bool { return len(c.Instances[0].TrackScripts) == 0 }, "with weights due to address_owner", 5},
		{"own interface tracked", inst("track_interface {\neth0\n}"), func(c *Config) bool {
			return len(c.Instances[0].TrackInterfaces) == 0
		}, "Ignoring track_interface eth0 since own interface", 5},
		{"global garp inherited", "global_defs {\nvrrp_garp_master_delay 2\nvrrp_garp_master_repeat 3\n}\n" + inst(""), func(c *Config) bool {
			g := c.Instances[0].GARP
			return g.MasterDelay == 2*time.Second && g.MasterRepeat == 3 && g.LowerPrioDelay == 2*time.Second && g.LowerPrioRepeat == 3
		}, "", 0},
		{"notYet keyword", inst("use_ipvlan"), nil, "'use_ipvlan' is not supported by govrrpd yet", 5},
		{"ignored keyword", "global_defs {\nchecker_priority -5\n}\n" + inst(""), nil, "'checker_priority' has no effect", 0},
		{"lvs_sync_daemon", "global_defs {\nlvs_sync_daemon eth0 VI_1 id 3\n}\n" + inst(""), func(c *Config) bool {
			sd := c.IPVS.SyncDaemon
			return sd != nil && sd.Instance == "VI_1" && sd.ID == 3 && sd.Port == 8848
		}, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, d := loadString(t, tc.src)
			if tc.check != nil && !tc.check(c) {
				t.Errorf("settings wrong: %+v", c.Instances)
			}
			if tc.diag != "" && !strings.Contains(d.String(), tc.diag) {
				t.Errorf("missing diagnostic %q in:\n%s", tc.diag, d)
			}
			if got := d.ExitCode(); got != tc.code {
				t.Errorf("exit code %d, want %d:\n%s", got, tc.code, d)
			}
		})
	}
}
