package lab

import "time"

// Probe is one echo request the outage meter sent.
type Probe struct {
	Seq  int
	Sent time.Time // the probe's slot: stamped just before the send
	// Left is when the send returned; zero where it was not recorded. A
	// client descheduled between the two (a loaded machine) sends the
	// probe late, and a reply measured from Sent would read as a loss the
	// routers never caused.
	Left time.Time
	Recv time.Time // zero: never answered; the kernel's receive time where known
}

// Answered reports whether the reply came back within late of the probe's
// slot, or of the moment it left when the client itself sent it late. A
// reply that took longer (queued behind ARP resolution, say) still marks
// the moment the client got through, but the probe's send time was inside
// an outage.
func (p Probe) Answered(late time.Duration) bool {
	if p.Recv.IsZero() {
		return false
	}
	return p.Recv.Sub(p.Sent) <= late || (!p.Left.IsZero() && p.Recv.Sub(p.Left) <= late)
}

// clientLate reports a probe answered in time only when measured from the
// moment it left: the client, not the routers, held it back.
func (p Probe) clientLate(late time.Duration) bool {
	return p.Answered(late) && p.Recv.Sub(p.Sent) > late
}

// departed is when the probe left, as near as the meter knows.
func (p Probe) departed() time.Time {
	if p.Left.IsZero() {
		return p.Sent
	}
	return p.Left
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
	// ClientLate counts probes the client sent more than the late limit
	// after their slot and that were answered in time from when they left:
	// the meter's own stalls, not counted as lost.
	ClientLate int
	// SendGap is the longest time between two probes leaving: where the
	// client stalled, nothing was measured.
	SendGap time.Duration
}

// MeasureOutage judges the probes sent in [from, to). Only the first and
// the last loss count, so a flap inside the window makes the outage span
// both losses: the client was not reliably served in between.
func MeasureOutage(probes []Probe, from, to time.Time, late time.Duration) Outage {
	var o Outage
	var lastLost time.Time
	var prevRecv, prevLeft time.Time
	for _, p := range probes {
		if p.Sent.Before(from) || !p.Sent.Before(to) {
			continue
		}
		if !prevLeft.IsZero() && p.departed().Sub(prevLeft) > o.SendGap {
			o.SendGap = p.departed().Sub(prevLeft)
		}
		prevLeft = p.departed()
		if p.clientLate(late) {
			o.ClientLate++
		}
		if !p.Recv.IsZero() {
			if !prevRecv.IsZero() && p.Recv.Sub(prevRecv) > o.Gap {
				o.Gap = p.Recv.Sub(prevRecv)
			}
			if p.Recv.After(prevRecv) {
				prevRecv = p.Recv
			}
		}
		if p.Answered(late) {
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
