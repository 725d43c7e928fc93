package confparse

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bfd"
	"github.com/govrrpd/govrrpd/check"
)

func bfdBlock(name, body string) string {
	return "bfd_instance " + name + " {\n" + body + "}\n"
}

// TestBFDInstance covers bfd_instance's defaults, ranges and messages
// (keepalived's bfd_parser.c); line is where the diagnostic must point.
func TestBFDInstance(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name  string
		src   string
		check func([]BFDInstance) bool
		diag  string
		line  int
	}{
		{"defaults", bfdBlock("b", "neighbor_ip 192.0.2.2\n"), func(b []BFDInstance) bool {
			s := b[0]
			return s.MinRx == 10*ms && s.MinTx == 10*ms && s.IdleTx == time.Second && s.Multiplier == 5 &&
				s.TTL == 255 && s.MaxHops == 0 && !s.Passive && s.Weight == 0 && s.ToVRRP && s.ToChecker
		}, "", 0},
		{"v6 hoplimit default 64", bfdBlock("b", "neighbour_ip 2001:db8::2\n"), func(b []BFDInstance) bool {
			return b[0].TTL == 64 && b[0].Neighbor == netip.MustParseAddr("2001:db8::2")
		}, "", 0},
		{"every keyword", bfdBlock("b", "neighbor_ip 192.0.2.2\nsource_ip 192.0.2.1\nmin_rx 50\nmin_tx 12.5\n"+
			"idle_tx 2000\nmultiplier 3\npassive\nhoplimit 200\nmax_hops 3\nweight -20 reverse\nvrrp\n"),
			func(b []BFDInstance) bool {
				s := b[0]
				return s.Settings.Source.String() == "192.0.2.1" && s.MinRx == 50*ms && s.MinTx == 12500*time.Microsecond &&
					s.IdleTx == 2*time.Second && s.Multiplier == 3 && s.Passive && s.TTL == 200 && s.MaxHops == 3 &&
					s.Weight == -20 && s.Reverse && s.ToVRRP && !s.ToChecker
			}, "", 0},
		{"max_hops -1 disables", bfdBlock("b", "neighbor_ip 192.0.2.2\nmax_hops -1\n"),
			func(b []BFDInstance) bool { return b[0].MaxHops == bfd.NoHopCheck && b[0].AcceptTTL(1) }, "", 0},
		{"max_hops above ttl", bfdBlock("b", "neighbor_ip 192.0.2.2\nttl 10\nmax_hops 20\n"),
			func(b []BFDInstance) bool { return b[0].MaxHops == 10 }, "max_hops exceeds ttl/hoplimit", 5},
		{"min_rx 0", bfdBlock("b", "neighbor_ip 192.0.2.2\nmin_rx 0\n"),
			func(b []BFDInstance) bool { return b[0].MinRx == 10*ms }, "min_rx value 0 is not valid", 3},
		{"min_tx 4 decimals", bfdBlock("b", "neighbor_ip 192.0.2.2\nmin_tx 1.0001\n"),
			func(b []BFDInstance) bool { return b[0].MinTx == 10*ms }, "min_tx value 1.0001 is not valid", 3},
		{"idle_tx below 1000", bfdBlock("b", "neighbor_ip 192.0.2.2\nidle_tx 999\n"),
			func(b []BFDInstance) bool { return b[0].IdleTx == time.Second }, "idle_tx value 999 is not valid (must be in range [1000-", 3},
		{"min_rx large", bfdBlock("b", "neighbor_ip 192.0.2.2\nmin_rx 20000\n"),
			func(b []BFDInstance) bool { return b[0].MinRx == 20*time.Second }, "larger than max sensible", 3},
		{"multiplier 0", bfdBlock("b", "neighbor_ip 192.0.2.2\nmultiplier 0\n"),
			func(b []BFDInstance) bool { return b[0].Multiplier == 5 }, "outside range [1, 255]", 3},
		{"ttl 256", bfdBlock("b", "neighbor_ip 192.0.2.2\nttl 256\n"),
			func(b []BFDInstance) bool { return b[0].TTL == 255 }, "outside range [1, 255]", 3},
		{"weight 254", bfdBlock("b", "neighbor_ip 192.0.2.2\nweight 254\n"),
			func(b []BFDInstance) bool { return b[0].Weight == 0 }, "outside range [-253, 253]", 3},
		{"weight option", bfdBlock("b", "neighbor_ip 192.0.2.2\nweight 5 sideways\n"),
			func(b []BFDInstance) bool { return b[0].Weight == 5 && !b[0].Reverse }, "unknown weight option sideways", 3},
		{"no neighbor", bfdBlock("b", "min_rx 50\n"), func(b []BFDInstance) bool { return len(b) == 0 },
			"BFD instance b has no neighbor address set, disabling instance", 1},
		{"bad neighbor", bfdBlock("b", "neighbour_ip 192.0.2.300\n"), func(b []BFDInstance) bool { return len(b) == 0 },
			"malformed neighbour address 192.0.2.300, ignoring instance", 2},
		{"families", bfdBlock("b", "neighbor_ip 192.0.2.2\nsource_ip 2001:db8::1\n"),
			func(b []BFDInstance) bool { return len(b) == 0 }, "are not of the same family, disabling instance", 4},
		{"duplicate name", bfdBlock("b", "neighbor_ip 192.0.2.2\n") + bfdBlock("b", "neighbor_ip 192.0.2.3\n"),
			func(b []BFDInstance) bool { return len(b) == 1 }, "BFD instance b already configured - ignoring", 4},
		{"duplicate neighbor", bfdBlock("b", "neighbor_ip 192.0.2.2\n") + bfdBlock("c", "neighbor_ip 192.0.2.2\n"),
			func(b []BFDInstance) bool { return len(b) == 1 }, "duplicate neighbor address 192.0.2.2", 4},
		{"name too long", bfdBlock(strings.Repeat("n", 32), "neighbor_ip 192.0.2.2\n"),
			func(b []BFDInstance) bool { return len(b) == 0 }, "name too long (maximum length is 31 characters)", 1},
		{"multihop warned", bfdBlock("b", "neighbor_ip 192.0.2.2\nmultihop\n"),
			func(b []BFDInstance) bool { return len(b) == 1 }, "'multihop' is not supported by govrrpd yet", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, d := loadString(t, tc.src)
			if !tc.check(c.BFDs) {
				t.Errorf("settings wrong: %+v", c.BFDs)
			}
			if tc.diag == "" {
				if len(d) != 0 {
					t.Errorf("unexpected diagnostics:\n%s", d)
				}
				return
			}
			if !strings.Contains(d.String(), fmt.Sprintf(":%d: ", tc.line)) || !strings.Contains(d.String(), tc.diag) {
				t.Errorf("want %q at line %d, got:\n%s", tc.diag, tc.line, d)
			}
		})
	}
}

