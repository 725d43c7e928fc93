package daemon

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/track"
	"github.com/govrrpd/govrrpd/vrrp"
)

// harness runs the executor in-process on fake ports and a fake clock:
// steps in, port calls out, as text.
type harness struct {
	t       testing.TB
	d       *Daemon
	sys     *fakeSys
	log     *callLog
	clock   time.Time
	conf    string
	delayed []delayed
}

type delayed struct {
	at time.Time
	ev event
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// newHarness writes conf, sets up interfaces ("eth0=192.0.2.1" exists
// with that address, "eth1=" exists without one) and starts the daemon.
func newHarness(t testing.TB, conf string, ifaces ...string) *harness {
	h := buildHarness(t, conf, ifaces...)
	h.start()
	return h
}

// buildHarness is newHarness up to the start, for a test that must set
// the fakes up first.
func buildHarness(t testing.TB, conf string, ifaces ...string) *harness {
	h := &harness{t: t, clock: epoch, conf: filepath.Join(t.TempDir(), "keepalived.conf")}
	h.log = &callLog{now: func() time.Time { return h.clock }, start: epoch}
	h.sys = newFakeSys(h.log)
	for _, spec := range ifaces {
		name, addr, _ := strings.Cut(spec, "=")
		h.sys.links[name] = true
		if addr != "" {
			h.sys.primary[name] = netip.MustParseAddr(addr)
		}
	}
	cfg, diags := h.load(conf)
	d := newDaemon(cfg, Options{ConfigFile: h.conf, VRRPOnly: true, Log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		h.sys, fakeNotifier{h.log})
	d.now = func() time.Time { return h.clock }
	d.after = func(dl time.Duration, ev event) { h.delayed = append(h.delayed, delayed{h.clock.Add(dl), ev}) }
	d.wake, d.probesOff, d.baseline = &fakeWaker{}, true, diags
	d.ctx = context.Background()
	d.configHash = configHash(cfg)
	h.d = d
	return h
}

func (h *harness) start() {
	h.t.Helper()
	if err := h.d.start(h.d.ctx); err != nil {
		h.t.Fatalf("start: %v", err)
	}
}

func (h *harness) load(conf string) (*confparse.Config, confparse.Diagnostics) {
	h.t.Helper()
	if err := os.WriteFile(h.conf, []byte(conf), 0o600); err != nil {
		h.t.Fatal(err)
	}
	cfg, diags := confparse.Load(h.conf, confparse.Options{})
	for _, x := range diags {
		if x.Severity == confparse.Fatal {
			h.t.Fatalf("config: %s: %s", x.Pos, x.Msg)
		}
	}
	return cfg, diags
}

// run executes one step and logs it first.
func (h *harness) run(step string) {
	h.t.Helper()
	h.log.lines = append(h.log.lines, "> "+step)
	w := strings.Fields(step)
	switch w[0] {
	case "advance":
		h.advance(h.dur(w[1]))
	case "advert":
		h.advert(w[1:])
	case "raw":
		h.raw(w[1], w[2], w[3])
	case "link":
		h.sys.links[w[1]] = w[2] == "up"
		h.d.handle(evLink{ifname: w[1], up: w[2] == "up"})
	case "addr":
		h.sys.links[w[1]] = true
		h.sys.primary[w[1]] = netip.MustParseAddr(w[2])
		h.d.handle(evAddr{ifname: w[1]})
	case "fail-add", "ok-add":
		h.sys.failAdd[netip.MustParsePrefix(w[1])] = w[0] == "fail-add"
	case "track":
		h.track(w[1:])
	case "reload":
		h.reload(strings.Join(w[1:], " "))
	case "maintenance":
		c := make(chan error, 1)
		h.d.handle(evMaintenance{name: w[1], on: w[2] == "on", reply: c})
		if err := <-c; err != nil {
			h.log.add("maintenance error: %v", err)
		}
	case "sigterm":
		h.d.beginShutdown()
	case "finish":
		h.d.finishShutdown()
	case "state":
		h.states()
	case "stats":
		for _, l := range strings.Split(strings.TrimSpace(string(h.d.statsText())), "\n") {
			h.log.lines = append(h.log.lines, "  | "+l)
		}
	default:
		h.t.Fatalf("unknown step %q", step)
	}
}

func (h *harness) dur(s string) time.Duration {
	h.t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// advance moves the clock, firing every timer and delayed event on its
// own deadline, in order, as the loop does.
func (h *harness) advance(by time.Duration) {
	end := h.clock.Add(by)
	for {
		next := end
		if t := h.d.timers.peek(); t != nil && t.at.Before(next) {
			next = t.at
		}
		slices.SortFunc(h.delayed, func(a, b delayed) int { return a.at.Compare(b.at) })
		if len(h.delayed) > 0 && h.delayed[0].at.Before(next) {
			next = h.delayed[0].at
		}
		if next.Before(h.clock) {
			next = h.clock
		}
		h.clock = next
		h.d.fireDue()
		if len(h.delayed) > 0 && !h.delayed[0].at.After(h.clock) {
			ev := h.delayed[0].ev
			h.delayed = h.delayed[1:]
			h.d.handle(ev)
			continue
		}
		if !h.clock.Before(end) {
			return
		}
	}
}

// advert IF from SRC vrid N prio P [int D] [ttl N] [ver V] [to DST]
// delivers a well-formed advert as the socket reader would.
func (h *harness) advert(w []string) {
	opt := map[string]string{"int": "1s", "ttl": "255", "ver": "2", "to": "224.0.0.18"}
	for i := 1; i+1 < len(w); i += 2 {
		opt[w[i]] = w[i+1]
	}
	ver, _ := strconv.Atoi(opt["ver"])
	vrid, _ := strconv.Atoi(opt["vrid"])
	prio, _ := strconv.Atoi(opt["prio"])
	ttl, _ := strconv.Atoi(opt["ttl"])
	src, dst := netip.MustParseAddr(opt["from"]), netip.MustParseAddr(opt["to"])
	iv, err := vrrp.IntervalToWire(ver, h.dur(opt["int"]))
	if err != nil {
		h.t.Fatal(err)
	}
	a := vrrp.Advert{Version: uint8(ver), VRID: uint8(vrid), Priority: uint8(prio), Interval: iv}
	// By default the advert carries the VIPs of our instance with that
	// VRID, as a peer with the same configuration sends.
	var vips []netip.Addr
	for _, in := range h.d.insts {
		if int(in.cfg.VRID) == vrid {
			vips = vipsOf(in)
		}
	}
	if v, ok := opt["vips"]; ok {
		vips = nil
		for _, x := range strings.Split(v, ",") {
			if x != "" {
				vips = append(vips, netip.MustParseAddr(x))
			}
		}
	}
	if err := a.SetAddrs(vips); err != nil {
		h.t.Fatal(err)
	}
	b, err := a.AppendTo(nil, src, dst, vrrp.ChecksumDefault)
	if err != nil {
		h.t.Fatal(err)
	}
	h.deliver(w[0], src, dst, ttl, b)
}

// advertFor is the VRRPv2 advert a peer at src sends for in's VRID with
// prio and in's VIPs, as the socket of in's interface delivers it now.
func (h *harness) advertFor(in *instance, src, dst netip.Addr, prio uint8) evPacket {
	h.t.Helper()
	a := vrrp.Advert{Version: 2, VRID: in.cfg.VRID, Priority: prio, Interval: 1}
	if err := a.SetAddrs(vipsOf(in)); err != nil {
		h.t.Fatal(err)
	}
	b, err := a.AppendTo(nil, src, dst, vrrp.ChecksumDefault)
	if err != nil {
		h.t.Fatal(err)
	}
	return evPacket{sock: h.d.socks[sockKey{in.cfg.Interface, in.family()}], at: h.clock, data: b,
		rx: vrrp.RxFacts{Src: src, Dst: dst, TTL: 255, TotalLen: len(b), RxLen: len(b)}}
}

func (h *harness) raw(ifname, src, hexdata string) {
	b, err := hex.DecodeString(hexdata)
	if err != nil {
		h.t.Fatal(err)
	}
	h.deliver(ifname, netip.MustParseAddr(src), netip.MustParseAddr("224.0.0.18"), 255, b)
}

func (h *harness) deliver(ifname string, src, dst netip.Addr, ttl int, b []byte) {
	fam := 4
	if src.Is6() {
		fam = 6
	}
	s := h.d.socks[sockKey{ifname, fam}]
	if s == nil {
		h.log.add("no socket on %s", ifname)
		return
	}
	n := len(b)
	h.d.handle(evPacket{sock: s, at: h.clock, data: b,
		rx: vrrp.RxFacts{Src: src, Dst: dst, TTL: uint8(ttl), TotalLen: n, RxLen: n}})
}

// track KIND NAME up|down|value=N
func (h *harness) track(w []string) {
	kind, ok := vrrp.ParseTrackKind(w[0])
	if !ok {
		h.t.Fatalf("tracker kind %q", w[0])
	}
	r := track.Result{Kind: kind, Name: w[1], Up: w[2] == "up"}
	if v, ok := strings.CutPrefix(w[2], "value="); ok {
		r.Value, _ = strconv.Atoi(v)
	}
	h.d.handle(evTrack{r})
}

// reload NAME swaps in the scenario's alternative configuration and
// runs SIGHUP's path to the end.
func (h *harness) reload(conf string) {
	if err := os.WriteFile(h.conf, []byte(conf), 0o600); err != nil {
		h.t.Fatal(err)
	}
	h.d.requestReload(nil)
	for h.d.reloading {
		h.d.handle(<-h.d.events)
	}
	r := h.d.history[len(h.d.history)-1]
	h.log.add("reload %s (%d changes)", r.Result, len(r.Changes))
	for _, c := range r.Changes {
		h.log.add("  change %s %s %s %s keeps_state=%v", c.Kind, c.Op, c.Object, c.Detail, c.KeepsState)
	}
}

// states logs every instance's state, priority, VIP holding and drops.
func (h *harness) states() {
	snap := h.d.snapshot()
	for _, in := range snap.Instances {
		var held []string
		for _, v := range in.VIPs {
			if h.sys.holds(netip.MustParsePrefix(v)) {
				held = append(held, v)
			}
		}
		line := fmt.Sprintf("state %s %s prio=%d master=%s vips-held=%v maintenance=%v", in.Name, in.State,
			in.EffectivePriority, in.MasterAddr, held, in.Maintenance)
		if len(in.Stats.Drops) > 0 {
			line += fmt.Sprintf(" drops=%v", in.Stats.Drops)
		}
		h.log.add("%s", line)
	}
	for _, i := range snap.Interfaces {
		if len(i.Drops) > 0 {
			h.log.add("interface %s %s drops=%v", i.Name, i.Family, i.Drops)
		}
	}
	h.log.add("timers armed %d, ports open %d", h.d.timers.armed(), h.sys.open)
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// vipsOf is in's VIP addresses, as its adverts carry them.
func vipsOf(in *instance) []netip.Addr {
	var out []netip.Addr
	for _, a := range in.cfg.VIPs {
		out = append(out, a.Prefix.Addr())
	}
	return out
}

// deadline is when in's timer id fires; the test fails if it is not armed.
func (h *harness) deadline(in *instance, id vrrp.TimerID) time.Time {
	h.t.Helper()
	at, ok := h.d.timers.deadline(in, id)
	if !ok {
		h.t.Fatalf("%s: timer %s not armed", in.cfg.Name, id)
	}
	return at
}
