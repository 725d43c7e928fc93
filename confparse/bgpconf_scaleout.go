package confparse

import (
	"fmt"
	"slices"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/ipvs"
)

// scaleOutAdvice names what, in a virtual server announced from several
// directors at once, breaks connections when the router moves a flow to
// another director (docs/scale-out.md, measured by tools/flowbench in the
// IPVS VM). An announcement with a vrrp_instance condition has one
// director at a time and gets none. The messages are Info: such a
// configuration is legal and runs (one director announcing alone is
// fine), but the operator hears of it at -t and in the log.
func scaleOutAdvice(b *bgp.Config, cfg *Config) Diagnostics {
	var out Diagnostics
	for _, an := range b.Announces {
		if slices.ContainsFunc(an.Conditions, func(c bgp.Condition) bool { return c.Kind == bgp.InstanceMaster }) {
			continue
		}
		for _, c := range an.Conditions {
			if c.Kind != bgp.VirtualServerQuorum {
				continue
			}
			for _, v := range cfg.VirtualServers {
				if !vsMatches(c, v) {
					continue
				}
				for _, msg := range vsAdvice(v) {
					out = append(out, Diagnostic{Pos: posOf(c.Pos), Severity: Info,
						Msg: fmt.Sprintf("announce %s: virtual_server %s: %s (docs/scale-out.md)", an.Prefix, c.Key(), msg)})
				}
			}
		}
	}
	return out
}

// vsAdvice is what in v keeps a flow from reaching the same real server
// through another director.
func vsAdvice(v ipvs.VirtualServer) []string {
	var msgs []string
	nat := v.Forwarding.Method == ipvs.NAT
	alpha := v.Alpha
	for _, r := range v.Reals {
		nat = nat || r.Forwarding != nil && r.Forwarding.Method == ipvs.NAT
		alpha = alpha || r.Opts != nil && r.Opts.Alpha != nil && *r.Opts.Alpha
	}
	if nat {
		msgs = append(msgs, "lb_kind NAT: the reply must come back through the director that translated the request, which the router's ECMP does not ensure when several directors announce; use DR or TUN")
	}
	switch v.Scheduler {
	case "mh":
		if !allInhibited(v) {
			msgs = append(msgs, "lb_algo mh without inhibit_on_failure: a real server that fails its check and comes back is re-added at the head of this director's kernel list only, and this director's Maglev table then differs from the others'; set inhibit_on_failure and mh-fallback")
		}
		if alpha {
			msgs = append(msgs, "lb_algo mh with alpha: real servers enter the kernel's list in the order their first checks pass, which differs between directors; drop alpha")
		}
	case "sh":
	default:
		msgs = append(msgs, fmt.Sprintf("lb_algo %s: a flow the router moves to another director is scheduled afresh there, to a real server that may not know it; use lb_algo mh with mh-port", v.Scheduler))
	}
	return msgs
}

// allInhibited says whether every real server of v stays in the kernel's
// list, at weight 0, when its check fails.
func allInhibited(v ipvs.VirtualServer) bool {
	for _, r := range v.Reals {
		if r.Inhibit != nil && !*r.Inhibit || r.Inhibit == nil && !v.InhibitOnFailure {
			return false
		}
	}
	return true
}
