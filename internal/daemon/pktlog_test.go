package daemon

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
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
