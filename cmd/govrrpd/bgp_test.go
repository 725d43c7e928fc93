package main

import (
	"strings"
	"testing"
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
