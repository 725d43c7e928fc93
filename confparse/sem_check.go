package confparse

import (
	"strconv"
	"time"
	"unsafe"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
)

// Checker blocks inside real_server. A checker's timers come from, in
// order: the checker block, the real server, the virtual server, and the
// checker kind's own default; the virtual server may set them after the
// real server, so the chain is resolved when the virtual server ends.

// chkSet records which inheritable settings a checker block gave itself.
type chkSet uint8

const (
	setConnectTimeout chkSet = 1 << iota
	setRetry
	setDelayBeforeRetry
	setDelayLoop
	setWarmup
	setAlpha
)

// chkState is a checker while its block is read. It is kept small, and
// in its real server's list rather than allocated, because a large LVS
// site has one per real server.
type chkState struct {
	// c is allocated once and, resolved, becomes the Config's checker.
	c   *check.Checker
	set chkSet
	// rsFam is the real server's address family, which bindto must
	// match when no connect_ip is given.
	rsFam uint8
	// smtp holds SMTP_CHECK's deprecated host {} sub-blocks, nil without.
	smtp *chkHosts
}

// chkHosts are SMTP host {} sub-blocks: each becomes a checker of its own
// and the enclosing block then checks nothing itself.
type chkHosts struct {
	hosts []*chkState
	nodes []*Node
}

// pos is the checker block's line, for messages.
func (st *chkState) pos() Pos { return posOf(st.c.Source) }

// hosts are the checkers made from host {} sub-blocks.
func (st *chkState) hosts() []*chkState {
	if st.smtp == nil {
		return nil
	}
	return st.smtp.hosts
}

type chh = handler[*chkState]

// checkerBlocks are the checkers' real_server blocks by name, spelt as
// check.Kind's String (TestCheckerBlockNames): written out, so that the
// daemon's start runs none of package check's code for a configuration
// without checkers (docs/scale.md, "Session 7: the binary's resident pages").
var checkerBlocks = [...]struct {
	name string
	kind check.Kind
}{{"TCP_CHECK", check.TCP}, {"HTTP_GET", check.HTTP}, {"SSL_GET", check.SSL}, {"MISC_CHECK", check.Misc},
	{"SMTP_CHECK", check.SMTP}, {"DNS_CHECK", check.DNS}, {"UDP_CHECK", check.UDP}, {"PING_CHECK", check.Ping},
	{"FILE_CHECK", check.File}, {"BFD_CHECK", check.BFD}}

func init() {
	for _, b := range checkerBlocks {
		rsTable[b.name] = chkBlock(b.kind)
	}
}

// chkBlock returns the real_server handler for one checker kind.
func chkBlock(k check.Kind) rsh {
	return func(a *analyzer, n *Node, rs *rsState) {
		// The state is read in place at the end of the list and dropped
		// again if the block turns out invalid; nothing inside a checker
		// block adds a checker to the real server.
		c := a.newChecker()
		c.Kind, c.Source = k, n.Pos.src()
		rs.checkers = append(rs.checkers, chkState{c: c, rsFam: lvsFamily(rs.rs.Addr.Addr())})
		st := &rs.checkers[len(rs.checkers)-1]
		chkInitKind(st.c)
		children(a, n, chkTables[k], st, k.String())
		st.expandHosts(a)
		if !chkValid(a, n, st) || (k == check.BFD && !bfdCheckValid(a, n, st, rs)) {
			rs.checkers = rs.checkers[:len(rs.checkers)-1]
		}
	}
}

// chkInitKind gives the kind-specific settings their keepalived defaults.
func chkInitKind(c *check.Checker) {
	switch c.Kind {
	case check.HTTP, check.SSL:
		c.Settings = &check.HTTPSettings{Protocol: "1.0"}
	case check.Misc:
		c.Settings = &check.MiscSettings{}
	case check.SMTP:
		c.Settings = &check.SMTPSettings{}
	case check.DNS:
		c.Settings = &check.DNSSettings{Type: "SOA", Name: "."}
	case check.UDP:
		c.Settings = &check.UDPSettings{MaxReplyLength: 255}
	case check.File:
		c.Settings = &check.FileSettings{}
	case check.BFD:
		c.Settings = &check.BFDSettings{}
	}
}

