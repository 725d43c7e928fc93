package confparse

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
)

// Printing of virtual_server_group, virtual_server and SSL. The key order
// inside a virtual server is the one Piranha's lvs.cf importer is
// specified to produce (lvscf/mapping.md §4), so that importer can print
// through these functions and match its golden files byte for byte.
// Settings that keepalived would default with a warning (scheduler,
// forwarding method, protocol) are always written.

func init() {
	printSections = append(printSections, printServerGroups, printVirtualServers, printSSL)
}

// VirtualServer writes one virtual_server block of cfg, with its real
// servers and the checkers of cfg that target them, and the notes as
// comment lines among the real servers. The Printer indexes cfg's checkers
// on first use: change their targets between calls only by passing
// another Config.
func (pr *Printer) VirtualServer(cfg *Config, vs *ipvs.VirtualServer, notes ...RealNote) {
	printVSNotes(pr.p, cfg, vs, notes)
}

// RealNote is a comment line inside a virtual_server, printed before real
// server Before (len(Reals): after the last one). A converter uses it to
// say where a server it left out stood, which the settings cannot carry.
type RealNote struct {
	Before int
	Text   string // without the "# "
}

func printServerGroups(p *printer, c *Config) {
	for i := range c.ServerGroups {
		g := &c.ServerGroups[i]
		p.open("virtual_server_group", quote(g.Name))
		has6 := false
		for _, e := range g.Entries {
			has6 = has6 || (e.FWMark == 0 && e.Family == 6)
		}
		for _, e := range g.Entries {
			p.line(vsgEntryWords(e, has6)...)
		}
		p.close()
	}
}

// vsgEntryWords writes a fwmark family only when reading the group back
// would not infer it.
func vsgEntryWords(e ipvs.GroupEntry, has6 bool) []string {
	if e.FWMark != 0 {
		w := []string{"fwmark", strconv.FormatUint(uint64(e.FWMark), 10)}
		switch {
		case e.Family == 6:
			w = append(w, "inet6")
		case has6:
			w = append(w, "inet")
		}
		return w
	}
	a := e.First.String()
	if e.Last.IsValid() && e.Last != e.First {
		a += "-" + e.Last.String()
	}
	if e.Port == 0 {
		return []string{a}
	}
	return []string{a, strconv.Itoa(int(e.Port))}
}

func printVirtualServers(p *printer, c *Config) {
	for i := range c.VirtualServers {
		printVS(p, c, &c.VirtualServers[i])
	}
}

func printSSL(p *printer, c *Config) {
	if c.SSL == nil {
		return
	}
	p.open("SSL")
	for _, kv := range [][2]string{{"password", c.SSL.Password}, {"ca", c.SSL.CA},
		{"certificate", c.SSL.Certificate}, {"key", c.SSL.Key}} {
		switch {
		case kv[1] == "":
		case kv[0] == "password" && p.maskSecrets:
			p.line(kv[0], maskedKey)
		default:
			p.line(kv[0], quote(kv[1]))
		}
	}
	p.close()
}

// VirtualServerDefaults is a virtual server holding keepalived's defaults,
// the starting point for code that builds configurations.
func VirtualServerDefaults() ipvs.VirtualServer {
	return ipvs.VirtualServer{DelayLoop: 60 * time.Second, ConnectTimeout: 5 * time.Second,
		Retry: -1, Weight: 1, Quorum: 1, Scheduler: "wlc", Protocol: ipvs.UDP, Family: 4}
}

func vsHeaderWords(vs *ipvs.VirtualServer) []string {
	switch {
	case vs.FWMark != 0:
		return []string{"virtual_server", "fwmark", strconv.FormatUint(uint64(vs.FWMark), 10)}
	case vs.Group != "":
		return []string{"virtual_server", "group", quote(vs.Group)}
	}
	return append([]string{"virtual_server"}, lvsAddrWords(vs.Addr)...)
}

func lvsAddrWords(ap netip.AddrPort) []string {
	if ap.Port() == 0 {
		return []string{ap.Addr().String()}
	}
	return []string{ap.Addr().String(), strconv.Itoa(int(ap.Port()))}
}

func printVS(p *printer, c *Config, vs *ipvs.VirtualServer) { printVSNotes(p, c, vs, nil) }

