package confparse

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
)

// analyzer is the semantic pass: it walks the statement tree with keyword
// tables and fills a Config, recording every diagnostic with its position.
type analyzer struct {
	opts  Options
	cfg   *Config
	diags Diagnostics
	// finishers run after the whole file is read, in registration order,
	// to resolve forward references and cross-check blocks.
	finishers []func()
	// vss and checkers collect the Config's virtual servers and checkers
	// while the file is read; Load joins them once at the end.
	vss      chunked[ipvs.VirtualServer]
	checkers chunked[*check.Checker]
	// vsState is the virtual server being read; see vsScratch.
	vsState *vsState
	// chkSlab and rsSlab are where the next checkers and real-server
	// lists come from; see newChecker and newReals.
	chkSlab []check.Checker
	rsSlab  []ipvs.RealServer
	// vrrp is the VRRP state of this parse; see vrrpOf.
	vrrp *vrrpLoad
	// netnsPos is where net_namespace was set.
	netnsPos Pos
}

// Chunk sizes: a few hundred kilobytes per chunk.
const (
	vsChunk  = 256
	chkChunk = 4096
)

// addVS appends vs to the pending virtual servers and returns where it
// now lives (valid until Load joins the chunks).
func (a *analyzer) addVS(vs ipvs.VirtualServer) *ipvs.VirtualServer {
	if a.vss.size == 0 {
		a.vss.size = vsChunk
	}
	return a.vss.add(vs)
}

// addChecker appends c to the pending checkers.
func (a *analyzer) addChecker(c *check.Checker) {
	if a.checkers.size == 0 {
		a.checkers.size = chkChunk
	}
	a.checkers.add(c)
}

// join moves the pending virtual servers and checkers into c.
func (a *analyzer) join(c *Config) {
	c.VirtualServers = a.vss.join(c.VirtualServers)
	c.Checkers = a.checkers.join(c.Checkers)
}

// handler interprets one statement inside a block whose state is T.
type handler[T any] func(a *analyzer, n *Node, t T)

// table maps keywords to handlers for one kind of block.
type table[T any] map[string]handler[T]

// topLevel is the table of root keywords; each subsystem's file adds its
// blocks in an init function so files do not edit a shared list.
var topLevel = table[*Config]{}

// Load reads path and runs the semantic pass.
//
// A statement's nodes live only while its top-level handler runs (walk
// recycles their memory), so a handler, or anything it leaves behind such
// as an atFinish closure, keeps positions and strings, never a *Node or a
// node's Args or Children slices.
func Load(path string, opts Options) (*Config, Diagnostics) {
	return load(path, opts, true)
}

func load(path string, opts Options, recycle bool) (*Config, Diagnostics) {
	a := &analyzer{opts: opts, cfg: newConfig()}
	rec := opts.inputs.recorder()
	diags := walkSpans(path, opts, recycle, func(n *Node, last int) {
		if rec == nil {
			dispatch(a, n, topLevel, a.cfg, "")
			return
		}
		s := incStmt{first: n.Pos.Line, last: last, vsLo: a.vss.n, ckLo: a.checkers.n, dLo: len(a.diags)}
		fins := len(a.finishers)
		dispatch(a, n, topLevel, a.cfg, "")
		s.vsHi, s.ckHi, s.dHi = a.vss.n, a.checkers.n, len(a.diags)
		s.vs = n.Key == "virtual_server" && n.Pos.File == path && len(a.finishers) == fins
		rec.stmts = append(rec.stmts, s)
	})
	walked, stmtDiags := len(diags), len(a.diags)
	a.diags = append(diags, a.diags...)
	a.join(a.cfg)
	checkers := len(a.cfg.Checkers)
	for _, f := range a.finishers {
		f()
	}
	checkerScripts(a)
	for i := range a.cfg.VirtualServers {
		a.cfg.VirtualServers[i].DropEmptyOptions()
	}
	a.missingNamespace()
	if rec != nil {
		rec.loaded(a.cfg, a.diags, walked, stmtDiags, checkers)
	}
	return a.cfg, a.diags
}

// newConfig returns a Config holding keepalived's global defaults; the
// subsystems register their defaults with defaultsHooks.
func newConfig() *Config {
	c := &Config{}
	for _, h := range defaultsHooks {
		h(c)
	}
	return c
}

// defaultsHooks set each subsystem's global defaults on a new Config.
var defaultsHooks []func(*Config)

// dispatch runs the handler for n.Key from tbl. An unknown keyword is a
// warning naming FILE:LINE. An unknown block at the root has its body read
// at the root, as keepalived does (see unknownRootBlock); one inside a
// block is skipped whole, with a warning naming what keepalived would do
// instead.
func dispatch[T any](a *analyzer, n *Node, tbl table[T], t T, where string) {
	if a.stopsBare(n, where) {
		return
	}
	if h, ok := tbl[n.Key]; ok {
		h(a, n, t)
		return
	}
	msg := fmt.Sprintf("unknown keyword '%s'", n.Key)
	if where != "" {
		msg += " in " + where
	}
	if n.Block && where == "" {
		unknownRootBlock(a, n, tbl, t, msg)
		return
	}
	if n.Block {
		msg += "; its block is skipped" + bodyNote(n, tbl)
	}
	a.warnf(n.Pos, "%s", msg)
}

