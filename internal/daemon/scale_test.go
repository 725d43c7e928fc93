package daemon

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// The resident cost of an instance decides what thousands of them cost
// (issue #12: RSS ≤ keepalived's at 4,080). These measure the live heap
// the executor keeps per instance, built through the real start-up path
// on the fake ports, so the figure needs no root and no lab.

// scaleConf is tools/scalebench's configuration for links × vrids
// instances: state BACKUP, advert_int 1, one /32 VIP each.
func scaleConf(links, vrids, prio int) string {
	var b strings.Builder
	for i := range links {
		for v := 1; v <= vrids; v++ {
			fmt.Fprintf(&b, "vrrp_instance VI_%d_%d {\n    state BACKUP\n    interface sb%d\n    virtual_router_id %d\n"+
				"    priority %d\n    advert_int 1\n    virtual_ipaddress {\n        198.18.%d.%d/32\n    }\n}\n",
				i, v, i, v, prio, i, v)
		}
	}
	return b.String()
}

func scaleIfaces(links int) []string {
	var out []string
	for i := range links {
		out = append(out, fmt.Sprintf("sb%d=198.19.%d.1", i, i))
	}
	return out
}

// liveHeap is the heap still reachable after two collections.
func liveHeap() uint64 { return heapAfterGC().HeapAlloc }

func heapAfterGC() *runtime.MemStats {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return &ms
}

// scaleHeap starts links × vrids instances on quiet fake ports and returns
// the live heap per instance once started (all BACKUP) and once every
// instance is MASTER (no peer speaks).
func scaleHeap(t testing.TB, links, vrids int) (backup, master, slack float64) {
	conf, ifaces := scaleConf(links, vrids, 150), scaleIfaces(links)
	n := float64(links * vrids)
	base := liveHeap()
	h := buildHarness(t, conf, ifaces...)
	h.log.off = true
	h.start()
	backup = float64(int64(liveHeap())-int64(base)) / n
	h.advance(4 * time.Second)
	master = float64(int64(liveHeap())-int64(base)) / n
	for _, in := range h.d.insts {
		if in.m.State() != vrrp.StateMaster {
			t.Fatalf("%s is %s after 4 s alone, want MASTER", in.cfg.Name, in.m.State())
		}
	}
	// The heap in use beyond the live heap: spans left part-empty where
	// start-up garbage sat among what stays (slab.go). It is the whole
	// test process's, so it is reported, not held to a budget.
	ms := heapAfterGC()
	slack = float64(ms.HeapInuse-ms.HeapAlloc) / (1 << 20)
	runtime.KeepAlive(h)
	return backup, master, slack
}

// maxBytesPerInstance is the live-heap budget of one instance of the
// benchmark's shape, a master's included: about 1.25 times what it costs
// now (882–884 B started, 959–960 B as MASTER, session 7), so that a
// regression the size of the notify commands' (512 B) fails and the
// collector's noise (a few bytes an instance between runs) does not.
const maxBytesPerInstance = 1200

func TestScaleHeapPerInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 4,080 instances")
	}
	backup, master, slack := scaleHeap(t, 16, 255)
	t.Logf("live heap per instance at 4,080: %.0f B started (BACKUP), %.0f B as MASTER; heap in use beyond the live heap %.2f MB",
		backup, master, slack)
	if master > maxBytesPerInstance || backup > maxBytesPerInstance {
		t.Errorf("live heap per instance %.0f B (BACKUP) / %.0f B (MASTER), budget %d B", backup, master, maxBytesPerInstance)
	}
}

// BenchmarkScaleHeap reports the live heap per instance at 4,080
// instances (go test -run X -bench ScaleHeap -benchtime 1x).
func BenchmarkScaleHeap(b *testing.B) {
	var backup, master float64
	for range b.N {
		backup, master, _ = scaleHeap(b, 16, 255)
	}
	b.ReportMetric(backup, "B/backup-instance")
	b.ReportMetric(master, "B/master-instance")
}

// mastersAlone starts links × vrids instances on quiet fake ports and
// runs them for 10 s: all masters, past their GARP bursts.
func mastersAlone(t testing.TB, links, vrids int) *harness {
	h := buildHarness(t, scaleConf(links, vrids, 150), scaleIfaces(links)...)
	h.log.off = true
	h.start()
	h.advance(10 * time.Second)
	return h
}

