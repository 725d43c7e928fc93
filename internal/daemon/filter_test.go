package daemon

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
	"github.com/govrrpd/govrrpd/vrrp"
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
	// The fake's filter cannot count (no kernelDrops for eth0): said once.
	if n := strings.Count(logged.String(), "cannot count its drops"); n != 1 {
		t.Errorf("%d warnings that the filter cannot count, want 1:\n%s", n, logged.String())
	}
}

// The prefilter's drops reach the counts user space would have kept: a
// TTL drop on its VRID's instance (ip_ttl_err), an unserved VRID on the
// socket (vrid_err), each counted once however often they are read.
func TestKernelDropsFolded(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	h.d.applyFilters()
	k := &vrrpnet.KernelDrops{Unserved: 3}
	k.TTL[1], k.TTL[9] = 5, 100 // VRID 9 is not served: never read
	h.sys.kernelDrops = map[string]*vrrpnet.KernelDrops{"eth0": k}
	s, vi1 := h.d.socks[sockKey{"eth0", 4}], h.d.insts[0]
	check := func(step string, ttl, vrid uint64) {
		t.Helper()
		h.d.foldKernelDrops()
		if got := vi1.stats.keepalivedCount(vrrp.RxTTL); got != ttl {
			t.Errorf("%s: VI_1 ip_ttl_err %d, want %d", step, got, ttl)
		}
		if got := vi1.vridErrs(); got != vrid {
			t.Errorf("%s: vrid_err %d, want %d", step, got, vrid)
		}
		if n := h.d.insts[1].stats.drops[vrrp.RxTTL.String()]; n != 0 {
			t.Errorf("%s: VI_2 ip_ttl_err %d, want 0", step, n)
		}
	}
	check("first read", 5, 3)
	check("read again", 5, 3)
	k.TTL[1], k.Unserved = 7, 4
	check("more drops", 7, 4)
	h.d.clearStats()
	k.TTL[1]++
	check("after a stats clear", 1, 0)
	if s.drops[vrrp.RxTTL.String()] != 0 {
		t.Errorf("socket counted TTL drops of a served VRID: %v", s.drops)
	}
}
