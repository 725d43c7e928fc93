package lab

import "time"

// Probe is one echo request the outage meter sent.
type Probe struct {
	Seq  int
	Sent time.Time
	Recv time.Time // zero: never answered
}

// answered reports whether the reply came back within late. A reply that
// took longer (queued behind ARP resolution, say) still marks the moment
// the client got through, but the probe's send time was inside an outage.
func (p Probe) answered(late time.Duration) bool {
	return !p.Recv.IsZero() && p.Recv.Sub(p.Sent) <= late
}

// Outage is what a client saw of one failover.
type Outage struct {
	Lost     int           // probes not answered within the late limit
	Start    time.Time     // send time of the first such probe
	End      time.Time     // first reply received after the last such probe was sent
	Duration time.Duration // End-Start; 0 when nothing was lost
	// Gap is the longest silence between two replies in the window: the
	// figure notes/lab.md reports for keepalived as "gap".
	Gap       time.Duration
	Recovered bool // a reply arrived after the last lost probe
}

// MeasureOutage judges the probes sent in [from, to). Only the first and
// the last loss count, so a flap inside the window makes the outage span
// both losses: the client was not reliably served in between.
func MeasureOutage(probes []Probe, from, to time.Time, late time.Duration) Outage {
	var o Outage
	var lastLost time.Time
	var prevRecv time.Time
	for _, p := range probes {
		if p.Sent.Before(from) || !p.Sent.Before(to) {
			continue
		}
		if !p.Recv.IsZero() {
			if !prevRecv.IsZero() && p.Recv.Sub(prevRecv) > o.Gap {
				o.Gap = p.Recv.Sub(prevRecv)
			}
			if p.Recv.After(prevRecv) {
				prevRecv = p.Recv
			}
		}
		if p.answered(late) {
			continue
		}
		o.Lost++
		if o.Start.IsZero() {
			o.Start = p.Sent
		}
		lastLost = p.Sent
	}
	if o.Lost == 0 {
		return o
	}
	// A lost probe answered late also marks the recovery.
	for _, p := range probes {
		if p.Recv.IsZero() || p.Recv.Before(lastLost) || !p.Sent.Before(to) {
			continue
		}
		if o.End.IsZero() || p.Recv.Before(o.End) {
			o.End = p.Recv
		}
	}
	o.Recovered = !o.End.IsZero()
	if o.Recovered {
		o.Duration = o.End.Sub(o.Start)
	}
	return o
}
