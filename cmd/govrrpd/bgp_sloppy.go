package main

import (
	"fmt"
	"strings"

	"github.com/govrrpd/govrrpd/bgp"
)

// sloppyAdvice is the warning for a director that announces a virtual
// server from several directors at once (an announce without a
// vrrp_instance condition) while IPVS takes connections only from their
// first packet: a flow the router moves to this director mid-stream is
// then reset (docs/scale-out.md; tools/flowbench measured every moved flow
// lost). The sysctl is the operator's, as with keepalived; govrrpd only
// says so. read reads a /proc/sys file; a file it cannot read (no IPVS,
// not Linux) gives no message.
func sloppyAdvice(b *bgp.Config, read func(string) ([]byte, error)) string {
	need := map[string]bool{}
	for _, an := range b.Announces {
		var protos []string
		shared := true
		for _, c := range an.Conditions {
			switch {
			case c.Kind == bgp.InstanceMaster:
				shared = false
			case c.Kind == bgp.VirtualServerQuorum && c.Protocol == "SCTP":
				protos = append(protos, "sctp")
			case c.Kind == bgp.VirtualServerQuorum && c.Protocol != "UDP":
				protos = append(protos, "tcp") // TCP, or a fwmark: TCP the likeliest
			}
		}
		for _, p := range protos {
			need[p] = need[p] || shared
		}
	}
	var off []string
	for _, p := range []string{"tcp", "sctp"} {
		if !need[p] {
			continue
		}
		v, err := read("/proc/sys/net/ipv4/vs/sloppy_" + p)
		if err == nil && strings.TrimSpace(string(v)) == "0" {
			off = append(off, "net.ipv4.vs.sloppy_"+p+"=1")
		}
	}
	if len(off) == 0 {
		return ""
	}
	return fmt.Sprintf("virtual servers announced from several directors, but IPVS here takes a connection only from its first packet: "+
		"a flow the router moves to this director mid-stream is reset; set %s on every director (docs/scale-out.md)", strings.Join(off, " and "))
}
