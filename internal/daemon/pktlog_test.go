package daemon

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/ratelog"
	"github.com/govrrpd/govrrpd/vrrp"
)

// A flood of lower-priority adverts writes the line once, then one
// summary with the count when the 10 s window ends, not a line a packet.
func TestPacketLogRateLimited(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	var buf bytes.Buffer
	h.d.pktLog = newPacketLog(slog.New(slog.NewTextHandler(&buf, nil)), h.d)
	h.run("advance 4s")
	if !strings.Contains(h.d.insts[0].m.State().String(), "MASTER") {
		t.Fatalf("VI_1 is %s, want MASTER", h.d.insts[0].m.State())
	}
	const flood = 150 // 7.5 s: the master notices one a second
	for range flood {
		h.run("advert eth0 from 192.0.2.2 vrid 1 prio 50")
		h.run("advance 50ms")
	}
	const msg = "master received lower priority advert"
	if n := strings.Count(buf.String(), msg); n != 1 {
		t.Fatalf("%d lines for %d adverts, want 1:\n%s", n, flood, buf.String())
	}
	h.run("advance 11s")
	h.d.pktLog.h.Flush(t.Context())
	if !strings.Contains(buf.String(), "suppressed=") {
		t.Errorf("no summary after the window:\n%s", buf.String())
	}
	if n := strings.Count(buf.String(), msg); n != 2 {
		t.Errorf("%d lines, want the first and one summary:\n%s", n, buf.String())
	}
}

// With -D a flood of bad packets logs each reason and source once, then a
// count per window — from spoofed sources, at most dropKeys lines and the
// summary of the rest; without -D it logs nothing.
func TestDropLogRateLimited(t *testing.T) {
	cases := []struct {
		name    string
		level   slog.Level
		sources int
		want    int // "packet dropped" lines before the window ends
	}{
		{"info", slog.LevelInfo, 1, 0},
		{"debug one source", slog.LevelDebug, 1, 2}, // checksum (VI_1) and vrid (no instance)
		// dropKeys kinds, and the first record of all the others.
		{"debug spoofed sources", slog.LevelDebug, 500, dropKeys + 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, oneInstance, "eth0=192.0.2.1")
			var buf bytes.Buffer
			h.d.pktLog = newPacketLog(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: c.level})), h.d)
			for i := range 1000 {
				n := i % c.sources
				src := fmt.Sprintf("%s.%d", []string{"198.51.100", "203.0.113"}[n/250], 1+n%250)
				h.run("raw eth0 " + src + " 2101c80100010000c00002640000000000000000") // checksum 0
				h.run("advert eth0 from " + src + " vrid 9 prio 200")
			}
			const msg = "packet dropped"
			if n := strings.Count(buf.String(), msg); n != c.want {
				t.Fatalf("%d lines for 2,000 drops, want %d:\n%s", n, c.want, buf.String())
			}
			h.run("advance 11s")
			h.d.pktLog.drops.Flush(t.Context())
			if c.sources > dropKeys && !strings.Contains(buf.String(), ratelog.OthersMsg) {
				t.Errorf("no summary of the kinds beyond %d:\n%s", dropKeys, buf.String())
			}
			if c.level == slog.LevelDebug && !strings.Contains(buf.String(), "suppressed=") {
				t.Errorf("no summary after the window:\n%s", buf.String())
			}
			if c.level == slog.LevelInfo && buf.Len() != 0 {
				t.Errorf("without -D drops were logged:\n%s", buf.String())
			}
		})
	}
}

// junkPacket is a bad-checksum advert for VI_1 from one source: the -D
// junk flood's packet, dropped after the decode.
func junkPacket(h *harness) evPacket {
	b := []byte{0x21, 0x01, 0xc8, 0x01, 0x00, 0x01, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x64, 0, 0, 0, 0, 0, 0, 0, 0}
	return evPacket{sock: h.d.socks[sockKey{"eth0", 4}], at: h.clock, data: b, rx: vrrp.RxFacts{
		Src: mustAddr("198.51.100.7"), Dst: vrrp.Group(vrrp.IPv4), TTL: 255, TotalLen: len(b), RxLen: len(b)}}
}

func leveledHarness(tb testing.TB, level slog.Level) *harness {
	h := newHarness(tb, oneInstance, "eth0=192.0.2.1")
	h.d.pktLog = newPacketLog(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: level})), h.d)
	return h
}

// With -D, a flood's repeated drop costs the log path nothing: no record
// is built for a line that is held back (a record per packet cost 6 µs
// and 12 allocations, and delayed the master's adverts under a junk
// flood). The repeat is still counted for the summary.
func TestDropLogRepeatAllocations(t *testing.T) {
	h := leveledHarness(t, slog.LevelDebug)
	ev := junkPacket(h)
	h.d.receive(h.clock, ev) // the first is logged
	in := h.d.insts[0]
	n := testing.AllocsPerRun(100, func() { h.d.pktLog.drop(in, "checksum", ev.rx.Src) })
	if n > 0 {
		t.Errorf("%v allocations per repeated drop with -D, want 0", n)
	}
	// And the whole receive path of a junk packet: decoded, refused,
	// counted, held back by the limiter (#16: the flood's cost).
	if n := testing.AllocsPerRun(100, func() { h.d.receive(h.clock, ev) }); n > 0 {
		t.Errorf("%v allocations per junk packet received with -D, want 0", n)
	}
	if got := h.d.pktLog.drops.Keys(); got != 1 {
		t.Errorf("%d drop kinds tracked, want 1", got)
	}
}

// BenchmarkDropJunk is the receive path of the -D junk flood: a decode
// failure, counted, and logged through the drop limiter.
func BenchmarkDropJunk(b *testing.B) {
	for _, c := range []struct {
		name  string
		level slog.Level
	}{{"info", slog.LevelInfo}, {"debug", slog.LevelDebug}} {
		b.Run(c.name, func(b *testing.B) {
			h := leveledHarness(b, c.level)
			ev := junkPacket(h)
			b.ReportAllocs()
			for b.Loop() {
				h.d.receive(h.clock, ev)
			}
		})
	}
}
