package reliability

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// floodKind is one flood the injector sends toward both routers.
type floodKind struct {
	name  string
	build func(r *rig) [][]byte
}

var floodKinds = []floodKind{
	{"junk", func(r *rig) [][]byte {
		// Random bytes as protocol 112, random lengths: nothing decodes.
		var out [][]byte
		for i := 0; i < 64; i++ {
			a := r.advert(254)
			a.TruncateTo = 6 + i%40
			p := a.packet()
			_, _ = rand.Read(p[20:])
			out = append(out, p)
		}
		return out
	}},
	{"TTL 64", func(r *rig) [][]byte { a := r.advert(254); a.TTL = 64; return [][]byte{a.packet()} }},
	{"lower priority", func(r *rig) [][]byte { return [][]byte{r.advert(50).packet()} }},
}

// floodSetups: the two advert intervals, and 0.1 s again with -D,
// where every per-packet line would be written (277 MB in 30 s before the
// limiter).
var floodSetups = []setup{{Version: 2, Advert: time.Second}, {Version: 3, Advert: 100 * time.Millisecond},
	{Version: 3, Advert: 100 * time.Millisecond, Debug: true}}

// window is what the master did over one stretch of time.
type window struct {
	adv       intervals
	sent      int // adverts + GARPs seen from r1
	failovers int
	logBytes  [2]int64
	cpu       [2]float64
	pkts      int
	elapsed   time.Duration
}

// observe runs fn (a flood, or nothing) for d and measures the window.
func (r *rig) observe(d time.Duration, fn func(ctx context.Context) int) window {
	var w window
	log0 := [2]int64{r.logSize(0), r.logSize(1)}
	cpu0 := [2]lab.TreeSample{r.cpu(0), r.cpu(1)}
	from := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if fn != nil {
		w.pkts = fn(ctx)
	}
	<-ctx.Done()
	to := time.Now()
	w.elapsed = to.Sub(from)
	// Adverts still in flight at the end belong to the window.
	time.Sleep(50 * time.Millisecond)
	ads := r.adv.between(from, to)
	w.adv = gaps(ads)
	w.sent = len(ads) + len(r.garp.between(from, to))
	w.failovers = r.failovers(from, to)
	for i := range w.cpu {
		w.logBytes[i] = r.logSize(i) - log0[i]
		w.cpu[i] = lab.CPUPercent(cpu0[i], r.cpu(i), w.elapsed)
	}
	return w
}

// TestFloods floods both routers with junk, TTL-64 adverts and valid
// lower-priority adverts as fast as the injector can send, at advert_int
// 1 s (v2) and 0.1 s (v3). Targets (issue #16): 0 false failovers; the
// master's advert interval p99 within 10 % of advert_int; adverts + GARPs
// from the master ≤ 2× the same window without a flood; log ≤ 1 MB.
func TestFloods(t *testing.T) {
	for _, impl := range implementations(t) {
		for _, set := range floodSetups {
			t.Run(impl.name+"/"+set.String(), func(t *testing.T) {
				d := floodWindow(set)
				r := newRig(t, impl, set)
				// Both daemons repeat the GARP burst 5 s after becoming
				// master (vrrp_garp_master_delay): the baseline is the
				// steady state after it.
				time.Sleep(6 * time.Second)
				base := r.observe(d, nil)
				result(t, impl.name, fmt.Sprintf("no flood (%s, %v): %s, %d adverts+GARPs, CPU %.1f/%.1f %%",
					set, d, base.adv, base.sent, base.cpu[0], base.cpu[1]), base.failovers == 0)
				for _, k := range floodKinds {
					pkts := k.build(r)
					w := r.observe(d, func(ctx context.Context) int {
						n, err := r.inj.flood(ctx, pkts, 0, d)
						if err != nil {
							t.Error(err)
						}
						return n
					})
					rate := float64(w.pkts) / w.elapsed.Seconds() / 1000
					p99ok := w.adv.P99 <= set.Advert*11/10 && w.adv.N > 1
					sentOK := w.sent <= 2*max(base.sent, 1)
					logOK := w.logBytes[0] <= 1<<20 && w.logBytes[1] <= 1<<20
					result(t, impl.name, fmt.Sprintf("%s flood (%s, %v at %.1f kpps): %d false failovers, %s, %d adverts+GARPs (no flood %d), log %d/%d B, CPU master %.1f %% backup %.1f %%",
						k.name, set, d, rate, w.failovers, w.adv, w.sent, base.sent, w.logBytes[0], w.logBytes[1], w.cpu[0], w.cpu[1]),
						w.failovers == 0 && p99ok && sentOK && logOK)
					// Let a failover that did happen settle before the next kind.
					_ = r.waitOnly(0, set.masterDown()+2*time.Second)
				}
			})
		}
	}
}

// floodWindow is how long each flood lasts: 30 s in the long form, 5 s in
// CI's short form — but never under 15 advert intervals. The 2× target
// compares the master's frames with a quiet window of the same length, and
// answering a flood at all costs a fixed advert and two 5-frame GARP
// bursts (the answer and its vrrp_garp_master_delay repeat). Over 5
// intervals of 1 s that fixed cost alone exceeds 2× the 5 periodic adverts;
// over 15 it is within it, as over the 30 s. And a p99 needs 100
// intervals: over 5 s of 100 ms adverts (50 intervals) the nearest-rank
// p99 is the maximum, and one interval 10.5 ms late failed CI runs that
// the long form's p99 would have passed; so a short flood lasts at least
// 100 intervals where that takes at most 10 s (at 1 s adverts, 15 s stay:
// the bound is 100 ms there, ten times any jitter seen).
func floodWindow(set setup) time.Duration {
	d := pick(5*time.Second, 30*time.Second)
	if min := 15 * set.Advert; d < min {
		d = min
	}
	if p99 := 100 * set.Advert; d < p99 && p99 <= 10*time.Second {
		d = p99
	}
	return d
}
