package bfd

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// TimerID names a session's two timers.
type TimerID uint8

// The periodic transmission timer and the detection timer.
const (
	TimerTx     TimerID = iota // tx
	TimerDetect                // detect
	numTimers
)

// ActionKind is what the caller must do.
type ActionKind uint8

// The actions a Session returns.
const (
	ActSend  ActionKind = iota // send
	ActArm                     // arm
	ActStop                    // stop
	ActState                   // state
)

// Action is one thing the caller carries out, in order.
type Action struct {
	Kind   ActionKind
	Packet Packet    // ActSend
	Timer  TimerID   // ActArm, ActStop
	At     time.Time // ActArm
	From   State     // ActState
	To     State     // ActState
	Diag   Diag      // ActState
}

func (a Action) String() string {
	switch a.Kind {
	case ActSend:
		return "send " + a.Packet.String()
	case ActArm:
		return fmt.Sprintf("arm %s", a.Timer)
	case ActStop:
		return fmt.Sprintf("stop %s", a.Timer)
	}
	return fmt.Sprintf("state %s->%s diag=%s", a.From, a.To, a.Diag)
}

// Session is one BFD session's state machine (RFC 5880 §6.8). It holds
// no clock: every call takes the current time and returns the actions to
// carry out. The returned slice is reused by the next call.
type Session struct {
	cfg   Settings
	discr uint32
	rng   *rand.Rand

	state, remoteState State
	diag               Diag
	remoteDiscr        uint32
	remoteMinRx        uint32 // µs; RFC 5880 §6.8.1 starts it at 1
	remoteMinTx        uint32
	remoteMult         uint8
	remoteDemand       bool

	usedTx  uint32 // Desired Min TX in force for our own transmission
	poll    bool
	sending bool
	armed   [numTimers]time.Time

	acts []Action
}

// NewSession returns a session in Down (RFC 5880 §6.8.1) with local
// discriminator discr (nonzero, unique among the caller's sessions); seed
// drives the transmission jitter, so a run is reproducible.
func NewSession(cfg Settings, discr uint32, seed uint64) *Session {
	return &Session{cfg: cfg, discr: discr, rng: rand.New(rand.NewPCG(seed, uint64(discr))),
		state: Down, remoteState: Down, remoteMinRx: 1, usedTx: us(cfg.IdleTx)}
}

// Start begins transmission, unless the session is passive.
func (s *Session) Start(now time.Time) []Action {
	s.acts = s.acts[:0]
	if !s.cfg.Passive {
		s.sending = true
		s.sendNow(now, false)
	}
	return s.acts
}

// Stop takes the session administratively down: one AdminDown packet
// tells the neighbour (which goes Down with "neighbor signaled down")
// and both timers stop.
func (s *Session) Stop(now time.Time) []Action {
	s.acts = s.acts[:0]
	if s.state == AdminDown {
		return s.acts
	}
	s.setState(AdminDown, DiagAdminDown)
	s.poll = false
	s.emit(Action{Kind: ActSend, Packet: s.packet(false)})
	s.sending = false
	s.disarm(TimerTx)
	s.disarm(TimerDetect)
	return s.acts
}

// Reconfigure applies changed settings (a reload) without resetting the
// session: while Up, a changed min_tx or min_rx starts a Poll Sequence
// and a new transmission interval takes effect on its Final.
func (s *Session) Reconfigure(now time.Time, cfg Settings) []Action {
	s.acts = s.acts[:0]
	old := s.cfg
	s.cfg = cfg
	oldTx := s.txInterval()
	if s.state == Up && old.MinRx != cfg.MinRx {
		s.poll = true
	}
	if s.state == Up {
		s.changeTx()
	} else {
		s.usedTx = us(cfg.IdleTx)
	}
	if s.sending && s.txInterval() < oldTx {
		s.schedule(now)
	}
	if !cfg.Passive && !s.sending && s.state != AdminDown {
		s.sending = true
		s.sendNow(now, false)
	}
	return s.acts
}

// Receive processes one control packet that Decode accepted, with the
// TTL (hop limit) it arrived with. A packet that is not for this session
// or fails the TTL check is discarded with an error and changes nothing.
func (s *Session) Receive(now time.Time, p Packet, ttl uint8) ([]Action, error) {
	s.acts = s.acts[:0]
	if !s.cfg.AcceptTTL(ttl) {
		return s.acts, fmt.Errorf("bfd %s: TTL %d below %d", s.cfg.Name, ttl, int(s.cfg.SendTTL())-max(s.cfg.MaxHops, 0))
	}
	if p.YourDisc != 0 && p.YourDisc != s.discr {
		return s.acts, fmt.Errorf("bfd %s: your discriminator %d is not ours (%d)", s.cfg.Name, p.YourDisc, s.discr)
	}
	if s.state == AdminDown {
		return s.acts, fmt.Errorf("bfd %s: session is administratively down", s.cfg.Name)
	}
	oldTx := s.txInterval()
	s.remoteDiscr, s.remoteState, s.remoteDemand = p.MyDisc, p.State, p.Demand
	s.remoteMinRx, s.remoteMinTx, s.remoteMult = p.MinRx, p.MinTx, p.DetectMult
	if p.Final && s.poll {
		s.poll = false
		s.usedTx = s.advertisedTx()
	}
	before := s.state
	s.transition(p.State)
	// A passive session speaks once it has heard the neighbour; a
	// neighbour in demand mode with both sides Up wants silence.
	s.sending = !(s.remoteDemand && s.state == Up && p.State == Up)
	if !s.sending {
		s.disarm(TimerTx)
	}
	switch {
	case p.Poll || s.state != before:
		s.sendNow(now, p.Poll)
	case s.sending && (s.armed[TimerTx].IsZero() || s.txInterval() < oldTx):
		s.schedule(now)
	}
	if s.state == Init || s.state == Up {
		s.arm(TimerDetect, now.Add(s.DetectTime()))
	}
	return s.acts, nil
}