func printVSNotes(p *printer, c *Config, vs *ipvs.VirtualServer, notes []RealNote) {
	o := vs.Options()
	p.vsKey = vs.Key()
	p.open(vsHeaderWords(vs)...)
	if vs.DelayLoop != 0 && (vs.DelayLoop != 60*time.Second || p.explicitTimers) {
		p.line("delay_loop", fmtSeconds(vs.DelayLoop))
	}
	sched := vs.Scheduler
	if sched == "" {
		sched = "wlc"
	}
	p.line("lb_algo", sched)
	for _, f := range o.SchedFlags {
		p.line(f)
	}
	p.line(append([]string{"lb_kind"}, lvsForwardingWords(vs.Forwarding)...)...)
	printVSPersistence(p, vs)
	if vs.FWMark == 0 && vs.Protocol != 0 {
		p.line("protocol", vs.Protocol.String())
	}
	lvsFlag(p, "ops", vs.OPS)
	if !vs.Addr.Addr().IsValid() && vs.Family != 0 && vs.Family != vsInferredFamily(vs) {
		p.line("ip_family", map[uint8]string{4: "inet", 6: "inet6"}[vs.Family])
	}
	printVSCheckerDefaults(p, vs)
	lvsFlag(p, "alpha", vs.Alpha)
	lvsFlag(p, "omega", vs.Omega)
	lvsFlag(p, "inhibit_on_failure", vs.InhibitOnFailure)
	if vs.Weight != 1 {
		p.line("weight", strconv.Itoa(vs.Weight))
	}
	printVSQuorum(p, vs)
	lvsFlag(p, "ha_suspend", o.HASuspend)
	lvsString(p, "virtualhost", o.Virtualhost)
	if o.SMTPAlertSet {
		p.line("smtp_alert", lvsBoolWord(o.SMTPAlert))
	}
	lvsString(p, "snmp_name", o.SNMPName)
	if o.Sorry != nil {
		p.line(append([]string{"sorry_server"}, lvsAddrWords(o.Sorry.Addr)...)...)
	}
	lvsFlag(p, "sorry_server_inhibit", o.SorryInhibit)
	if o.Sorry != nil && o.Sorry.Forwarding != nil {
		p.line(append([]string{"sorry_server_lvs_method"}, lvsForwardingWords(*o.Sorry.Forwarding)...)...)
	}
	for i := range vs.Reals {
		printRealNotes(p, notes, i)
		printRS(p, c, vs, &vs.Reals[i])
	}
	printRealNotes(p, notes, len(vs.Reals))
	p.close()
}

func printRealNotes(p *printer, notes []RealNote, before int) {
	for _, n := range notes {
		if n.Before == before {
			p.comment(n.Text)
		}
	}
}

// vsInferredFamily is the family a fwmark or group service gets when
// ip_family is not written: that of its first real server.
func vsInferredFamily(vs *ipvs.VirtualServer) uint8 {
	if len(vs.Reals) > 0 && vs.Reals[0].Addr.Addr().IsValid() {
		return lvsFamily(vs.Reals[0].Addr.Addr())
	}
	return 4
}

func printVSPersistence(p *printer, vs *ipvs.VirtualServer) {
	o := vs.Options()
	if vs.Persistence > 0 {
		p.line("persistence_timeout", strconv.FormatInt(int64(vs.Persistence/time.Second), 10))
	}
	if g := o.PersistenceGranularity; g.IsValid() {
		if g.Is4() {
			p.line("persistence_granularity", g.String())
		} else {
			p.line("persistence_granularity", strconv.Itoa(lvsMaskLen(g)))
		}
	}
	lvsString(p, "persistence_engine", o.PersistenceEngine)
}

func printVSCheckerDefaults(p *printer, vs *ipvs.VirtualServer) {
	if vs.ConnectTimeout != 0 && vs.ConnectTimeout != 5*time.Second {
		p.line("connect_timeout", fmtSeconds(vs.ConnectTimeout))
	}
	if vs.Retry >= 0 {
		p.line("retry", strconv.Itoa(vs.Retry))
	}
	if vs.DelayBeforeRetry != 0 {
		p.line("delay_before_retry", fmtSeconds(vs.DelayBeforeRetry))
	}
	if vs.WarmupSet {
		p.line("warmup", fmtSeconds(vs.Warmup))
	}
}

func printVSQuorum(p *printer, vs *ipvs.VirtualServer) {
	o := vs.Options()
	if vs.Quorum > 1 {
		p.line("quorum", strconv.Itoa(vs.Quorum))
	}
	if o.Hysteresis != 0 {
		p.line("hysteresis", strconv.Itoa(o.Hysteresis))
	}
	if o.QuorumUp != nil {
		lvsScriptLine(p, "quorum_up", *o.QuorumUp)
	}
	if o.QuorumDown != nil {
		lvsScriptLine(p, "quorum_down", *o.QuorumDown)
	}
}

