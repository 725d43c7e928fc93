package lvscf

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/srcpos"
)

// virtuals converts every `virtual` block in file order; inactive ones
// leave a comment so the output still accounts for each block.
func (c *converter) virtuals() error {
	for _, v := range c.cfg.Virtuals {
		if !v.Active {
			c.info("inactive_virtual_skipped", v.Line, "virtual %s skipped (active = 0)", v.Name)
			c.out.Virtuals = append(c.out.Virtuals, VirtualLayout{
				Comment: fmt.Sprintf("lvs.cf virtual %s skipped: active = 0", v.Name), VS: -1})
			continue
		}
		if err := c.virtual(v); err != nil {
			return fmt.Errorf("virtual %s: %w", v.Name, err)
		}
	}
	return nil
}

// method is the forwarding method of an lvs.cf network value.
func method(network string) ipvs.Method {
	switch network {
	case "nat":
		return ipvs.NAT
	case "direct":
		return ipvs.DR
	case "tunnel":
		return ipvs.TUN
	}
	return 0
}

func (c *converter) virtual(v *Virtual) error {
	if v.Timeout < 1 {
		return fmt.Errorf("timeout %d: must be at least 1 s (nanny divided by it)", v.Timeout)
	}
	if v.Port < 0 || v.Port > 65535 || (v.Port == 0 && v.FWMark == 0) {
		return fmt.Errorf("port %d outside 1..65535", v.Port)
	}
	t := time.Duration(v.Timeout) * time.Second
	vs := ipvs.VirtualServer{
		Source: srcpos.Make("lvs.cf", v.Line), Family: 4, Protocol: ipvs.TCP,
		Scheduler: v.Scheduler, Forwarding: ipvs.Forwarding{Method: method(c.cfg.Network)},
		DelayLoop: t, ConnectTimeout: 5 * time.Second, Retry: -1, Weight: 1,
		Alpha: true, InhibitOnFailure: v.Quiesce,
	}
	if v.Protocol == "udp" {
		vs.Protocol = ipvs.UDP
	}
	if v.FWMark != 0 {
		vs.FWMark = uint32(v.FWMark)
	} else {
		vs.Addr = netip.AddrPortFrom(v.Address.Addr, uint16(v.Port))
	}
	if v.Persistent > 0 {
		vs.Persistence = time.Duration(v.Persistent) * time.Second
		if v.PMask.IsValid() && !v.PMask.IsUnspecified() {
			vs.EditOptions().PersistenceGranularity = v.PMask
		}
	}
	dr := vs.Forwarding.Method != ipvs.NAT
	if v.SorryServer.IsValid() {
		port := uint16(v.Port)
		if dr && v.FWMark != 0 {
			port = 0
		}
		vs.EditOptions().Sorry = &ipvs.RealServer{Addr: netip.AddrPortFrom(v.SorryServer, port), Weight: 1}
	}
	c.virtualNotes(v)
	pr := c.probe(v, "virtual "+v.Name)
	layout := VirtualLayout{Comment: "lvs.cf virtual " + v.Name, VS: len(c.out.Config.VirtualServers)}
	for _, s := range v.Servers {
		if !s.Active {
			c.info("inactive_server_skipped", s.Line, "virtual %s: server %s skipped (active = 0)", v.Name, s.Name)
			layout.Slots = append(layout.Slots, Slot{Skipped: fmt.Sprintf("lvs.cf server %s skipped: active = 0", s.Name)})
			continue
		}
		rs, tg, err := c.real(v, s, dr)
		if err != nil {
			return fmt.Errorf("server %s: %w", s.Name, err)
		}
		ck := c.checker(v, pr, tg)
		ck.Source, ck.Target = srcpos.Make("lvs.cf", s.Line), check.Target{Service: vs.Key(), Real: rs.Addr}
		if ck.Misc() != nil {
			c.scripts = true
		}
		layout.Slots = append(layout.Slots, Slot{Real: len(vs.Reals), Checker: len(c.out.Config.Checkers)})
		vs.Reals = append(vs.Reals, rs)
		c.out.Config.Checkers = append(c.out.Config.Checkers, &ck)
	}
	c.out.Config.VirtualServers = append(c.out.Config.VirtualServers, vs)
	c.out.Virtuals = append(c.out.Virtuals, layout)
	return nil
}