// batchedSecond runs the n masters of h for a second and fails unless
// each sent its advert, through the batches.
func batchedSecond(t *testing.T, h *harness, n uint64) {
	t.Helper()
	if adverts, _ := masterSecond(h); adverts != n || uint64(h.sys.flushed) < n {
		t.Fatalf("%d adverts sent in a second by %d masters (%d through batches)", adverts, n, h.sys.flushed)
	}
}

// masterSecond runs 4,080 masters on quiet fake ports for one more
// second of the fake clock and returns the adverts they sent and the
// heap allocations that took.
func masterSecond(h *harness) (adverts, mallocs uint64) {
	count := func() (n uint64) {
		for _, in := range h.d.insts {
			n += in.stats.advertSent
		}
		return n
	}
	var before, after runtime.MemStats
	sent := count()
	runtime.ReadMemStats(&before)
	h.advance(time.Second)
	runtime.ReadMemStats(&after)
	return count() - sent, after.Mallocs - before.Mallocs
}

// A master's steady state (an advert a second from each of thousands of
// instances) allocates nothing: the collector then has no work however
// little headroom it is given (the default memory limit, memlimit.go).
func TestScaleMasterAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 4,080 instances")
	}
	h := mastersAlone(t, 16, 255)
	// The count is the process's: the least of three seconds leaves out
	// what another goroutine allocated meanwhile.
	var adverts, mallocs uint64
	for i := range 3 {
		a, m := masterSecond(h)
		if a != 4080 {
			t.Fatalf("%d adverts in a second from 4,080 masters", a)
		}
		if i == 0 || m < mallocs {
			adverts, mallocs = a, m
		}
	}
	if perAdvert := float64(mallocs) / float64(adverts); perAdvert > 0.05 {
		t.Errorf("%.2f allocations per advert (%d for %d), want none", perAdvert, mallocs, adverts)
	}
}

// A batch's buffers stay allocated between flushes: 255 masters on one
// interface leave in batches of at most maxBatch, and every advert counts.
func TestScaleAdvertBatchBound(t *testing.T) {
	h := mastersAlone(t, 1, 255)
	flushes := h.sys.flushes
	h.sys.maxFlush = 0
	batchedSecond(t, h, 255)
	want := (255 + maxBatch - 1) / maxBatch
	if n := h.sys.flushes - flushes; n != want || h.sys.maxFlush != maxBatch {
		t.Errorf("255 adverts due together on one interface: %d flushes of at most %d, want %d of at most %d",
			n, h.sys.maxFlush, want, maxBatch)
	}
}

// BenchmarkScaleMasterSecond is the executor's CPU for one second of
// 4,080 masters, without the system calls (fake ports): ns per advert.
func BenchmarkScaleMasterSecond(b *testing.B) {
	h := mastersAlone(b, 16, 255)
	b.ResetTimer()
	var adverts, mallocs uint64
	for range b.N {
		a, m := masterSecond(h)
		adverts, mallocs = adverts+a, mallocs+m
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(adverts), "ns/advert")
	b.ReportMetric(float64(mallocs)/float64(adverts), "allocs/advert")
}

// The masters' periodic adverts leave in one batch per interface and
// timer pass, not one system call each; an advert the kernel refuses
// costs its own instance only, and only what left is counted.
func TestScaleAdvertBatches(t *testing.T) {
	h := mastersAlone(t, 4, 50)
	flushes := h.sys.flushes
	batchedSecond(t, h, 200)
	if n := h.sys.flushes - flushes; n > 4 {
		t.Errorf("200 adverts due together on 4 interfaces took %d flushes, want one per interface", n)
	}
	if h.sys.maxFlush > maxBatch {
		t.Errorf("a flush carried %d adverts, more than maxBatch (%d)", h.sys.maxFlush, maxBatch)
	}
	refuse := 10
	h.sys.flushRefuses = &refuse
	before := map[*instance]uint64{}
	for _, in := range h.d.insts {
		before[in] = in.stats.advertSent
	}
	if adverts, _ := masterSecond(h); adverts != 4*49 {
		t.Errorf("each flush refused its 11th advert: %d counted as sent, want %d", adverts, 4*49)
	}
	var uncounted []string
	for _, in := range h.d.insts {
		if in.stats.advertSent == before[in] {
			uncounted = append(uncounted, fmt.Sprintf("%s/%d", in.cfg.Interface, in.cfg.VRID))
		}
	}
	slices.Sort(uncounted)
	slices.Sort(h.sys.refusedVRIDs)
	if len(uncounted) != 4 || !slices.Equal(uncounted, h.sys.refusedVRIDs) {
		t.Errorf("instances whose advert was not counted %v, want those refused %v", uncounted, h.sys.refusedVRIDs)
	}
}
