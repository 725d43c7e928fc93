package main

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadDemoConfFallback(t *testing.T) {
	dc, err := loadDemoConf(filepath.Join(t.TempDir(), "missing.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dc.Source, "built-in") || dc.VIP != netip.MustParsePrefix("192.0.2.200/24") ||
		dc.Instance != "VI_1" || dc.Advert != time.Second {
		t.Fatalf("got %+v", dc)
	}
}

func TestLoadDemoConfRejects(t *testing.T) {
	cases := map[string]string{
		"wrong interface": strings.Replace(fallbackConf, "interface eth0", "interface bond0", 1),
		"off-segment VIP": strings.Replace(fallbackConf, "192.0.2.200/24", "203.0.113.1/24", 1),
		"unicast": strings.Replace(fallbackConf, "advert_int 1",
			"advert_int 1\n    unicast_src_ip 192.0.2.11\n    unicast_peer {\n        192.0.2.12\n    }", 1),
		"no instance": "global_defs {\n    router_id x\n}\n",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k.conf")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if dc, err := loadDemoConf(path); err == nil {
				t.Fatalf("accepted: %+v", dc)
			}
		})
	}
}

// forRouter sets every instance's priority and touches nothing else.
func TestForRouterRewritesPriorities(t *testing.T) {
	dc := &demoConf{Text: "vrrp_instance A {\n    priority 100\n}\nvrrp_instance B {\n\tpriority 7\n@lb1    priority 150\n    weight 3\n}\n# priority in a comment stays\n"}
	got := dc.forRouter(150)
	want := "vrrp_instance A {\n    priority 150\n}\nvrrp_instance B {\n\tpriority 150\npriority 150\n    weight 3\n}\n# priority in a comment stays\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// The repository's example, once it exists, must suit the demo.
func TestExampleConfSuitsDemo(t *testing.T) {
	path := "../../examples/keepalived.conf"
	if _, err := os.Stat(path); err != nil {
		t.Skip("examples/keepalived.conf not there yet")
	}
	if _, err := loadDemoConf(path); err != nil {
		t.Fatal(err)
	}
}

// A VIP on a lab host's address (the client's .100) moves to a free one,
// everywhere in the text.
func TestLoadDemoConfMovesCollidingVIP(t *testing.T) {
	text := strings.ReplaceAll(fallbackConf, "192.0.2.200", "192.0.2.100")
	path := filepath.Join(t.TempDir(), "k.conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	dc, err := loadDemoConf(path)
	if err != nil {
		t.Fatal(err)
	}
	if dc.Moved != netip.MustParseAddr("192.0.2.100") || dc.VIP != netip.MustParsePrefix("192.0.2.200/24") {
		t.Fatalf("moved %v, VIP %v", dc.Moved, dc.VIP)
	}
	if strings.Contains(dc.Text, "192.0.2.100") {
		t.Fatalf("old VIP left in:\n%s", dc.Text)
	}
}