func (c *converter) virtualNotes(v *Virtual) {
	active := 0
	for _, s := range v.Servers {
		if s.Active {
			active++
		}
	}
	if v.Reentry > v.Timeout && active > 0 {
		c.warn("reentry_unsupported", v.Seen["reentry"], "virtual %s: reentry %d (= %d consecutive good checks before re-adding a failed server) has no keepalived equivalent",
			v.Name, v.Reentry, v.Reentry/v.Timeout)
	}
	if v.LoadMonitor != "none" {
		c.warn("load_monitor_unsupported", v.Seen["load_monitor"], "virtual %s: load_monitor %s (weights following the real servers' load) has no keepalived equivalent", v.Name, v.LoadMonitor)
	}
	if v.FWMark != 0 {
		c.warn("fwmark_rules_external", v.Seen["fwmark"], "virtual %s: fwmark %d must be set by iptables/nftables rules that are not part of lvs.cf", v.Name, v.FWMark)
	}
	if v.Address.Resolved {
		c.info("hostname_resolved", v.Seen["address"], "virtual %s: %s resolved to %s", v.Name, v.Address.Text, v.Address.Addr)
	}
}

// real converts one active server. keepalived forces a DR/TUN real port to
// the virtual port (and drops it for fwmark services), so nanny's probe
// port moves to connect_port when they differ.
func (c *converter) real(v *Virtual, s *Server, dr bool) (ipvs.RealServer, checkTarget, error) {
	if !s.Address.IsSet() {
		return ipvs.RealServer{}, checkTarget{}, fmt.Errorf("address missing or 0.0.0.0")
	}
	if s.Port < 1 || s.Port > 65535 {
		return ipvs.RealServer{}, checkTarget{}, fmt.Errorf("port %d outside 1..65535", s.Port)
	}
	what := fmt.Sprintf("virtual %s server %s", v.Name, s.Name)
	if s.Address.Resolved {
		c.info("hostname_resolved", s.Seen["address"], "%s: %s resolved to %s", what, s.Address.Text, s.Address.Addr)
	}
	if !s.PortExplicit && s.Port != v.Port {
		c.warn("server_port_inherited", s.Line, "%s: no port; inherits %d, the virtual's port when the server block was read (the virtual's final port is %d)",
			what, s.Port, v.Port)
	}
	rs := ipvs.RealServer{Source: srcpos.Make("lvs.cf", s.Line), Weight: s.Weight}
	if s.Weight <= 0 {
		rs.Weight = 1
		c.warn("weight_zero", s.Seen["weight"], "%s: weight %d; nanny installed it as 1", what, s.Weight)
	} else if s.Weight > 65535 {
		return ipvs.RealServer{}, checkTarget{}, fmt.Errorf("weight %d above 65535", s.Weight)
	}
	tg := checkTarget{what: what, rip: s.Address.Addr.String(), rport: s.Port}
	port := s.Port
	switch {
	case !dr:
	case v.FWMark != 0:
		port, tg.connectPort = 0, s.Port
	case s.Port != v.Port:
		port, tg.connectPort = v.Port, s.Port
		c.warn("dr_port_mismatch", s.Line, "%s: port %d differs from the virtual port %d; DR/TUN cannot change ports, so the real server gets %d and the check probes %d",
			what, s.Port, v.Port, v.Port, s.Port)
	}
	rs.Addr = netip.AddrPortFrom(s.Address.Addr, uint16(port))
	return rs, tg, nil
}
