package daemon

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

// The kernel prefilter lists the VRIDs of the socket's instances and
// follows them through reloads; one the kernel refuses is reported and
// leaves the socket unfiltered, never closed.
func TestPrefilterFollowsInstances(t *testing.T) {
	three := twoInstances + instanceText("VI_3", "eth0", 9, 100, "192.0.2.150/24") +
		instanceText("VI_4", "eth1", 1, 100, "198.51.100.100/24")
	h := newHarness(t, three, "eth0=192.0.2.1", "eth1=198.51.100.1")
	want := func(step, ifname string, vrids ...uint8) {
		t.Helper()
		h.d.applyFilters()
		if got, ok := h.sys.filters[ifname]; !ok || !slices.Equal(got, vrids) {
			t.Errorf("%s: %s filter %v (installed %v), want %v", step, ifname, got, ok, vrids)
		}
	}
	want("start", "eth0", 1, 2, 9)
	want("start", "eth1", 1)
	h.reload(twoInstances) // VI_3 and VI_4 go
	want("VI_3 removed", "eth0", 1, 2)
	h.reload(twoInstances + instanceText("VI_3", "eth0", 200, 100, "192.0.2.150/24"))
	want("VI_3 back as VRID 200", "eth0", 1, 2, 200)
	// A changed advert_int restarts VI_1 (reload.go's remove-and-append):
	// its VRID must stay listed.
	h.reload(strings.Replace(twoInstances, "advert_int 1", "advert_int 2", 1) + instanceText("VI_3", "eth0", 200, 100, "192.0.2.150/24"))
	want("VI_1 restarted", "eth0", 1, 2, 200)
	if len(h.d.refilter) != 0 {
		t.Errorf("%d sockets still pending", len(h.d.refilter))
	}
}

func TestPrefilterRefused(t *testing.T) {
	h := buildHarness(t, twoInstances, "eth0=192.0.2.1")
	var logged bytes.Buffer
	h.d.log = slog.New(slog.NewTextHandler(&logged, nil))
	h.sys.filterErr = errors.New("operation not permitted")
	h.start()
	h.d.applyFilters()
	s := h.d.socks[sockKey{"eth0", 4}]
	if s == nil || s.filter != nil {
		t.Fatalf("socket %v, filter %v: want the socket open and unfiltered", s, s.filter)
	}
	if !strings.Contains(logged.String(), "kernel prefilter not installed") || !strings.Contains(logged.String(), "eth0") {
		t.Errorf("log %q does not name the refused filter", logged.String())
	}
	h.sys.filterErr = nil
	h.reload(oneInstance)
	h.d.applyFilters()
	if !slices.Equal(s.filter, []uint8{1}) {
		t.Errorf("after the next change: filter %v, want [1]", s.filter)
	}
}
