package confparse

import (
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// vrrpLoad is the VRRP half's state for one Load: instances and groups are
// kept as builders (value plus which keywords were given) because
// keepalived fills defaults from global_defs only after the whole file is
// read, and sync groups may name instances defined later.
type vrrpLoad struct {
	insts  []*instB
	groups []*groupB

	gLowerDelaySet, gLowerRepeatSet bool
	scripts                         []scriptUse
	scriptPos                       map[string]Pos // vrrp_script name → its `script` line
	trackGroupPos                   map[string]Pos // track_group name → its block
	missingIf                       bool           // a named interface does not exist
	nextRulePref                    int
}

// instB is a vrrp_instance being read.
type instB struct {
	vrrp.Instance
	pos   Pos
	ifPos Pos // the `interface` line, named when the interface is missing
	set   map[string]bool
}

// groupB is a vrrp_sync_group being read.
type groupB struct {
	vrrp.SyncGroup
	pos      Pos
	hasGroup bool
}

// vrrpOf is the parse's VRRP state, made at the first VRRP statement and
// let go at that parse's finishers. It lives in the analyzer, so two loads
// in one process (a reload checked while the daemon runs, parallel tests)
// never share it.
func vrrpOf(a *analyzer) *vrrpLoad {
	if a.vrrp != nil {
		return a.vrrp
	}
	ld := &vrrpLoad{scriptPos: map[string]Pos{}, trackGroupPos: map[string]Pos{}}
	a.vrrp = ld
	a.atFinish(func() {
		a.vrrp = nil
		ld.finish(a)
	})
	return ld
}

func init() {
	topLevel["vrrp_instance"] = vrrpInstance
	topLevel["vrrp_sync_group"] = syncGroup
}

func vrrpInstance(a *analyzer, n *Node, c *Config) {
	ld := vrrpOf(a)
	if len(n.Args) != 1 {
		a.warnf(n.Pos, "vrrp_instance must have a name")
		return
	}
	name := n.Args[0].Text
	for _, b := range ld.insts {
		if b.Name == name {
			a.warnf(n.Pos, "vrrp instance %s already defined", name)
			return
		}
	}
	b := &instB{pos: n.Pos, set: map[string]bool{}}
	b.Name, b.Source = name, n.Pos.src()
	b.Priority, b.AdvertInt, b.UnicastTTL = 100, time.Second, 255
	body := *n
	body.Children = a.openValueBlocks(n.Children, instValueBlocks)
	children(a, &body, instTable, b, "vrrp_instance "+name)
	ld.insts = append(ld.insts, b)
}

// ib is a vrrp_instance keyword handler.
type ib = handler[*instB]

var instTable = table[*instB]{
	"state": instState,
	"interface": func(a *analyzer, n *Node, b *instB) {
		b.Interface, _ = a.arg(n, 0)
		b.set["interface"] = b.Interface != ""
		b.ifPos = n.Pos
	},
	"virtual_router_id": instVRID,
	"priority":          instPriority,
	"advert_int":        instAdvert,
	"version": func(a *analyzer, n *Node, b *instB) {
		if v, ok := a.argInt(n, 0, 2, 3); ok {
			if b.Family == vrrp.IPv6 && v == 2 {
				a.warnf(n.Pos, "(%s) vrrp_version 2 conflicts with configured or deduced version 3; ignoring.", b.Name)
				return
			}
			b.Version = uint8(v)
			b.set["version"] = true
		}
	},
	"native_ipv6": func(a *analyzer, n *Node, b *instB) {
		if b.Family == vrrp.IPv4 {
			a.warnf(n.Pos, "(%s) Cannot specify native_ipv6 with IPv4 addresses", b.Name)
			return
		}
		b.Family, b.Version = vrrp.IPv6, 3
	},
	"nopreempt":          func(a *analyzer, n *Node, b *instB) { b.Nopreempt = true },
	"preempt":            func(a *analyzer, n *Node, b *instB) { b.Nopreempt = false },
	"preempt_delay":      instPreemptDelay,
	"dont_track_primary": func(a *analyzer, n *Node, b *instB) { b.DontTrackPrimary = true },
	"accept":             func(a *analyzer, n *Node, b *instB) { b.Accept, b.AcceptSet = true, true },
	"no_accept":          func(a *analyzer, n *Node, b *instB) { b.Accept, b.AcceptSet = false, true },
	"mcast_src_ip":       instSrcIP(false),
	"unicast_src_ip":     instSrcIP(true),
	"mcast_dst_ip":       instMcastDst,
	"unicast_peer":       instPeers,
	"unicast_ttl": func(a *analyzer, n *Node, b *instB) {
		if v, ok := a.argInt(n, 0, 0, 255); ok {
			b.UnicastTTL = uint8(v)
			if v != 255 {
				// Parsed but not applied would be silent: say it.
				a.warnf(n.Pos, "'unicast_ttl %d' is not supported by govrrpd yet; unicast adverts are sent with TTL 255", v)
			}
		}
	},
	"check_unicast_src": func(a *analyzer, n *Node, b *instB) {
		noValue(a, n)
		b.CheckUnicastSrc, b.set["check_unicast_src"], b.set["unicast"] = true, true, true
	},
	"unicast_fault_no_peer":   func(a *analyzer, n *Node, b *instB) { b.UnicastFaultNoPeer, b.set["unicast"] = true, true },
	"skip_check_adv_addr":     instFlag("skip_check_adv_addr", func(b *instB) *bool { return &b.SkipCheckAdvAddr }),
	"strict_mode":             instFlag("strict_mode", func(b *instB) *bool { return &b.Strict }),
	"lower_prio_no_advert":    instFlag("lower_prio_no_advert", func(b *instB) *bool { return &b.LowerPrioNoAdvert }),
	"higher_prio_send_advert": instFlag("higher_prio_send_advert", func(b *instB) *bool { return &b.HigherPrioSendAdvert }),
	"notify_priority_changes": instFlag("notify_priority_changes", func(b *instB) *bool { return &b.NotifyPriorityChanges }),
	"smtp_alert":              instFlag("smtp_alert", func(b *instB) *bool { return &b.SMTPAlert }),
	"down_timer_adverts": func(a *analyzer, n *Node, b *instB) {
		if v, ok := a.argInt(n, 0, 1, 100); ok {
			b.DownTimerAdverts, b.set["down_timer_adverts"] = uint8(v), true
		}
	},
	"garp_master_delay":          instGARPSecs("garp_master_delay", kaMaxSecs, func(g *vrrp.GARP) *time.Duration { return &g.MasterDelay }),
	"garp_master_refresh":        instGARPSecs("garp_master_refresh", kaUintMax, func(g *vrrp.GARP) *time.Duration { return &g.MasterRefresh }),
	"garp_lower_prio_delay":      instGARPSecs("garp_lower_prio_delay", kaMaxSecs, func(g *vrrp.GARP) *time.Duration { return &g.LowerPrioDelay }),
	"garp_master_repeat":         instGARPInt("garp_master_repeat", kaUintMax, func(g *vrrp.GARP) *int { return &g.MasterRepeat }),
	"garp_master_refresh_repeat": instGARPInt("garp_master_refresh_repeat", kaUintMax, func(g *vrrp.GARP) *int { return &g.MasterRefreshRepeat }),
	"garp_lower_prio_repeat":     instGARPInt("garp_lower_prio_repeat", kaIntMax, func(g *vrrp.GARP) *int { return &g.LowerPrioRepeat }),
	"authentication":             instAuth,
	"auth_hmac":                  authHMAC,
	"use_vmac":                   instVMAC,
	"vmac_xmit_base": func(a *analyzer, n *Node, b *instB) {
		if b.VMAC == nil {
			b.VMAC = &vrrp.VMAC{}
			b.set["vmac_implicit"] = true
		}
		b.VMAC.XmitBase = true
	},
	"virtual_ipaddress":          instVIPs(false),
	"virtual_ipaddress_excluded": instVIPs(true),
	"virtual_routes":             instRoutes,
	"virtual_rules":              instRules,
	"track_interface":            func(a *analyzer, n *Node, b *instB) { b.TrackInterfaces = trackIfs(a, n, b.Name, b.TrackInterfaces) },
	"track_script": func(a *analyzer, n *Node, b *instB) {
		b.TrackScripts = trackRefs(a, n, b.Name, b.TrackScripts, refScript)
	},
	"track_file": func(a *analyzer, n *Node, b *instB) {
		b.OptsRef().TrackFiles = trackRefs(a, n, b.Name, b.OptsRef().TrackFiles, refFile)
	},
	"track_process": func(a *analyzer, n *Node, b *instB) {
		b.OptsRef().TrackProcesses = trackRefs(a, n, b.Name, b.OptsRef().TrackProcesses, refProcess)
	},
	"notify_master":              instNotify(func(x *vrrp.Notify) *script.Spec { return &x.Master }),
	"notify_backup":              instNotify(func(x *vrrp.Notify) *script.Spec { return &x.Backup }),
	"notify_fault":               instNotify(func(x *vrrp.Notify) *script.Spec { return &x.Fault }),
	"notify_stop":                instNotify(func(x *vrrp.Notify) *script.Spec { return &x.Stop }),
	"notify":                     instNotify(func(x *vrrp.Notify) *script.Spec { return &x.Generic }),
	"notify_master_rx_lower_pri": instNotify(func(x *vrrp.Notify) *script.Spec { return &x.MasterRxLowerPri }),
	"notify_deleted": func(a *analyzer, n *Node, b *instB) {
		nf := b.NotifyRef()
		nf.DeletedSet = true
		if len(n.Args) > 0 {
			if s, ok := a.script(n); ok {
				nf.Deleted = s
				vrrpOf(a).noteScript(n.Pos, &nf.Deleted)
			}
		}
	},
	"debug": func(a *analyzer, n *Node, b *instB) {
		if _, ok := a.argInt(n, 0, 0, 4); ok {
			a.infof(n.Pos, "'debug' has no effect in govrrpd (nor in keepalived)")
		}
	},
	"lvs_sync_daemon_interface": func(a *analyzer, n *Node, b *instB) {
		a.warnf(n.Pos, "(%s) Specifying lvs_sync_daemon_interface against a vrrp is deprecated. Please use global lvs_sync_daemon", b.Name)
	},
}

func init() {
	for _, k := range []string{"use_ipvlan", "old_unicast_checksum", "track_src_ip",
		"garp_extra_if", "vmac_garp_intvl", "kernel_rx_buf_size", "promote_secondaries", "vrf",
		"linkbeat_use_polling", "use_vmac_addr"} {
		instTable[k] = notYet[*instB]
	}
}

// instMcastDst reads mcast_dst_ip as keepalived does: the address sets
// the instance's family when nothing has yet, even when it is refused for
// not being (link-local) multicast.
func instMcastDst(a *analyzer, n *Node, b *instB) {
	ip, ok := a.argAddr(n, 0)
	if !ok {
		return
	}
	if b.Family == 0 {
		b.Family = familyOf(ip)
	} else if familyOf(ip) != b.Family {
		a.warnf(n.Pos, "(%s) mcast dest address %s MUST match VRRP instance family. Skipping...", b.Name, ip)
		return
	}
	switch {
	case ip.Is4() && !ip.IsMulticast():
		a.warnf(n.Pos, "(%s) mcast_dst_ip %s is not a multicast address - ignoring", b.Name, ip)
	case ip.Is6() && !ip.IsLinkLocalMulticast():
		a.warnf(n.Pos, "(%s) mcast_dst_ip %s is not a link-local multicast address - ignoring", b.Name, ip)
	default:
		b.OptsRef().McastDst = ip
	}
}

func instState(a *analyzer, n *Node, b *instB) {
	s, ok := a.arg(n, 0)
	if !ok {
		return
	}
	switch s {
	case "MASTER":
		b.State = vrrp.WantMaster
	case "BACKUP":
		if b.set["state"] && b.State == vrrp.WantMaster {
			a.warnf(n.Pos, "(%s) state previously set as MASTER - ignoring BACKUP", b.Name)
			return
		}
		b.State = vrrp.WantBackup
	default:
		a.warnf(n.Pos, "(%s) unknown state '%s', defaulting to BACKUP", b.Name, s)
		b.State = vrrp.WantBackup
	}
	b.set["state"] = true
}

func instVRID(a *analyzer, n *Node, b *instB) {
	if v, ok := a.argInt(n, 0, 1, 255); ok {
		b.VRID = uint8(v)
		b.set["vrid"] = true
	} else {
		a.warnf(n.Pos, "VRRP Error : VRID not valid - must be between 1 & 255. reconfigure !")
	}
}

func instPriority(a *analyzer, n *Node, b *instB) {
	if v, ok := a.argInt(n, 0, 1, 255); ok {
		b.Priority = uint8(v)
	} else {
		a.warnf(n.Pos, "(%s) Priority not valid! must be between 1 & 255. Using default 100", b.Name)
		b.Priority = 100
	}
	b.set["priority"] = true
}

func instAdvert(a *analyzer, n *Node, b *instB) {
	d, ok := a.argTimer(n, 0, 10*time.Millisecond, 255*time.Second)
	if !ok && len(n.Args) > 0 {
		a.warnf(n.Pos, "(%s) Advert interval (%s) not valid! Must be > 0 - ignoring", b.Name, n.Args[0].Text)
		return
	}
	if ok && d == 0 {
		a.warnf(n.Pos, "(%s) Advert interval (%s) not valid! Must be > 0 - ignoring", b.Name, n.Args[0].Text)
		return
	}
	if ok {
		b.AdvertInt = d
		b.set["advert_int"] = true
	}
}

func instPreemptDelay(a *analyzer, n *Node, b *instB) {
	if d, ok := a.argTimer(n, 0, 0, 1000*time.Second); ok {
		b.OptsRef().PreemptDelay = d
		return
	}
	if len(n.Args) > 0 {
		a.warnf(n.Pos, "(%s) Preempt_delay not valid! must be between 0-1000", b.Name)
	}
	if b.Opts != nil {
		b.Opts.PreemptDelay = 0
	}
}

// noValue tells, at Info, that keepalived ignores the words after a
// keyword that takes no value: `check_unicast_src off` turns it on.
func noValue(a *analyzer, n *Node) {
	if len(n.Args) > 0 {
		a.infof(n.Pos, "'%s' takes no value: keepalived ignores '%s' and turns it on", n.Key, n.Args[0].Text)
	}
}

// instFlag is an optional-<BOOL> instance keyword that overrides a global;
// an invalid word leaves it to the global, as in keepalived.
func instFlag(key string, f func(*instB) *bool) ib {
	return func(a *analyzer, n *Node, b *instB) {
		if v, ok := a.boolArg(n, 0); ok {
			*f(b), b.set[key] = v, true
		}
	}
}

// instGARPSecs reads a GARP delay or refresh: whole seconds from 0.
func instGARPSecs(key string, hi int, f func(*vrrp.GARP) *time.Duration) ib {
	return func(a *analyzer, n *Node, b *instB) {
		if d, ok := a.argSeconds(n, 0, 0, hi); ok {
			*f(&b.GARP) = d
			b.set[key] = true
		}
	}
}

// instGARPInt reads a GARP count; keepalived allows 0 for every repeat
// (backward compatibility before 2.0.7).
func instGARPInt(key string, hi int, f func(*vrrp.GARP) *int) ib {
	return func(a *analyzer, n *Node, b *instB) {
		if v, ok := a.argInt(n, 0, 0, hi); ok {
			*f(&b.GARP) = v
			b.set[key] = true
		}
	}
}

func instAuth(a *analyzer, n *Node, b *instB) {
	for _, c := range n.Children {
		if a.stopsBare(c, "authentication") {
			continue
		}
		switch c.Key {
		case "auth_type":
			s, ok := a.arg(c, 0)
			if !ok {
				continue
			}
			switch s {
			case "PASS":
				b.Auth.Type = vrrp.AuthPass
			case "AH":
				b.Auth.Type = vrrp.AuthAH
			default:
				a.warnf(c.Pos, "(%s) unknown authentication type '%s'", b.Name, s)
			}
		case "auth_pass":
			s, ok := a.arg(c, 0)
			if !ok {
				continue
			}
			if s == maskedKey {
				// A --dump-conf printout read back: the password is not in it.
				a.warnf(c.Pos, "(%s) auth_pass is masked (a --dump-conf printout): adverts will not authenticate with the peers", b.Name)
			}
			if len(s) > 8 {
				a.warnf(c.Pos, "Truncating auth_pass to 8 characters")
				s = s[:8]
			}
			b.Auth.Pass = s
		default:
			dispatch(a, c, table[*instB]{}, b, "authentication")
		}
	}
	b.set["auth"] = true
}

func instVMAC(a *analyzer, n *Node, b *instB) {
	v := &vrrp.VMAC{}
	if b.VMAC != nil {
		v.XmitBase = b.VMAC.XmitBase
	}
	delete(b.set, "vmac_implicit")
	for _, w := range n.ArgStrings() {
		switch {
		case isMAC(w):
			v.MAC = w
		case w == "netlink_notify_msg" || w == "group":
			a.warnf(n.Pos, "(%s) use_vmac option '%s' is not supported by govrrpd yet", b.Name, w)
		case v.Name != "":
			a.warnf(n.Pos, "VMAC interface name already specified")
		case !devNameValid(w):
			a.warnf(n.Pos, "VMAC interface name '%s' too long or invalid characters - ignoring", w)
		default:
			v.Name = w
		}
	}
	b.VMAC = v
}

// devNameValid is keepalived's dev_name_valid: what the kernel takes as
// a link name.
func devNameValid(s string) bool {
	return s != "" && len(s) < 16 && s != "." && s != ".." && !strings.ContainsAny(s, "/: \t\n\v\f\r")
}

func isMAC(s string) bool {
	if len(s) != 17 {
		return false
	}
	for i := 0; i < 17; i++ {
		c := s[i]
		if i%3 == 2 {
			if c != ':' {
				return false
			}
		} else if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
