package confparse

import (
	"strings"
	"testing"
)

// An announced virtual server hears what breaks connections across
// directors: NAT, a scheduler that is not a hash, mh without
// inhibit_on_failure or with alpha. As Info: the file is still usable.
func TestScaleOutAdvice(t *testing.T) {
	vs := func(body string) string {
		return "virtual_server 192.0.2.200 80 {\n protocol TCP\n" + body + " real_server 198.51.100.21 80 {\n }\n real_server 198.51.100.22 80 {\n }\n}\n"
	}
	cases := []struct {
		name, vs, extra string
		want            []string // substrings, one message each
	}{
		{"mh DR inhibited", vs(" lb_algo mh\n mh-port\n mh-fallback\n lb_kind DR\n inhibit_on_failure\n"), "", nil},
		{"sh DR inhibited", vs(" lb_algo sh\n lb_kind DR\n"), "", nil},
		{"mh DR not inhibited", vs(" lb_algo mh\n lb_kind DR\n"), "", []string{"without inhibit_on_failure"}},
		{"mh with alpha", vs(" lb_algo mh\n lb_kind DR\n inhibit_on_failure\n alpha\n"), "", []string{"with alpha"}},
		{"rr NAT", vs(" lb_algo rr\n lb_kind NAT\n"), "", []string{"lb_kind NAT", "lb_algo rr"}},
		{"wlc TUN", vs(" lb_algo wlc\n lb_kind TUN\n"), "", []string{"lb_algo wlc"}},
		{"one director at a time", vs(" lb_algo rr\n lb_kind NAT\n"), "    vrrp_instance VI_1\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kc, kd := loadText(t, "vrrp_instance VI_1 {\n interface lo\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n  192.0.2.9\n }\n}\n"+c.vs)
			if kd.HasErrors() {
				t.Fatal(kd)
			}
			b, diags, p := loadBGPText(t, bgpHead+"announce 192.0.2.200/32 {\n    virtual_server 192.0.2.200 80\n"+c.extra+"}\n")
			if len(diags) != 0 {
				t.Fatal(diags)
			}
			got := CheckBGPRefs(b, kc)
			if !BGPUsable(got) {
				t.Errorf("the file is refused: %v", got)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d messages, want %d: %v", len(got), len(c.want), got)
			}
			for i, d := range got {
				if !strings.Contains(d.Msg, c.want[i]) || !strings.HasPrefix(d.Msg, "announce 192.0.2.200/32: virtual_server TCP 192.0.2.200:80: ") ||
					d.Pos.File != p || d.Pos.Line != 9 || d.Severity != Info {
					t.Errorf("message %d: %v; want Info at line 9 with %q", i, d, c.want[i])
				}
			}
		})
	}
}