// chkValid applies keepalived's end-of-block checks on a checker.
func chkValid(a *analyzer, n *Node, st *chkState) bool {
	switch c := st.c; c.Kind {
	case check.Misc:
		if c.Misc().Path.IsZero() {
			a.warnf(n.Pos, "No script path has been specified for MISC_CHECKER - skipping")
			return false
		}
	case check.File:
		if c.File().TrackFile == "" {
			a.warnf(n.Pos, "FILE_CHECK has no track_file specified - ignoring")
			return false
		}
	case check.HTTP, check.SSL:
		if len(c.HTTP().URLs) == 0 {
			a.warnf(n.Pos, "%s has no url specified - ignoring", c.Kind)
			return false
		}
	case check.UDP:
		if u := c.UDP(); u.MinReplyLength > u.MaxReplyLength {
			a.warnf(n.Pos, "UDP_CHECK min_reply length %d > max_reply_length %d - will always fail", u.MinReplyLength, u.MaxReplyLength)
		}
	}
	return true
}

// chkTables are the keyword tables of each checker kind.
var chkTables = map[check.Kind]table[*chkState]{}

func init() {
	conn := chkMerge(chkConnTable, chkSchedTable)
	chkTables[check.TCP] = conn
	chkTables[check.Ping] = conn
	chkTables[check.HTTP] = chkMerge(conn, chkHTTPTable)
	chkTables[check.SSL] = chkMerge(conn, chkHTTPTable, chkSSLTable)
	chkTables[check.Misc] = chkMerge(chkSchedTable, chkMiscTable)
	chkTables[check.SMTP] = chkMerge(conn, chkSMTPTable)
	chkTables[check.DNS] = chkMerge(conn, chkDNSTable)
	chkTables[check.UDP] = chkMerge(conn, chkUDPTable)
	chkTables[check.File] = chkFileTable
	chkSMTPHostTable = conn
}

func chkMerge(ts ...table[*chkState]) table[*chkState] {
	out := table[*chkState]{}
	for _, t := range ts {
		for k, h := range t {
			out[k] = h
		}
	}
	return out
}

// chkConnTable holds the connection options.
var chkConnTable = table[*chkState]{
	"connect_ip": func(a *analyzer, n *Node, st *chkState) {
		if ip, ok := a.argAddr(n, 0); ok {
			st.c.EditConn().ConnectIP = &ip
		}
	},
	"connect_port": chkPort("Invalid checker connect_port", func(c *check.Checker, p uint16) { c.ConnectPort = p }),
	"bind_port":    chkPort("Invalid checker bind_port", func(c *check.Checker, p uint16) { c.BindPort = p }),
	"bindto":       chkBindTo,
	"bind_if": func(a *analyzer, n *Node, st *chkState) {
		if s, ok := a.arg(n, 0); ok {
			st.c.EditConn().BindIf = s
		}
	},
	// keepalived reads the mark as a decimal number, 0 included.
	"fwmark": func(a *analyzer, n *Node, st *chkState) {
		if s, ok := a.arg(n, 0); ok {
			v, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				a.warnf(n.Pos, "Invalid fwmark connection value '%s'", s)
				return
			}
			st.c.FWMark = uint32(v)
		}
	},
	"connect_timeout": func(a *analyzer, n *Node, st *chkState) {
		if d, ok := a.argTimer(n, 0, lvsMinTimer, lvsMaxTimer); ok {
			st.c.ConnectTimeout, st.set = d, st.set|setConnectTimeout
		}
	},
}

// chkBindTo: as in keepalived, the source address must be of the family
// of connect_ip as it stands, else of the real server.
func chkBindTo(a *analyzer, n *Node, st *chkState) {
	ip, ok := a.argAddr(n, 0)
	if !ok {
		return
	}
	fam := st.rsFam
	if cip := st.c.Conn().ConnectIP; cip != nil {
		fam = lvsFamily(*cip)
	}
	if lvsFamily(ip) != fam {
		a.warnf(n.Pos, "bindto address %s does not match address family of connect_ip - skipping", ip)
		return
	}
	st.c.EditConn().BindTo = &ip
}

