package bfdsub

import (
	"iter"
	"maps"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/bfd"
	"github.com/govrrpd/govrrpd/confparse"
)

func mapsKeys(m map[string]*sess) iter.Seq[string] { return maps.Keys(m) }

// apply runs on the loop: sessions are kept, reconfigured, replaced or
// taken down; listeners open for the families in use.
func (s *Subsystem) apply(insts []confparse.BFDInstance) {
	now := s.opts.Now()
	want := map[string]confparse.BFDInstance{}
	for _, in := range insts {
		want[in.Name] = in
	}
	for _, ss := range s.sorted() {
		in, ok := want[ss.inst.Name]
		if ok && in.Neighbor == ss.inst.Neighbor && in.Settings.Source == ss.inst.Settings.Source &&
			in.SendTTL() == ss.inst.SendTTL() {
			ss.inst = in
			s.act(ss, now, ss.s.Reconfigure(now, in.Settings))
			delete(want, in.Name)
			continue
		}
		s.remove(ss, now)
	}
	for _, in := range insts {
		if _, ok := want[in.Name]; ok {
			s.add(in, now)
		}
	}
	s.listen()
	s.publish()
}

func (s *Subsystem) add(in confparse.BFDInstance, now time.Time) {
	discr := s.rng.Uint32()
	for discr == 0 || s.byDiscr[discr] != nil {
		discr = s.rng.Uint32()
	}
	ss := &sess{inst: in, s: bfd.NewSession(in.Settings, discr, s.rng.Uint64())}
	for id := range ss.timers {
		id := bfd.TimerID(id)
		ss.timers[id] = s.opts.Timers.NewTimer(id, func(now time.Time) { s.fire(ss, id, now) })
	}
	s.sessions[in.Name], s.byDiscr[discr] = ss, ss
	s.log.Info("BFD session started", "name", in.Name, "neighbor", in.Neighbor, "min_tx", in.MinTx,
		"min_rx", in.MinRx, "multiplier", in.Multiplier, "passive", in.Passive)
	s.open(ss)
	s.act(ss, now, ss.s.Start(now))
}

func (s *Subsystem) remove(ss *sess, now time.Time) {
	s.act(ss, now, ss.s.Stop(now))
	for _, t := range ss.timers {
		t.Stop()
	}
	if ss.tx != nil {
		ss.tx.Close()
	}
	local, _ := ss.s.Discriminators()
	delete(s.sessions, ss.inst.Name)
	delete(s.byDiscr, local)
	s.log.Info("BFD session removed", "name", ss.inst.Name)
}

// open makes the session's transmit socket; a failure is logged once and
// retried at each transmission.
func (s *Subsystem) open(ss *sess) bool {
	if ss.tx != nil {
		return true
	}
	tx, err := s.opts.Net.Dial(ss.inst.Settings.Source, netip.AddrPortFrom(ss.inst.Neighbor, bfd.Port), ss.inst.SendTTL())
	if err != nil {
		if !ss.txErr {
			s.log.Error("BFD session cannot send", "name", ss.inst.Name, "err", err)
		}
		ss.txErr = true
		return false
	}
	ss.tx, ss.txErr = tx, false
	return true
}

// listen opens the receive socket of each family some session uses.
func (s *Subsystem) listen() {
	for _, ss := range s.sessions {
		fam := 0
		if ss.inst.Neighbor.Is6() {
			fam = 1
		}
		if s.listeners[fam] != nil {
			continue
		}
		l, err := s.opts.Net.Listen(fam == 1)
		if err != nil {
			s.log.Error("BFD cannot receive: sessions of this family stay down", "err", err)
			continue
		}
		s.listeners[fam] = l
		s.wg.Add(1)
		go s.read(l)
	}
}

