package lvscf

import (
	"fmt"
	"github.com/govrrpd/govrrpd/confparse"
	"net/netip"
	"slices"
	"sync"
)

// keyDef is one accepted key: pair keys take two values (address + device).
type keyDef struct {
	pair bool
	set  func(p *parser, args []token) string
}

func intKey(f func(*parser) *int) keyDef {
	return keyDef{set: func(p *parser, a []token) string { return p.int(a[0], f(p)) }}
}

func boolKey(f func(*parser) *bool) keyDef {
	return keyDef{set: func(p *parser, a []token) string { return p.bool(a[0], f(p)) }}
}

func strKey(f func(*parser) *string) keyDef {
	return keyDef{set: func(p *parser, a []token) string { *f(p) = a[0].text; return "" }}
}

// quotedKey is for the keys whose quotes lvsconfig.c puts back: lvsd and fos
// strip only double quotes, so a single-quoted value keeps its quotes.
func quotedKey(f func(*parser) *string) keyDef {
	return keyDef{set: func(p *parser, a []token) string {
		v := a[0].text
		if a[0].quote == '\'' {
			v = "'" + v + "'"
			p.diag(confparse.Warning, "single_quoted_value", p.line,
				fmt.Sprintf("single-quoted value keeps its quotes in Piranha: the daemons see %s", v))
		}
		*f(p) = v
		return ""
	}}
}

func hostKey(f func(*parser) *Host) keyDef {
	return keyDef{set: func(p *parser, a []token) string { return p.host(a[0], f(p)) }}
}

func choiceKey(f func(*parser) *string, allowed ...string) keyDef {
	return keyDef{set: func(p *parser, a []token) string {
		if !slices.Contains(allowed, a[0].text) {
			return errInvalidArg
		}
		*f(p) = a[0].text
		return ""
	}}
}

func portKey(f func(*parser) *int) keyDef {
	return keyDef{set: func(p *parser, a []token) string { return p.port(a[0], f(p)) }}
}

// maskKey parses vip_nmask / nat_nmask: a bad mask is fatal, 0.0.0.0 means
// none.
func maskKey(f func(*parser) *netip.Addr) keyDef {
	return keyDef{set: func(p *parser, a []token) string {
		m, ok := inetAton(a[0].text)
		if !ok {
			return errMask
		}
		if m.IsUnspecified() {
			m = netip.Addr{}
		}
		*f(p) = m
		return ""
	}}
}

func g(p *parser) *Config { return p.cfg }

// The key tables are built on first use: a daemon that never imports an
// lvs.cf runs none of this package's code, and so keeps none of its pages
// resident (issue #12).
type keyTable struct{ global, virtual, server map[string]keyDef }

var (
	keysOnce sync.Once
	keyTab   keyTable
)

func keys() *keyTable {
	keysOnce.Do(func() { keyTab = keyTable{makeGlobalKeys(), makeVirtualKeys(), makeServerKeys()} })
	return &keyTab
}

