package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// renderStatus prints a snapshot as `govrrpd status` shows it: a header,
// the instances, the sync groups, the virtual and real servers.
func renderStatus(w io.Writer, d status.Daemon) {
	fmt.Fprintf(w, "govrrpd %s, pid %d, up %s, config %s (hash %s)\n", d.Version, d.PID,
		d.Now.Sub(d.Started).Round(time.Second), d.ConfigFile, short(d.ConfigHash))
	if n := len(d.Reloads); n > 0 {
		r := d.Reloads[n-1]
		fmt.Fprintf(w, "last reload %s: %s, %d changes\n", r.At.Format(time.RFC3339), r.Result, len(r.Changes))
	}
	if len(d.Instances) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "INSTANCE\tVRID\tFAMILY\tINTERFACE\tSTATE\tPRIORITY\tMASTER\tVIPS\tSINCE\tWHY")
		for _, in := range d.Instances {
			state := in.State
			if in.Maintenance {
				state += " (maintenance)"
			}
			prio := fmt.Sprint(in.Priority)
			if in.EffectivePriority != in.Priority {
				prio = fmt.Sprintf("%d→%d", in.Priority, in.EffectivePriority)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", in.Name, in.VRID, in.Family, in.Interface, state,
				prio, dash(in.MasterAddr), dash(strings.Join(in.VIPs, ",")), ago(d.Now, in.LastTransition), dash(in.LastReason))
		}
		tw.Flush()
	}
	if len(d.SyncGroups) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SYNC GROUP\tSTATE\tMEMBERS")
		for _, g := range d.SyncGroups {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", g.Name, g.State, strings.Join(g.Members, ","))
		}
		tw.Flush()
	}
	if len(d.VirtualServers) > 0 {
		fmt.Fprintln(w)
		renderVirtualServers(w, d.VirtualServers)
	}
	if d.BGP != nil {
		fmt.Fprintln(w)
		renderBGP(w, d.BGP)
	}
}

func renderVirtualServers(w io.Writer, vss []status.VirtualServer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VIRTUAL SERVER\tSCHED\tREAL SERVER\tWEIGHT\tHEALTH\tLAST CHECK\tCONNS")
	for _, vs := range vss {
		if len(vs.Reals) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t-\t\t\t\t%d\n", vs.Key, vs.Scheduler, vs.Stats.Conns)
		}
		for i, rs := range vs.Reals {
			key, sched := vs.Key, vs.Scheduler
			if i > 0 {
				key, sched = "", ""
			}
			health := "down"
			if rs.Healthy {
				health = "up"
			}
			if rs.Drained {
				health += ", drained"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%s\t%s\t%d\n", key, sched, rs.Key, rs.WeightCurrent, rs.WeightConfigured,
				health, lastCheck(rs.Checkers), rs.Stats.Conns)
		}
	}
	tw.Flush()
}

func lastCheck(cs []status.Checker) string {
	var parts []string
	for _, c := range cs {
		p := c.Kind
		if c.LastResult != "" {
			p += " " + c.LastResult
		}
		if c.LastLatency > 0 {
			p += fmt.Sprintf(" (%s)", time.Duration(c.LastLatency).Round(10*time.Microsecond))
		}
		parts = append(parts, p)
	}
	return dash(strings.Join(parts, "; "))
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return now.Sub(t).Round(time.Second).String() + " ago"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// renderBGP is `govrrpd status`'s BGP part: sessions, then announcements
// with the condition that withdraws them.
func renderBGP(w io.Writer, b *status.BGP) {
	if b.Down != "" {
		fmt.Fprintf(w, "BGP DOWN: %s\n\n", b.Down)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "BGP NEIGHBOR (AS %d, id %s)\tAS\tSTATE\tUP\tHOLD\tSENT\tRECEIVED\n", b.LocalAS, b.RouterID)
	for _, n := range b.Neighbors {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%d\n", n.Addr, n.AS, n.State, time.Duration(n.Uptime),
			time.Duration(n.HoldTime), n.PrefixesSent, n.PrefixesReceived)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ANNOUNCE\tSTATE\tCONDITIONS\tAT")
	for _, a := range b.Announcements {
		state := "withdrawn"
		if a.Announced {
			state = "announced"
		}
		var cs []string
		for _, c := range a.Conditions {
			mark := "no"
			if c.Holds {
				mark = "yes"
			}
			cs = append(cs, c.Condition+": "+mark)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Prefix, state, dash(strings.Join(cs, "; ")), a.At)
	}
	tw.Flush()
}