// TestTrackBFD covers track_bfd in vrrp_instance and vrrp_sync_group:
// weights default to the bfd_instance's, entries override them, and a
// session defined later, or only for the checker, is not found.
func TestTrackBFD(t *testing.T) {
	def := bfdBlock("gw", "neighbor_ip 192.0.2.2\nweight -30\n") + bfdBlock("lb", "neighbor_ip 192.0.2.3\nchecker\n")
	cases := []struct {
		name, src string
		check     func(*Config) bool
		diag      string
	}{
		{"instance default weight", def + inst("track_bfd {\ngw\n}"), func(c *Config) bool {
			r := c.Instances[0].Options().TrackBFDs
			return len(r) == 1 && r[0].Name == "gw" && r[0].Weight == -30 && !r[0].Reverse
		}, ""},
		{"instance override", def + inst("track_bfd {\ngw weight 10 reverse\n}"), func(c *Config) bool {
			r := c.Instances[0].Options().TrackBFDs
			return len(r) == 1 && r[0].Weight == 10 && r[0].Reverse
		}, ""},
		{"defined after", inst("track_bfd {\ngw\n}") + def, func(c *Config) bool { return len(c.Instances[0].Options().TrackBFDs) == 0 },
			"(VI_1) track bfd gw not found, ignoring..."},
		{"checker only", def + inst("track_bfd {\nlb\n}"), func(c *Config) bool { return len(c.Instances[0].Options().TrackBFDs) == 0 },
			"(VI_1) track bfd lb not found"},
		{"duplicate", def + inst("track_bfd {\ngw\ngw weight 3\n}"), func(c *Config) bool { return len(c.Instances[0].Options().TrackBFDs) == 1 },
			"(VI_1) duplicate track_bfd gw - ignoring"},
		{"weight range keeps the entry with the bfd_instance's weight", def + inst("track_bfd {\ngw weight 300\n}"), func(c *Config) bool {
			r := c.Instances[0].Options().TrackBFDs
			return len(r) == 1 && r[0].Weight == c.BFDs[0].Weight
		}, "(VI_1) weight for track bfd gw must be in [-253..253] inclusive. Ignoring..."},
		{"unknown option drops the entry", def + inst("track_bfd {\ngw heavy 5\n}"), func(c *Config) bool { return len(c.Instances[0].Options().TrackBFDs) == 0 },
			"(VI_1) unknown track bfd gw option heavy - ignoring"},
		{"unknown weight option drops the entry", def + inst("track_bfd {\ngw weight 4 sideways\n}"), func(c *Config) bool { return len(c.Instances[0].Options().TrackBFDs) == 0 },
			"(VI_1) unknown track bfd gw weight option sideways - ignoring"},
		{"sync group", def + inst("") + strings.Replace(strings.Replace(inst(""), "VI_1", "VI_2", 1), "51", "52", 1) +
			"vrrp_sync_group G {\ngroup {\nVI_1\nVI_2\n}\ntrack_bfd {\ngw weight 0\n}\n}\n", func(c *Config) bool {
			r := c.SyncGroups[0].TrackBFDs
			return len(r) == 1 && r[0].Weight == 0 && r[0].WeightSet
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, d := loadString(t, tc.src)
			if !tc.check(c) {
				t.Errorf("settings wrong:\n%+v\n%+v", c.Instances, c.SyncGroups)
			}
			if tc.diag != "" && !strings.Contains(d.String(), tc.diag) {
				t.Errorf("missing %q in:\n%s", tc.diag, d)
			}
			if tc.diag == "" && d.ExitCode() != 0 {
				t.Errorf("unexpected diagnostics:\n%s", d)
			}
		})
	}
}