func makeGlobalKeys() map[string]keyDef {
	return map[string]keyDef{
		"serial_no":       intKey(func(p *parser) *int { return &g(p).SerialNo }),
		"primary":         hostKey(func(p *parser) *Host { return &g(p).Primary }),
		"primary_private": hostKey(func(p *parser) *Host { return &g(p).PrimaryPrivate }),
		"primary_shared":  strKey(func(p *parser) *string { return &g(p).PrimaryShared }),
		"service":         choiceKey(func(p *parser) *string { return &g(p).Service }, "lvs", "fos"),
		"backup_active":   boolKey(func(p *parser) *bool { return &g(p).BackupActive }),
		"backup":          hostKey(func(p *parser) *Host { return &g(p).Backup }),
		"backup_private":  hostKey(func(p *parser) *Host { return &g(p).BackupPrivate }),
		"backup_shared":   strKey(func(p *parser) *string { return &g(p).BackupShared }),
		"heartbeat":       boolKey(func(p *parser) *bool { return &g(p).Heartbeat }),
		"heartbeat_port":  portKey(func(p *parser) *int { return &g(p).HeartbeatPort }),
		"keepalive":       intKey(func(p *parser) *int { return &g(p).Keepalive }),
		"deadtime":        intKey(func(p *parser) *int { return &g(p).Deadtime }),
		"reservation_conflict_action": choiceKey(func(p *parser) *string { return &g(p).ReservationCA },
			"nothing", "preempt"),
		"debug_level": strKey(func(p *parser) *string { return &g(p).DebugLevel }),
		"rsh_command": strKey(func(p *parser) *string { return &g(p).RshCommand }),
		"network":     choiceKey(func(p *parser) *string { return &g(p).Network }, "nat", "direct", "tunnel"),
		"nat_router": {pair: true, set: func(p *parser, a []token) string {
			p.cfg.NATRouterDev = a[1].text
			return p.host(a[0], &p.cfg.NATRouter)
		}},
		"nat_nmask":      maskKey(func(p *parser) *netip.Addr { return &g(p).NATNmask }),
		"active_cmd":     strKey(func(p *parser) *string { return &g(p).ActiveCmd }),
		"inactive_cmd":   strKey(func(p *parser) *string { return &g(p).InactiveCmd }),
		"monitor_links":  intKey(func(p *parser) *int { return &g(p).MonitorLinks }),
		"syncdaemon":     boolKey(func(p *parser) *bool { return &g(p).SyncDaemon }),
		"syncd_iface":    strKey(func(p *parser) *string { return &g(p).SyncdIface }),
		"syncd_id":       {set: func(p *parser, a []token) string { return p.syncID(a[0]) }},
		"tcp_timeout":    intKey(func(p *parser) *int { return &g(p).TCPTimeout }),
		"tcpfin_timeout": intKey(func(p *parser) *int { return &g(p).TCPFinTimeout }),
		"udp_timeout":    intKey(func(p *parser) *int { return &g(p).UDPTimeout }),
		"hard_shutdown":  boolKey(func(p *parser) *bool { return &g(p).HardShutdown }),
		"ipvsadm":        strKey(func(p *parser) *string { return &g(p).IPVSAdm }),
		"sync":           boolKey(func(p *parser) *bool { return &g(p).Sync }),
	}
}

func (p *parser) syncID(t token) string {
	var v int
	if msg := p.int(t, &v); msg != "" {
		return msg
	}
	p.cfg.SyncdID = v & 0xff
	return ""
}