// chkSchedTable holds the scheduling options.
var chkSchedTable = table[*chkState]{
	"retry": chkRetry,
	"delay_before_retry": chkTimer(0, setDelayBeforeRetry, func(c *check.Checker, d time.Duration) {
		c.DelayBeforeRetry = d
	}),
	"delay_loop": chkTimer(lvsMinTimer, setDelayLoop, func(c *check.Checker, d time.Duration) { c.DelayLoop = d }),
	"warmup":     chkTimer(0, setWarmup, func(c *check.Checker, d time.Duration) { c.Warmup = d }),
	"alpha": func(a *analyzer, n *Node, st *chkState) {
		st.c.Alpha, st.set = a.argBool(n, 0), st.set|setAlpha
	},
	"log_all_failures": func(a *analyzer, n *Node, st *chkState) { st.c.LogAllFailures = a.argBool(n, 0) },
}

func chkRetry(a *analyzer, n *Node, st *chkState) {
	if n.Key == "nb_get_retry" {
		a.warnf(n.Pos, "nb_get_retry is deprecated - please use 'retry'")
	}
	if v, ok := a.argInt(n, 0, 0, lvsMaxInt); ok {
		st.c.Retry, st.set = v, st.set|setRetry
	}
}

// chkTimer reads delay_loop, delay_before_retry and warmup, which
// keepalived bounds by an unsigned long.
func chkTimer(lo time.Duration, bit chkSet, set func(*check.Checker, time.Duration)) chh {
	return func(a *analyzer, n *Node, st *chkState) {
		if d, ok := a.argTimer(n, 0, lo, lvsMaxLongTimer); ok {
			set(st.c, d)
			st.set |= bit
		}
	}
}

func chkPort(msg string, set func(*check.Checker, uint16)) chh {
	return func(a *analyzer, n *Node, st *chkState) {
		if v, ok := a.argInt(n, 0, 1, 65535); ok {
			set(st.c, uint16(v))
			return
		}
		if len(n.Args) > 0 {
			a.warnf(n.Pos, "%s '%s'", msg, n.Args[0].Text)
		}
	}
}

// CheckerDefaults returns a checker of kind k for real server rs of vs with
// every inheritable setting at the value it takes when the checker block
// does not set it. The semantic pass starts from it, the printer compares
// against it, and converters that build configurations use it so that
// their checkers mean what a keepalived.conf would.
func CheckerDefaults(vs *ipvs.VirtualServer, rs *ipvs.RealServer, k check.Kind) check.Checker {
	return checkerDefaults(vs, rs, k, vs.Key())
}

// checkerDefaults is CheckerDefaults with vs.Key() already made: every
// checker of a virtual server shares the one key string.
func checkerDefaults(vs *ipvs.VirtualServer, rs *ipvs.RealServer, k check.Kind, key string) check.Checker {
	c := check.Checker{Kind: k, Target: check.Target{Service: key, Real: rs.Addr}}
	o := rs.Options()
	c.DelayLoop = chkDelayLoop(vs, rs)
	c.ConnectTimeout = lvsOr(o.ConnectTimeout, lvsOr(vs.ConnectTimeout, 5*time.Second))
	switch {
	case o.Retry != nil:
		c.Retry = *o.Retry
	case vs.Retry >= 0:
		c.Retry = vs.Retry
	case k == check.DNS:
		c.Retry = 3
	case k == check.Misc:
		c.Retry = 0
	default:
		c.Retry = 1
	}
	switch {
	case o.DelayBeforeRetry != nil:
		c.DelayBeforeRetry = *o.DelayBeforeRetry
	case vs.DelayBeforeRetry != 0:
		c.DelayBeforeRetry = vs.DelayBeforeRetry
	case k == check.HTTP || k == check.SSL:
		c.DelayBeforeRetry = 3 * time.Second
	case k == check.DNS:
		c.DelayBeforeRetry = c.DelayLoop
	default:
		c.DelayBeforeRetry = time.Second
	}
	switch {
	case o.Warmup != nil:
		c.Warmup = *o.Warmup
	case vs.WarmupSet:
		c.Warmup = vs.Warmup
	default:
		c.Warmup = c.DelayLoop
	}
	c.Alpha = vs.Alpha
	if o.Alpha != nil {
		c.Alpha = *o.Alpha
	}
	return c
}

// chkDelayLoop is the delay_loop a checker inherits.
func chkDelayLoop(vs *ipvs.VirtualServer, rs *ipvs.RealServer) time.Duration {
	return lvsOr(rs.Options().DelayLoop, lvsOr(vs.DelayLoop, 60*time.Second))
}

func lvsOr(d, def time.Duration) time.Duration {
	if d != 0 {
		return d
	}
	return def
}