func TestBFDCheck(t *testing.T) {
	def := bfdBlock("srv", "neighbor_ip 192.0.2.10\n") + bfdBlock("vr", "neighbor_ip 192.0.2.11\nvrrp\n")
	cases := []struct {
		name, ck string
		n        int
		alpha    bool
		diag     string
	}{
		{"name", "BFD_CHECK {\nname srv\n}\n", 1, false, ""},
		{"alpha", "BFD_CHECK {\nname srv\nalpha\n}\n", 1, true, ""},
		{"no name", "BFD_CHECK {\n}\n", 0, false, "No name has been specified for BFD_CHECKER - skipping"},
		{"two names", "BFD_CHECK {\nname srv vr\n}\n", 0, false, "BFD_CHECK - No or too many names specified"},
		{"vrrp only", "BFD_CHECK {\nname vr\n}\n", 0, false, "BFD_CHECK - BFD vr not configured"},
		{"twice", "BFD_CHECK {\nname srv\n}\nBFD_CHECK {\nname srv\n}\n", 1, false, "BFD_CHECK - RS already monitoring srv"},
		{"no connection keywords", "BFD_CHECK {\nname srv\nconnect_port 80\n}\n", 1, false, "unknown keyword 'connect_port'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := def + vsSrc("192.0.2.1 80", lvsHead+"real_server 192.0.2.10 80 {\n"+tc.ck+"}\n")
			c, d := loadString(t, src)
			var got []*check.Checker
			for _, ck := range c.Checkers {
				if ck.Kind == check.BFD {
					got = append(got, ck)
				}
			}
			if len(got) != tc.n || (tc.n > 0 && (got[0].BFD().Instance != "srv" || got[0].Alpha != tc.alpha)) {
				t.Errorf("checkers: %+v", got)
			}
			if tc.diag != "" && !lvsHasDiag(d, tc.diag) {
				t.Errorf("missing %q in:\n%s", tc.diag, d)
			}
			if tc.diag == "" && d.ExitCode() != 0 {
				t.Errorf("unexpected diagnostics:\n%s", d)
			}
		})
	}
}

// TestBFDPrintRoundTrip: what -d prints of the BFD blocks reads back the
// same. "gw weight 5" keeps the instance's reverse, as keepalived's
// alloc_track_bfd does.
func TestBFDPrintRoundTrip(t *testing.T) {
	src := bfdBlock("gw", "neighbor_ip 192.0.2.2\nsource_ip 192.0.2.1\nmin_rx 50\nmin_tx 12.5\nmultiplier 3\npassive\nmax_hops 2\nweight -20 reverse\nvrrp\n") +
		bfdBlock("srv", "neighbor_ip 2001:db8::10\nhoplimit 255\n") +
		inst("track_bfd {\ngw weight 5\n}") +
		vsSrc("192.0.2.1 80", lvsHead+"real_server 192.0.2.10 80 {\nBFD_CHECK {\nname srv\nalpha\n}\n}\n")
	c1, d := loadString(t, src)
	if d.ExitCode() != 0 {
		t.Fatalf("%s", d)
	}
	var out bytes.Buffer
	if err := Print(&out, c1); err != nil {
		t.Fatal(err)
	}
	c2, d := loadString(t, out.String())
	if d.ExitCode() != 0 {
		t.Fatalf("%s\n%s", d, out.String())
	}
	for i := range c1.BFDs {
		c1.BFDs[i].Where, c2.BFDs[i].Where = "", ""
	}
	if fmt.Sprint(c1.BFDs) != fmt.Sprint(c2.BFDs) || fmt.Sprint(c1.Instances[0].Options().TrackBFDs) != fmt.Sprint(c2.Instances[0].Options().TrackBFDs) {
		t.Errorf("round trip differs:\n%+v\n%+v\n%s", c1.BFDs, c2.BFDs, out.String())
	}
	if *c1.Checkers[0].BFD() != *c2.Checkers[0].BFD() || !c2.Checkers[0].Alpha {
		t.Errorf("BFD_CHECK differs:\n%s", out.String())
	}
	for _, w := range []string{"min_tx 12.5", "max_hops 2", "weight -20 reverse", "track_bfd"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("printed file lacks %q:\n%s", w, out.String())
		}
	}
}