func lvsForwardingWords(f ipvs.Forwarding) []string {
	w := []string{f.Method.String()}
	if f.Method != ipvs.TUN {
		return w
	}
	if f.TunType != "" {
		w = append(w, "type", f.TunType)
	}
	if f.TunPort != 0 {
		w = append(w, "port", strconv.Itoa(int(f.TunPort)))
	}
	if f.TunCsum != "" {
		w = append(w, f.TunCsum)
	}
	return w
}

func printRS(p *printer, c *Config, vs *ipvs.VirtualServer, rs *ipvs.RealServer) {
	o := rs.Options()
	p.open(append([]string{"real_server"}, lvsAddrWords(rs.Addr)...)...)
	p.line("weight", strconv.Itoa(rs.Weight))
	if rs.Forwarding != nil {
		p.line(append([]string{"lvs_method"}, lvsForwardingWords(*rs.Forwarding)...)...)
	}
	lvsOptBool(p, "inhibit_on_failure", rs.Inhibit)
	lvsOptBool(p, "alpha", o.Alpha)
	if rs.UThreshold != 0 {
		p.line("uthreshold", strconv.FormatUint(uint64(rs.UThreshold), 10))
	}
	if rs.LThreshold != 0 {
		p.line("lthreshold", strconv.FormatUint(uint64(rs.LThreshold), 10))
	}
	if o.NotifyUp != nil {
		lvsScriptLine(p, "notify_up", *o.NotifyUp)
	}
	if o.NotifyDown != nil {
		lvsScriptLine(p, "notify_down", *o.NotifyDown)
	}
	if o.ConnectTimeout != 0 {
		p.line("connect_timeout", fmtSeconds(o.ConnectTimeout))
	}
	if o.Retry != nil {
		p.line("retry", strconv.Itoa(*o.Retry))
	}
	if o.DelayBeforeRetry != nil {
		p.line("delay_before_retry", fmtSeconds(*o.DelayBeforeRetry))
	}
	if o.DelayLoop != 0 {
		p.line("delay_loop", fmtSeconds(o.DelayLoop))
	}
	if o.Warmup != nil {
		p.line("warmup", fmtSeconds(*o.Warmup))
	}
	lvsOptBool(p, "smtp_alert", o.SMTPAlert)
	lvsString(p, "virtualhost", o.Virtualhost)
	lvsString(p, "snmp_name", o.SNMPName)
	for _, i := range p.checkersOf(c, check.Target{Service: p.vsKey, Real: rs.Addr}) {
		printChecker(p, vs, rs, c.Checkers[i])
	}
	p.close()
}

// checkersOf returns the indexes of c's checkers that probe t, in file
// order. Scanning every checker for every real server made printing a
// large file quadratic (minutes for 10,000 services of 10 servers), so
// the checkers are indexed once per Config and rebuilt if their number
// changes between calls.
func (p *printer) checkersOf(c *Config, t check.Target) []int {
	if p.indexed != c || p.indexedN != len(c.Checkers) {
		p.byTarget = make(map[check.Target][]int, len(c.Checkers))
		for i := range c.Checkers {
			p.byTarget[c.Checkers[i].Target] = append(p.byTarget[c.Checkers[i].Target], i)
		}
		p.indexed, p.indexedN = c, len(c.Checkers)
	}
	return p.byTarget[t]
}

func lvsFlag(p *printer, key string, on bool) {
	if on {
		p.line(key)
	}
}

func lvsOptBool(p *printer, key string, b *bool) {
	if b != nil {
		p.line(key, lvsBoolWord(*b))
	}
}

func lvsBoolWord(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func lvsString(p *printer, key, v string) {
	if v != "" {
		p.line(key, quote(v))
	}
}

// lvsScriptLine writes a command as one double-quoted word, so that a
// command with arguments is never read back as command plus user.
func lvsScriptLine(p *printer, key string, s script.Spec) {
	if s.IsZero() {
		return
	}
	p.line(append([]string{key}, lvsScriptWords(s)...)...)
}

func lvsScriptWords(s script.Spec) []string {
	w := []string{`"` + s.Raw + `"`}
	if s.User != "" {
		w = append(w, s.User)
		if s.Group != "" {
			w = append(w, s.Group)
		}
	}
	return w
}
