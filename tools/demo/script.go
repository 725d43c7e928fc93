package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// demo is the running show.
type demo struct {
	ctx   context.Context
	l     *lab.Lab
	w     *lab.AddrWatch
	dc    *demoConf
	bin   string
	dir   string
	procs []*lab.Proc
	cl    *client
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

// masterDown is Master_Down_Interval for a backup of priority prio.
func (d *demo) masterDown(prio int) time.Duration {
	return 3*d.dc.Advert + time.Duration(256-prio)*d.dc.Advert/256
}

// script: elect, serve, crash the master, take over, restore, preempt.
func (d *demo) script() ([]row, error) {
	var rows []row
	vip := d.dc.VIP.Addr()
	t0 := time.Now()
	for i := range d.l.Routers {
		if err := d.start(i); err != nil {
			return nil, err
		}
	}
	step("govrrpd started on r1, r2, r3 (-P: VRRP only, the host kernel has no IPVS)")
	ev, ok := d.w.Wait("r1", vip, true, t0, d.masterDown(prios[0])+5*time.Second)
	if !ok {
		return nil, d.fail("no router took the VIP")
	}
	if err := d.waitOnly(0, 3*time.Second); err != nil {
		return nil, err
	}
	step("r1 is MASTER (priority %d): it holds %s; r2 and r3 are BACKUP", prios[0], vip)
	rows = append(rows, row{"election: start → VIP on r1", ms(ev.At.Sub(t0))})
	d.cl = startClient(d.l.Client, fmt.Sprintf("%s:%d", vip, port), dialEvery, dialTimeout)
	if err := d.waitServed("r1", time.Now(), 5*time.Second); err != nil {
		return nil, err
	}
	step("client 192.0.2.100 connects to %s:%d every %v — answered by r1", vip, port, dialEvery)
	if err := d.sleep(time.Second); err != nil {
		return nil, err
	}

	step("crash r1: SIGSTOP + SIGKILL, VIP gone as if the host died")
	tc := time.Now()
	if err := d.procs[0].CrashTree(nil, d.dc.VIP); err != nil {
		return nil, err
	}
	bound := d.masterDown(prios[1])
	ev, ok = d.w.Wait("r2", vip, true, tc, bound+5*time.Second)
	if !ok {
		return nil, d.fail("r2 never took over")
	}
	step("r2 is MASTER: VIP on r2 %s after the crash (its Master_Down_Interval: %s)", ms(ev.At.Sub(tc)), ms(bound))
	if err := d.waitServed("r2", ev.At, 5*time.Second); err != nil {
		return nil, err
	}
	o := d.outage(tc)
	step("client: %d connections failed; answered by r2 again %s after the crash", o.Lost, ms(o.End.Sub(tc)))
	rows = append(rows,
		row{"crash: r1 killed → VIP on r2", ms(ev.At.Sub(tc))},
		row{"  protocol bound (Master_Down_Interval)", ms(bound)},
		row{"  client outage (10 ms connects)", fmt.Sprintf("%s, %d failed", ms(o.Duration), o.Lost)})
	if err := d.sleep(time.Second); err != nil {
		return nil, err
	}

	step("restore r1: govrrpd starts again and preempts (priority %d > %d)", prios[0], prios[1])
	tr := time.Now()
	if err := d.start(0); err != nil {
		return nil, err
	}
	ev, ok = d.w.Wait("r1", vip, true, tr, d.masterDown(prios[0])+5*time.Second)
	if !ok {
		return nil, d.fail("r1 did not preempt")
	}
	if err := d.waitOnly(0, 3*time.Second); err != nil {
		return nil, err
	}
	released := "r2 released it"
	if rel, ok := d.w.Wait("r2", vip, false, tr, time.Second); ok {
		released += fmt.Sprintf(" %.1f ms later", float64(rel.At.Sub(ev.At))/float64(time.Millisecond))
	}
	step("r1 is MASTER again: VIP on r1 %s after restart; %s", ms(ev.At.Sub(tr)), released)
	if err := d.waitServed("r1", ev.At, 5*time.Second); err != nil {
		return nil, err
	}
	o = d.outage(tr)
	step("client: %d connections failed during preemption (longest wait %s); answered by r1", o.Lost, ms(o.Gap))
	rows = append(rows,
		row{"preemption: r1 restarted → VIP on r1", ms(ev.At.Sub(tr))},
		row{"  client: longest wait for an answer", fmt.Sprintf("%s, %d failed", ms(o.Gap), o.Lost)},
		row{"whole demo", ms(time.Since(t0))})
	return rows, nil
}

// outage is what the client saw from t on; attempts younger than the
// late limit may still succeed and are left out.
func (d *demo) outage(t time.Time) lab.Outage {
	_, ps := d.cl.snapshot()
	return lab.MeasureOutage(ps, t, time.Now().Add(-lateAnswer), lateAnswer)
}

// waitOnly waits until router i alone holds the VIP.
func (d *demo) waitOnly(i int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var holders []string
		for _, h := range d.l.Routers {
			if ok, _ := h.HasAddr(d.dc.VIP.Addr()); ok {
				holders = append(holders, h.Name)
			}
		}
		if len(holders) == 1 && holders[0] == d.l.Routers[i].Name {
			return nil
		}
		if time.Now().After(deadline) {
			return d.fail(fmt.Sprintf("VIP held by %v, want only %s", holders, d.l.Routers[i].Name))
		}
		if err := d.sleep(10 * time.Millisecond); err != nil {
			return err
		}
	}
}

// waitServed waits until every connection for steadyWindow after since
// was answered by router name.
func (d *demo) waitServed(name string, since time.Time, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		at, _ := d.cl.snapshot()
		settled := time.Now().Add(-dialTimeout)
		var run time.Duration
		for _, a := range at {
			if a.At.Before(since) || a.At.After(settled) {
				continue
			}
			if a.Done.IsZero() || a.From != name {
				run = 0
				continue
			}
			run += dialEvery
		}
		if run >= steadyWindow {
			return nil
		}
		if err := d.sleep(20 * time.Millisecond); err != nil {
			return err
		}
	}
	return d.fail(fmt.Sprintf("the client was not answered steadily by %s (last answer from %q)", name, d.cl.servedBy()))
}

func (d *demo) sleep(t time.Duration) error {
	select {
	case <-d.ctx.Done():
		return d.ctx.Err()
	case <-time.After(t):
		return nil
	}
}

// fail adds the tail of every daemon's log to an error.
func (d *demo) fail(msg string) error {
	if d.ctx.Err() != nil {
		return d.ctx.Err()
	}
	var b strings.Builder
	b.WriteString(msg)
	for _, p := range d.procs {
		if p == nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(p.LogText()), "\n")
		if len(lines) > 8 {
			lines = lines[len(lines)-8:]
		}
		fmt.Fprintf(&b, "\n--- %s (%s) ---\n%s", p.Host.Name, p.Log, strings.Join(lines, "\n"))
	}
	fmt.Fprintln(os.Stderr)
	return fmt.Errorf("%s", b.String())
}