// Fire handles an expired timer.
func (s *Session) Fire(now time.Time, t TimerID) []Action {
	s.acts = s.acts[:0]
	s.armed[t] = time.Time{}
	switch t {
	case TimerTx:
		if s.sending {
			s.sendNow(now, false)
		}
	case TimerDetect:
		if s.state == Init || s.state == Up {
			s.remoteDiscr = 0
			s.down(now, DiagDetectExpired)
		}
	}
	return s.acts
}

// transition is the table of RFC 5880 §6.8.6 for a received state.
func (s *Session) transition(remote State) {
	switch {
	case remote == AdminDown:
		if s.state != Down {
			s.down(time.Time{}, DiagNeighborDown)
		}
	case s.state == Down && remote == Down:
		s.setState(Init, DiagNone)
	case s.state == Down && remote == Init, s.state == Init && remote != Down:
		s.setState(Up, DiagNone)
		s.changeTx()
	case s.state == Up && remote == Down:
		s.down(time.Time{}, DiagNeighborDown)
	}
}

// changeTx starts a Poll Sequence when Desired Min TX changes while Up
// (RFC 5880 §6.8.3). A shorter interval is used at once, so that the
// neighbour, which times us out on the new value, is never starved; a
// longer one only once the Final arrives.
func (s *Session) changeTx() {
	adv := s.advertisedTx()
	if adv == s.usedTx {
		return
	}
	s.poll = true
	s.usedTx = min(s.usedTx, adv)
}

// down enters Down; now is zero when the caller sends afterwards itself.
func (s *Session) down(now time.Time, d Diag) {
	s.setState(Down, d)
	s.poll = false
	s.usedTx = us(s.cfg.IdleTx)
	s.disarm(TimerDetect)
	if !now.IsZero() && s.sending {
		s.sendNow(now, false)
	}
}

func (s *Session) setState(to State, d Diag) {
	if to == s.state {
		return
	}
	s.emit(Action{Kind: ActState, From: s.state, To: to, Diag: d})
	s.state, s.diag = to, d
}

// sendNow sends a packet at once and restarts the periodic timer: on a
// start, a change of state (so that the neighbour follows within a
// round trip, not an idle interval) and with Final in answer to a Poll.
func (s *Session) sendNow(now time.Time, final bool) {
	if s.remoteMinRx == 0 {
		return // RFC 5880 §6.8.7: the neighbour asked for silence
	}
	s.emit(Action{Kind: ActSend, Packet: s.packet(final)})
	if s.sending {
		s.schedule(now)
	}
}

func (s *Session) schedule(now time.Time) {
	iv := time.Duration(s.txInterval()) * time.Microsecond
	// RFC 5880 §6.8.7: 0–25 % less, and 10–25 % less with multiplier 1.
	lo, span := 75, 26
	if s.cfg.Multiplier == 1 {
		span = 16
	}
	s.arm(TimerTx, now.Add(iv*time.Duration(lo+s.rng.IntN(span))/100))
}

func (s *Session) arm(t TimerID, at time.Time) {
	s.armed[t] = at
	s.emit(Action{Kind: ActArm, Timer: t, At: at})
}

func (s *Session) disarm(t TimerID) {
	if s.armed[t].IsZero() {
		return
	}
	s.armed[t] = time.Time{}
	s.emit(Action{Kind: ActStop, Timer: t})
}

func (s *Session) emit(a Action) { s.acts = append(s.acts, a) }

// packet is what the session sends now; a packet with Final never
// carries Poll.
func (s *Session) packet(final bool) Packet {
	return Packet{Diag: s.diag, State: s.state, Poll: s.poll && !final, Final: final,
		DetectMult: s.cfg.Multiplier, MyDisc: s.discr, YourDisc: s.remoteDiscr,
		MinTx: s.advertisedTx(), MinRx: us(s.cfg.MinRx)}
}

// advertisedTx is Desired Min TX: min_tx when Up, idle_tx (≥ 1 s, RFC
// 5880 §6.8.3) otherwise, as keepalived sends it.
func (s *Session) advertisedTx() uint32 {
	if s.state == Up {
		return us(s.cfg.MinTx)
	}
	return us(s.cfg.IdleTx)
}

// txInterval is the negotiated transmission interval (µs).
func (s *Session) txInterval() uint32 { return max(s.usedTx, s.remoteMinRx) }

// DetectTime is the neighbour's multiplier times the agreed interval at
// which it sends to us (RFC 5880 §6.8.4).
func (s *Session) DetectTime() time.Duration {
	iv := max(us(s.cfg.MinRx), s.remoteMinTx)
	return time.Duration(s.remoteMult) * time.Duration(iv) * time.Microsecond
}

// TxInterval is the interval this session sends at now.
func (s *Session) TxInterval() time.Duration {
	return time.Duration(s.txInterval()) * time.Microsecond
}

// State is the local session state.
func (s *Session) State() State { return s.state }

// Diag is the diagnostic of the last change of state.
func (s *Session) Diag() Diag { return s.diag }

// RemoteState is the state the neighbour last reported.
func (s *Session) RemoteState() State { return s.remoteState }

// Discriminators are the local and remote discriminators.
func (s *Session) Discriminators() (local, remote uint32) { return s.discr, s.remoteDiscr }

// Settings is the configuration in force.
func (s *Session) Settings() Settings { return s.cfg }
