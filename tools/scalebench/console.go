package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vishvananda/netns"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// consoleAddr is where r1's govrrpd serves its web console with -console:
// loopback inside r1's namespace, reached by dialling from a thread in it.
const consoleAddr = "127.0.0.1:18080"

// consoleBudget is issue #14's goal: the event streams of 50 browsers on a
// 4,000-instance daemon add at most this share of a core.
const consoleBudget = 5.0

// consoleResult is r1's CPU around the window with the event streams open.
type consoleResult struct {
	Clients  int
	Off1, On float64 // % of a core: the scale window (no client), then with the clients
	Off2     float64 // after the clients left
	// ProcsOn and ProcsOff2 are the processes of r1's tree at the end of
	// those windows: the daemon, plus govrrpd-ops while it serves (its CPU
	// and memory are the daemon's cost too, and counted).
	ProcsOn, ProcsOff2 int
	Rows               int   // instance rows in the first event each client got (the smallest)
	Events             int64 // data events received during the window
	Err                string
	Load               string
	Instances          int
	WindowLength       time.Duration
}

// Added is what the clients cost: the window with them against the mean
// of the windows before and after, which brackets the machine's drift.
func (c *consoleResult) Added() float64 { return c.On - (c.Off1+c.Off2)/2 }

// measureConsole opens n event streams on r1's /ui/events after its
// scale window (off1, already measured) and samples r1's CPU over a window
// with them open, then over one after they closed. The daemon is steady:
// the streams cost the hub's sampling of the 4,080-instance snapshot each
// second and their keepalives; a diff per tick to each client is measured
// in-process by BenchmarkEvents50Clients (internal/console).
func measureConsole(ctx context.Context, ns string, d *daemon, n int, off1 float64, tm timing) *consoleResult {
	res := &consoleResult{Clients: n, Off1: off1, WindowLength: tm.window, Rows: -1}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cl := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dialIn(ctx, ns, network, addr)
	}, MaxConnsPerHost: 0, MaxIdleConnsPerHost: n}}
	var events atomic.Int64
	var wg sync.WaitGroup
	rows := make(chan int, n)
	for range n {
		req, _ := http.NewRequestWithContext(cctx, "GET", "http://"+consoleAddr+"/ui/events", nil)
		resp, err := cl.Do(req)
		if err != nil {
			res.Err = fmt.Sprintf("event stream of r1's console: %v (log %s)", err, d.log)
			return res
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer resp.Body.Close()
			readEvents(resp.Body, rows, &events)
		}()
	}
	defer wg.Wait()
	defer cancel()
	for range n {
		select {
		case r := <-rows:
			if res.Rows < 0 || r < res.Rows {
				res.Rows = r
			}
		case <-time.After(30 * time.Second):
			res.Err = "an event stream sent no first state within 30 s"
			return res
		}
	}
	on, procs, err := cpuOver(ctx, d, tm.window)
	res.On, res.ProcsOn, res.Events = on, procs, events.Load()
	if err != nil {
		res.Err = err.Error()
		return res
	}
	cancel()
	wg.Wait()
	// The hub stops sampling at its next tick once the last client left.
	if !sleepUntil(ctx, time.Now().Add(2*time.Second)) {
		res.Err = ctx.Err().Error()
		return res
	}
	if res.Off2, res.ProcsOff2, err = cpuOver(ctx, d, tm.window); err != nil {
		res.Err = err.Error()
	}
	res.Load = loadAvg()
	return res
}

// readEvents counts the data lines of one stream; the first one's
// instance rows go to rows.
func readEvents(body io.Reader, rows chan<- int, events *atomic.Int64) {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	first := true
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		events.Add(1)
		if first {
			first = false
			var st map[string]json.RawMessage
			_ = json.Unmarshal([]byte(data), &st)
			n := 0
			for id := range st {
				if strings.HasPrefix(id, "i-") {
					n++
				}
			}
			rows <- n
		}
	}
}

// cpuOver is the CPU of d and its child processes (govrrpd-ops serving
// the console) in % of a core over a window starting now, and how many
// processes the tree had at its end.
func cpuOver(ctx context.Context, d *daemon, window time.Duration) (float64, int, error) {
	a, err := lab.SampleTree("/proc", d.pid())
	if err != nil {
		return 0, 0, fmt.Errorf("r1: %w (log %s)", err, d.log)
	}
	start := time.Now()
	if !sleepUntil(ctx, start.Add(window)) {
		return 0, 0, ctx.Err()
	}
	b, err := lab.SampleTree("/proc", d.pid())
	if err != nil {
		return 0, 0, fmt.Errorf("r1: %w (log %s)", err, d.log)
	}
	return lab.CPUPercent(a, b, time.Since(start)), b.Procs, nil
}

// dialIn connects from inside namespace ns: the socket stays there for
// life. The thread is never unlocked, so Go discards it with the goroutine
// and nothing else ever runs in the namespace.
func dialIn(ctx context.Context, ns, network, addr string) (net.Conn, error) {
	type dialed struct {
		c   net.Conn
		err error
	}
	ch := make(chan dialed, 1)
	go func() {
		runtime.LockOSThread()
		h, err := netns.GetFromName(ns)
		if err != nil {
			ch <- dialed{nil, fmt.Errorf("namespace %s: %w", ns, err)}
			return
		}
		defer h.Close()
		if err := netns.Set(h); err != nil {
			ch <- dialed{nil, fmt.Errorf("enter %s: %w", ns, err)}
			return
		}
		var dl net.Dialer
		c, err := dl.DialContext(ctx, network, addr)
		ch <- dialed{c, err}
	}()
	r := <-ch
	return r.c, r.err
}

// reportConsole prints the console figures and the report's ROW line.
func reportConsole(w io.Writer, c *consoleResult) {
	fmt.Fprintf(w, "\nweb console: %d event-stream clients on r1 (%d instances), windows of %v\n", c.Clients, c.Instances, c.WindowLength)
	if c.Err != "" {
		fmt.Fprintf(w, "console ERROR: %s\n", c.Err)
		fmt.Fprintf(w, "ROW group=console name=\"%d SSE clients on a real 4,080-instance govrrpd (added CPU)\" govrrpd=\"-\" keepalived=\"– (no web console)\" target=\"≤ %.0f %%\" verdict=miss\n",
			c.Clients, consoleBudget)
		return
	}
	verdict := "pass"
	if c.Added() > consoleBudget || c.Rows != c.Instances {
		verdict = "MISS"
	}
	fmt.Fprintf(w, "r1 CPU: %.2f %% without clients, %.2f %% with %d, %.2f %% after they left: added %.2f %% of a core (budget %.0f %%): %s; first state %d/%d instance rows, %d events; load average %s; keepalived has no web console to compare with\n",
		c.Off1, c.On, c.Clients, c.Off2, c.Added(), consoleBudget, verdict, c.Rows, c.Instances, c.Events, c.Load)
	fmt.Fprintf(w, "r1 processes (daemon and helpers, all counted): %d with the clients, %d after they left\n", c.ProcsOn, c.ProcsOff2)
	fmt.Fprintf(w, "ROW group=console name=\"%d SSE clients on a real 4,080-instance govrrpd (added CPU)\" govrrpd=\"%.2f %%\" keepalived=\"– (no web console)\" target=\"≤ %.0f %%\" verdict=%s\n",
		c.Clients, c.Added(), consoleBudget, strings.ToLower(verdict))
}
