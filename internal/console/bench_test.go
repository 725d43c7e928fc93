package console

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEvents50Clients is the load figure: 50 browsers on
// the event stream of a 4,000-instance daemon where one instance changes
// state per tick. It reports the console's CPU per tick as a share of a
// core at the real 1 s tick (budget: 5 %); the fake's snapshot is a copy,
// so the daemon's own cost of a read is not in it: bench/console.sh
// measures that on a real 4,080-instance govrrpd. The clients' reads run
// in the same process and are counted too, so the figure is high.
func BenchmarkEvents50Clients(b *testing.B) {
	const clients, tick = 50, 50 * time.Millisecond
	e := newEnv(b, false)
	e.c.hub.tick = tick
	e.b.D.Instances = manyInstances(4000)
	var n atomic.Int64
	e.b.setEdit(func(d *status.Daemon) {
		i := int(n.Add(1)) % len(d.Instances)
		d.Instances[i].State = "MASTER"
	})
	var got atomic.Int64
	for range clients {
		resp, err := http.Get(e.srv.URL + "/ui/events")
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		go func() {
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 4<<20)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "data: ") {
					got.Add(1)
				}
			}
		}()
	}
	time.Sleep(3 * tick) // past the first, full-state event
	b.ResetTimer()
	start, c0 := time.Now(), cpuTime()
	ticks := max(b.N, 40)
	time.Sleep(time.Duration(ticks) * tick)
	cpu, wall := cpuTime()-c0, time.Since(start)
	perTick := cpu / time.Duration(wall/tick)
	share := 100 * float64(perTick) / float64(time.Second)
	b.ReportMetric(float64(perTick.Microseconds()), "µs-cpu/tick")
	b.ReportMetric(share, "%core@1s")
	verdict := "pass"
	if share > 5 {
		verdict = "MISS"
	}
	fmt.Printf("console SSE: %d clients, 4000 instances: %v CPU per tick = %.2f %% of a core at 1 tick/s (budget 5 %%): %s; keepalived has no web console to compare with; %d events received\n",
		clients, perTick, share, verdict, got.Load())
	// The report's line format (tools/benchreport).
	fmt.Printf("ROW group=console name=\"50 SSE clients on 4,000 instances, CPU at 1 tick/s\" govrrpd=\"%.2f %%\" keepalived=\"– (no web console)\" target=\"≤ 5 %%\" verdict=%s\n",
		share, strings.ToLower(verdict))
}