// children dispatches every statement inside n.
func children[T any](a *analyzer, n *Node, tbl table[T], t T, where string) {
	for _, c := range n.Children {
		dispatch(a, c, tbl, t, where)
	}
}

// notYet is the handler for a keyword keepalived 2.2.7 accepts and govrrpd
// does not implement: never silent.
func notYet[T any](a *analyzer, n *Node, _ T) {
	a.warnf(n.Pos, "'%s' is not supported by govrrpd yet; ignored", n.Key)
}

// ignored is the handler for a keyword that has no effect in govrrpd by
// design (process tuning of keepalived's child processes, DBus); it is
// reported at Info so that -t stays clean, and logged.
func ignored[T any](a *analyzer, n *Node, _ T) {
	a.infof(n.Pos, "'%s' has no effect in govrrpd", n.Key)
}

func (a *analyzer) add(p Pos, s Severity, format string, args ...any) {
	a.diags = append(a.diags, Diagnostic{Pos: p, Severity: s, Msg: fmt.Sprintf(format, args...)})
}

func (a *analyzer) warnf(p Pos, format string, args ...any)  { a.add(p, Warning, format, args...) }
func (a *analyzer) fatalf(p Pos, format string, args ...any) { a.add(p, Fatal, format, args...) }
func (a *analyzer) infof(p Pos, format string, args ...any)  { a.add(p, Info, format, args...) }
func (a *analyzer) securityf(p Pos, format string, args ...any) {
	a.add(p, Security, format, args...)
}

// arg returns argument i, or warns that it is missing.
func (a *analyzer) arg(n *Node, i int) (string, bool) {
	if i < len(n.Args) {
		return n.Args[i].Text, true
	}
	a.warnf(n.Pos, "'%s' needs a value", n.Key)
	return "", false
}

// argInt parses argument i as an integer in [lo, hi].
func (a *analyzer) argInt(n *Node, i, lo, hi int) (int, bool) {
	s, ok := a.arg(n, i)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		a.warnf(n.Pos, "%s: invalid number '%s'", n.Key, s)
		return 0, false
	}
	if v < lo || v > hi {
		a.warnf(n.Pos, "%s: number '%s' outside range [%d, %d]", n.Key, s, lo, hi)
		return 0, false
	}
	return v, true
}

// argTimer parses argument i as keepalived's TIMER: seconds with a
// fraction, microsecond resolution, within [lo, hi].
func (a *analyzer) argTimer(n *Node, i int, lo, hi time.Duration) (time.Duration, bool) {
	s, ok := a.arg(n, i)
	if !ok {
		return 0, false
	}
	d, err := parseTimer(s)
	if err != nil {
		a.warnf(n.Pos, "%s: invalid time '%s'", n.Key, s)
		return 0, false
	}
	if d < lo || d > hi {
		a.warnf(n.Pos, "%s: number '%s' outside range [%s, %s]", n.Key, s, fmtSeconds(lo), fmtSeconds(hi))
		return 0, false
	}
	return d, true
}

// parseTimer reads "2", "2.5", "0.000001" as a duration.
func parseTimer(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e9 {
		return 0, fmt.Errorf("invalid time %q", s)
	}
	return time.Duration(math.Round(f*1e6)) * time.Microsecond, nil
}

// fmtSeconds prints a duration as keepalived writes timers: seconds with
// only the fraction that is needed.
func fmtSeconds(d time.Duration) string {
	us := d.Microseconds()
	if us%1e6 == 0 {
		return strconv.FormatInt(us/1e6, 10)
	}
	s := strconv.FormatFloat(float64(us)/1e6, 'f', 6, 64)
	return strings.TrimRight(s, "0")
}

// argBool reads an optional <BOOL> argument; a bare keyword means true,
// and so does an invalid word, after a warning.
func (a *analyzer) argBool(n *Node, i int) bool {
	v, ok := a.boolArg(n, i)
	return v || !ok
}

// boolArg is argBool for the keywords whose keepalived handler leaves the
// setting as it was when the word is not a boolean: ok is false then.
func (a *analyzer) boolArg(n *Node, i int) (v, ok bool) {
	if i >= len(n.Args) {
		return true, true
	}
	switch strings.ToLower(n.Args[i].Text) {
	case "on", "true", "yes":
		return true, true
	case "off", "false", "no":
		return false, true
	}
	a.warnf(n.Pos, "%s: invalid boolean '%s' (use on|off|true|false|yes|no)", n.Key, n.Args[i].Text)
	return false, false
}

// argAddr parses argument i as an IP address.
func (a *analyzer) argAddr(n *Node, i int) (netip.Addr, bool) {
	s, ok := a.arg(n, i)
	if !ok {
		return netip.Addr{}, false
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		a.warnf(n.Pos, "%s: invalid IP address '%s'", n.Key, s)
		return netip.Addr{}, false
	}
	return ip, true
}

// atFinish registers a check that needs the whole file.
func (a *analyzer) atFinish(f func()) { a.finishers = append(a.finishers, f) }