// piranhaSchedulers are the names lvsconfig.c 0.8.6 accepts; newerSchedulers
// are kernel schedulers it rejects that keepalived can still use.
var (
	piranhaSchedulers = []string{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh"}
	newerSchedulers   = []string{"sed", "nq", "mh", "fo", "ovf", "twos"}
)

func v(p *parser) *Virtual { return p.vs }
func s(p *parser) *Server  { return p.rs }

func makeVirtualKeys() map[string]keyDef {
	return map[string]keyDef{
		"active": boolKey(func(p *parser) *bool { return &v(p).Active }),
		"address": {pair: true, set: func(p *parser, a []token) string {
			p.vs.Device = a[1].text
			return p.host(a[0], &p.vs.Address)
		}},
		"vip_nmask":      maskKey(func(p *parser) *netip.Addr { return &v(p).VIPNmask }),
		"port":           portKey(func(p *parser) *int { return &v(p).Port }),
		"protocol":       choiceKey(func(p *parser) *string { return &v(p).Protocol }, "tcp", "udp"),
		"fwmark":         intKey(func(p *parser) *int { return &v(p).FWMark }),
		"scheduler":      {set: func(p *parser, a []token) string { return p.scheduler(a[0]) }},
		"persistent":     intKey(func(p *parser) *int { return &v(p).Persistent }),
		"pmask":          {set: func(p *parser, a []token) string { p.pmask(a[0]); return "" }},
		"sorry_server":   {set: func(p *parser, a []token) string { return p.sorry(a[0]) }},
		"send":           quotedKey(func(p *parser) *string { return &v(p).Send }),
		"expect":         quotedKey(func(p *parser) *string { return &v(p).Expect }),
		"use_regex":      boolKey(func(p *parser) *bool { return &v(p).UseRegex }),
		"send_program":   quotedKey(func(p *parser) *string { return &v(p).SendProgram }),
		"timeout":        intKey(func(p *parser) *int { return &v(p).Timeout }),
		"reentry":        intKey(func(p *parser) *int { return &v(p).Reentry }),
		"quiesce_server": boolKey(func(p *parser) *bool { return &v(p).Quiesce }),
		"load_monitor": choiceKey(func(p *parser) *string { return &v(p).LoadMonitor },
			"none", "uptime", "rup", "ruptime"),
		"client_monitor": strKey(func(p *parser) *string { return &v(p).ClientMonitor }),
		"start_cmd":      quotedKey(func(p *parser) *string { return &v(p).StartCmd }),
		"stop_cmd":       quotedKey(func(p *parser) *string { return &v(p).StopCmd }),
		"master":         hostKey(func(p *parser) *Host { return &v(p).Master }),
		"dirs":           strKey(func(p *parser) *string { return &v(p).Dirs }),
	}
}

func makeServerKeys() map[string]keyDef {
	return map[string]keyDef{
		"address": hostKey(func(p *parser) *Host { return &s(p).Address }),
		"active":  boolKey(func(p *parser) *bool { return &s(p).Active }),
		"weight":  intKey(func(p *parser) *int { return &s(p).Weight }),
		// A real-server port is read with strtol only: no service names.
		"port": {set: func(p *parser, a []token) string {
			if msg := p.int(a[0], &p.rs.Port); msg != "" {
				return msg
			}
			p.rs.PortExplicit = true
			return ""
		}},
	}
}

func (p *parser) scheduler(t token) string {
	switch {
	case slices.Contains(piranhaSchedulers, t.text):
	case !p.opts.Strict && slices.Contains(newerSchedulers, t.text):
		p.diag(confparse.Warning, "scheduler_not_in_piranha", p.line, fmt.Sprintf(
			"scheduler %s is rejected by Piranha 0.8.6 (%q) but known to keepalived; passed through", t.text, errInvalidArg))
	default:
		return errInvalidArg
	}
	p.vs.Scheduler = t.text
	return ""
}

// pmask: 255.255.255.255 means unset and an invalid value is dropped
// without a word, as lvsconfig.c does.
func (p *parser) pmask(t token) {
	m, ok := inetAton(t.text)
	if !ok || m == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		p.vs.PMask = netip.Addr{}
		return
	}
	p.vs.PMask = m
}

func (p *parser) sorry(t token) string {
	a, ok := inetAton(t.text)
	if !ok {
		return errHost
	}
	p.vs.SorryServer = a
	return ""
}

func (p *parser) int(t token, dst *int) string {
	n, ok := strtol(t.text)
	if !ok {
		return errInt
	}
	*dst = n
	return ""
}

func (p *parser) bool(t token, dst *bool) string {
	n, ok := strtol(t.text)
	if !ok {
		return errInt
	}
	if n != 0 && n != 1 {
		return errBool
	}
	*dst = n == 1
	return ""
}

// port is a number, else a TCP service name; anything else (including the
// invalid octal "080") is "invalid argument".
func (p *parser) port(t token, dst *int) string {
	if n, ok := strtol(t.text); ok {
		*dst = n
		return ""
	}
	lookup := p.opts.LookupPort
	if lookup == nil {
		lookup = wellKnownPort
	}
	n, ok := lookup(t.text)
	if !ok {
		return errInvalidArg
	}
	*dst = n
	return ""
}

// host is inet_aton, else the injected resolver.
func (p *parser) host(t token, dst *Host) string {
	if a, ok := inetAton(t.text); ok {
		*dst = Host{Text: t.text, Addr: a}
		return ""
	}
	if p.opts.Resolve == nil {
		return errHost
	}
	a, err := p.opts.Resolve(t.text)
	if err != nil || !a.Is4() {
		return errHost
	}
	*dst = Host{Text: t.text, Addr: a, Resolved: true}
	return ""
}
