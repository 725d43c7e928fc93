package confparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestGlobalDefsAndGroups(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		check func(*Config) bool
		diag  string
		code  int
	}{
		{"global defaults", "", func(c *Config) bool {
			v := c.VRRP
			return v.Version == 2 && v.McastGroup4.String() == "224.0.0.18" && v.McastGroup6.String() == "ff02::12" &&
				v.DefaultInterface == "eth0" && v.GARP.MasterDelay == 5*time.Second && v.DownTimerAdverts == 3 &&
				c.Global.SMTPConnectTimeout == 30
		}, "", 0},
		{"garp_interval 0 rejected", "global_defs {\nvrrp_garp_interval 0\n}\n", func(c *Config) bool {
			return c.VRRP.GARPInterval == 0
		}, "outside range", 5},
		{"script_user", "global_defs {\nscript_user u:g\n}\n", func(c *Config) bool {
			return c.Global.ScriptUser == "u" && c.Global.ScriptGroup == "g" && c.VRRP.ScriptUser == "u"
		}, "Error setting global script uid/gid", 5},
		{"script_user that exists", "global_defs {\nscript_user root root\n}\n", func(c *Config) bool {
			return c.Global.ScriptUser == "root" && c.Global.ScriptGroup == "root"
		}, "", 0},
		{"lvs_timeouts", "global_defs {\nlvs_timeouts tcp 10 udp 5\n}\n", func(c *Config) bool {
			return c.IPVS.Timeouts.TCP == 10*time.Second && c.IPVS.Timeouts.UDP == 5*time.Second
		}, "", 0},
		{"instance in global_defs unknown", "global_defs {\ninstance x\n}\n", nil, "unknown keyword 'instance'", 5},
		{"root instance", "instance x\n", func(c *Config) bool { return c.Global.Instance == "x" }, "", 0},
		{"sync group forward reference", "vrrp_sync_group G {\ngroup {\nVI_1\nVI_2\n}\n}\n" + inst("") +
			strings.Replace(strings.Replace(inst(""), "VI_1", "VI_2", 1), "51", "52", 1),
			func(c *Config) bool { return len(c.SyncGroups) == 1 && len(c.SyncGroups[0].Members) == 2 }, "", 0},
		{"sync group missing member", "vrrp_sync_group G {\ngroup {\nVI_1\nVI_9\n}\n}\n" + inst(""),
			func(c *Config) bool { return len(c.SyncGroups[0].Members) == 1 },
			"Virtual router VI_9 specified in sync group G doesn't exist", 5},
		{"sync group of one", "vrrp_sync_group G {\ngroup {\nVI_1\n}\n}\n" + inst(""), nil,
			"Sync group G has only 1 virtual router(s)", 5},
		{"bare member list", "vrrp_sync_group G {\nVI_1\n}\n" + inst(""),
			func(c *Config) bool { return len(c.SyncGroups) == 0 }, "Sync group G has no virtual router(s). removing", 5},
		{"static rule preference counts down", "static_rules {\nfrom 192.0.2.1 table 1\nfrom 192.0.2.2 table 1\n}\n",
			func(c *Config) bool {
				return c.StaticRules[0].Preference == 16384 && c.StaticRules[1].Preference == 16383
			}, "setting to 16383", 5},
		{"track_group defined later", "static_ipaddress {\n192.0.2.9 dev eth0 track_group T\n}\n", func(c *Config) bool {
			return c.StaticAddresses[0].Options().TrackGroup == ""
		}, "track_group T not found", 5},
		{"bfd_instance without neighbor", "bfd_instance b {\nmin_rx 50\n}\n", func(c *Config) bool { return len(c.BFDs) == 0 },
			"BFD instance b has no neighbor address set, disabling instance", 5},
		{"track_process", "vrrp_track_process p {\nprocess nginx\nquorum 2\nquorum_max 1\n}\n", func(c *Config) bool {
			return c.Processes[0].Quorum == 2 && c.Processes[0].QuorumMax == 2
		}, "quorum_max 1 < quorum 2", 5},
		{"vrrp_script interval 0", "vrrp_script s {\nscript /x\ninterval 0\n}\n", func(c *Config) bool {
			return c.Scripts[0].Interval == time.Second && c.Scripts[0].Timeout == time.Second
		}, "vrrp script interval must be greater than 0", 5},
		{"vrrp_script without script", "vrrp_script s {\ninterval 2\n}\n", func(c *Config) bool {
			return len(c.Scripts) == 0
		}, "No script set for vrrp_script s - removing", 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, d := loadString(t, tc.src)
			if tc.check != nil && !tc.check(c) {
				t.Errorf("settings wrong: %+v", c)
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

// TestScriptSecurity follows keepalived's check_vrrp_script_security
// (each verdict measured with keepalived 2.2.7 -t): every defined script
// that is found counts for the violation, tracked or not, whoever runs it.
func TestScriptSecurity(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} { // reachable by nobody
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exe := filepath.Join(dir, "chk")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := userExists
	userExists = func(string) bool { return false }
	defer func() { userExists = old }()
	use := "vrrp_script s {\nscript " + exe + "\n}\n" + inst("track_script {\ns\n}")
	cases := []struct {
		name, src string
		code      int
	}{
		{"used existing root script", use, 6},
		{"unused script", "vrrp_script s {\nscript " + exe + "\n}\n" + inst(""), 6},
		{"missing script file", strings.ReplaceAll(use, exe, dir+"/absent"), 5},
		{"security enabled without a default user", "global_defs {\nenable_script_security\n}\n" + use, 5},
		{"security enabled, script_user root", "global_defs {\nenable_script_security\nscript_user root\n}\n" + use, 0},
		// keepalived 2.2.7 -t kills itself with SIGTERM here (its
		// check_script_secure bug, fixed by 2.4.3, which gives 6).
		{"script_user set", "global_defs {\nscript_user nobody\n}\n" + use, 6},
		{"notify script", inst("notify_master " + exe), 6},
		{"no instance: nothing is checked", "vrrp_script s {\nscript " + exe + "\n}\n", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, d := loadString(t, tc.src)
			if got := d.ExitCode(); got != tc.code {
				t.Errorf("exit %d, want %d:\n%s", got, tc.code, d)
			}
		})
	}
}

// FuzzLoadVRRP checks that no input crashes the VRRP semantic pass and
// that whatever loads prints to something that loads to the same Config.
func FuzzLoadVRRP(f *testing.F) {
	f.Add(inst("state MASTER\nadvert_int 1.5\nnopreempt"))
	f.Add("global_defs {\nvrrp_strict\nvrrp_garp_master_delay 2\n}\n" + inst("track_interface {\neth1 weight 5\n}"))
	f.Add("vrrp_sync_group G {\ngroup {\nVI_1\n}\n}\n" + inst("virtual_routes {\nsrc 192.0.2.1 to 198.51.100.0/24 via 192.0.2.2 dev eth0\n}"))
	f.Add("static_rules {\nfrom all table 5\n}\nvrrp_script s {\nscript \"/bin/x y\"\n}\n")
	if b, err := os.ReadFile("testdata/sem/all-vrrp.conf"); err == nil {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, src string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "k.conf")
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		c1, _ := Load(p, Options{})
		var b strings.Builder
		if err := Print(&b, c1); err != nil {
			t.Fatal(err)
		}
		if len(c1.VirtualServers) > 0 || len(c1.ServerGroups) > 0 {
			return
		}
		p2 := filepath.Join(dir, "p.conf")
		if err := os.WriteFile(p2, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		c2, _ := Load(p2, Options{})
		if len(c1.Instances) != len(c2.Instances) || len(c1.Scripts) != len(c2.Scripts) {
			t.Fatalf("reprint lost blocks:\n%s", b.String())
		}
	})
}