// chkDefaultsFor is CheckerDefaults for a checker whose own delay_loop is
// delayLoop: the DNS delay_before_retry and the warmup that default to the
// delay loop follow the checker's, not the server's.
func chkDefaultsFor(vs *ipvs.VirtualServer, rs *ipvs.RealServer, k check.Kind, key string, delayLoop time.Duration) check.Checker {
	d := checkerDefaults(vs, rs, k, key)
	o := rs.Options()
	if k == check.DNS && o.DelayBeforeRetry == nil && vs.DelayBeforeRetry == 0 {
		d.DelayBeforeRetry = delayLoop
	}
	if o.Warmup == nil && !vs.WarmupSet {
		d.Warmup = delayLoop
	}
	return d
}

// chkResolve fills, in place, the settings the checker block left to
// inheritance.
func chkResolve(vs *ipvs.VirtualServer, rs *ipvs.RealServer, key string, st *chkState) *check.Checker {
	c := st.c
	if st.set&setDelayLoop == 0 {
		c.DelayLoop = chkDelayLoop(vs, rs)
	}
	d := chkDefaultsFor(vs, rs, c.Kind, key, c.DelayLoop)
	c.Target = d.Target
	if st.set&setConnectTimeout == 0 {
		c.ConnectTimeout = d.ConnectTimeout
	}
	if st.set&setRetry == 0 {
		c.Retry = d.Retry
	}
	if st.set&setDelayBeforeRetry == 0 {
		c.DelayBeforeRetry = d.DelayBeforeRetry
	}
	if st.set&setWarmup == 0 {
		c.Warmup = d.Warmup
	}
	if st.set&setAlpha == 0 {
		c.Alpha = d.Alpha
	}
	return c
}

// vsResolveCheckers turns the pending checkers of a finished virtual
// server into Config.Checkers (at the end of Load; see chunked).
func vsResolveCheckers(a *analyzer, c *Config, st *vsState, vs *ipvs.VirtualServer) {
	key := vs.Key()
	for i := range st.reals {
		r, rs := &st.reals[i], &vs.Reals[i]
		for j := range r.checkers {
			ck := &r.checkers[j]
			if ck.c.Kind == check.File {
				path, ok := chkFilePath(c, ck.c.File().TrackFile)
				if !ok {
					a.warnf(ck.pos(), "FILE_CHECK track_file %s not found - ignoring", ck.c.File().TrackFile)
					continue
				}
				// The checker reads the tracked file itself; it needs the
				// path, not the tracker's name.
				ck.c.File().Path = path
			}
			if ck.smtp == nil {
				a.addChecker(chkFinal(a, vs, rs, key, ck))
				continue
			}
			for _, h := range ck.hosts() {
				a.addChecker(chkFinal(a, vs, rs, key, h))
			}
		}
	}
}

// chkFinal resolves one checker and warns when it has nowhere to connect.
func chkFinal(a *analyzer, vs *ipvs.VirtualServer, rs *ipvs.RealServer, key string, st *chkState) *check.Checker {
	c := chkResolve(vs, rs, key, st)
	switch c.Kind {
	case check.TCP, check.HTTP, check.SSL, check.UDP:
		if c.ConnectPort == 0 && rs.Addr.Port() == 0 {
			a.warnf(st.pos(), "%s for real server %s has no port: set connect_port; every check will fail", c.Kind, rs.Addr.Addr())
		}
	}
	return c
}

// chkFileKnown reports whether a track_file block of that name was read;
// like keepalived, a tracker must be defined before it is used.
func chkFilePath(c *Config, name string) (string, bool) {
	for _, f := range c.Files {
		if f.Name == name {
			return f.Path, true
		}
	}
	return "", false
}

// newChecker returns a zero checker from a block of them: a large LVS site
// has one per real server, and one allocation each was a tenth of a load.
// A block lives as long as any of its checkers; a dropped block's
// checkers (invalid ones) are few.
func (a *analyzer) newChecker() *check.Checker {
	if len(a.chkSlab) == 0 {
		a.chkSlab = make([]check.Checker, chkSlabSize)
	}
	c := &a.chkSlab[0]
	a.chkSlab = a.chkSlab[1:]
	return c
}

// chkSlabSize is the number of checkers per block: as many as fill 128
// KiB, a whole number of pages, so that no block ends in a part-used page.
const chkSlabSize = (128 << 10) / int(unsafe.Sizeof(check.Checker{}))
