package confparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadText(t *testing.T, text string) (*Config, Diagnostics) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(p, Options{})
}

// govrrpd turns vrrp_higher_prio_send_advert on by default (see
// globalDefaults); strict mode and an explicit "off" turn it off, and the
// printer keeps an explicit "off" so keepalived reads the same behaviour.
func TestHigherPrioSendAdvertDefault(t *testing.T) {
	inst := "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n 192.0.2.200\n }\n}\n"
	cases := []struct {
		name, global string
		want         bool
	}{
		{"default on", "", true},
		{"explicit off", "vrrp_higher_prio_send_advert off\n", false},
		{"strict mode", "vrrp_strict\n", false},
	}
	for _, c := range cases {
		cfg, _ := loadText(t, "global_defs {\n"+c.global+"}\n"+inst)
		if got := cfg.Instances[0].HigherPrioSendAdvert; got != c.want {
			t.Errorf("%s: HigherPrioSendAdvert = %v, want %v", c.name, got, c.want)
		}
		var b strings.Builder
		if err := Print(&b, cfg); err != nil {
			t.Fatal(err)
		}
		again, _ := loadText(t, b.String())
		if got := again.Instances[0].HigherPrioSendAdvert; got != c.want {
			t.Errorf("%s: after print and reload = %v, want %v\n%s", c.name, got, c.want, b.String())
		}
	}
}