// read runs per listener and hands datagrams to the owner's loop.
func (s *Subsystem) read(l Listener) {
	defer s.wg.Done()
	for {
		buf := make([]byte, 128)
		d, err := l.Read(buf)
		if err != nil {
			select {
			case <-s.done:
				return
			default:
			}
			s.log.Warn("BFD receive", "err", err)
			select {
			case <-s.done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		s.opts.Deliver(d)
		select {
		case <-s.done:
			return
		default:
		}
	}
}

// Receive demultiplexes a datagram the owner's loop was handed by
// Deliver (RFC 5880 §6.3: by Your Discriminator, else by the source
// address) and feeds the session.
func (s *Subsystem) Receive(d Datagram) {
	if s.stopped || s.sessions == nil {
		return
	}
	p, err := bfd.Decode(d.Payload)
	if err != nil {
		s.log.Debug("BFD packet discarded", "from", d.From, "err", err)
		return
	}
	var ss *sess
	if p.YourDisc != 0 {
		ss = s.byDiscr[p.YourDisc]
	} else {
		for _, c := range s.sessions {
			src := c.inst.Settings.Source
			if c.inst.Neighbor == d.From.Addr() && (!src.IsValid() || !d.To.IsValid() || src == d.To) {
				ss = c
			}
		}
	}
	if ss == nil || ss.inst.Neighbor != d.From.Addr() {
		s.log.Debug("BFD packet for no session", "from", d.From, "your_discriminator", p.YourDisc)
		return
	}
	now := s.opts.Now()
	acts, err := ss.s.Receive(now, p, d.TTL)
	if err != nil {
		s.log.Debug("BFD packet discarded", "from", d.From, "err", err)
		return
	}
	s.act(ss, now, acts)
	s.refresh(ss)
}

// act carries out a session's actions.
func (s *Subsystem) act(ss *sess, now time.Time, acts []bfd.Action) {
	for _, a := range acts {
		switch a.Kind {
		case bfd.ActSend:
			s.send(ss, a.Packet)
		case bfd.ActArm:
			ss.timers[a.Timer].Arm(a.At)
		case bfd.ActStop:
			ss.timers[a.Timer].Stop()
		case bfd.ActState:
			s.changed(ss, a)
		}
	}
}

func (s *Subsystem) send(ss *sess, p bfd.Packet) {
	if !s.open(ss) {
		return
	}
	if err := ss.tx.Send(p.Marshal()); err != nil {
		if !ss.txErr {
			s.log.Warn("BFD send", "name", ss.inst.Name, "err", err)
		}
		ss.txErr = true
		return
	}
	ss.txErr = false
}

// changed logs every change of state and reports entering and leaving
// Up, as keepalived's BFD process sends its events.
func (s *Subsystem) changed(ss *sess, a bfd.Action) {
	s.log.Info("BFD session state", "name", ss.inst.Name, "neighbor", ss.inst.Neighbor,
		"from", a.From.String(), "to", a.To.String(), "diag", a.Diag.String())
	up := a.To == bfd.Up
	if up == ss.up {
		return
	}
	ss.up = up
	if s.opts.OnChange != nil && !s.quiet {
		s.opts.OnChange(Change{Name: ss.inst.Name, Up: up, Diag: a.Diag, ToVRRP: ss.inst.ToVRRP,
			ToChecker: ss.inst.ToChecker})
	}
}

// live is the session's state as the snapshot shows it.
func (ss *sess) live() Live {
	l, r := ss.s.Discriminators()
	return Live{State: ss.s.State(), Remote: ss.s.RemoteState(), Diag: ss.s.Diag(), Local: l, RemoteD: r,
		TxInterval: ss.s.TxInterval(), DetectTime: ss.s.DetectTime()}
}

// refresh republishes the snapshot if ss shows something new: a periodic
// transmission or a packet that changes nothing costs no copy.
func (s *Subsystem) refresh(ss *sess) {
	if ss.live() != ss.shown {
		s.publish()
	}
}

// publish refreshes the snapshot other goroutines read.
func (s *Subsystem) publish() {
	snap := make([]Status, 0, len(s.sessions))
	for _, ss := range s.sorted() {
		ss.shown = ss.live()
		snap = append(snap, Status{Name: ss.inst.Name, Neighbor: ss.inst.Neighbor, Inst: ss.inst, Live: ss.shown})
	}
	s.mu.Lock()
	s.snap = snap
	s.mu.Unlock()
}
