package daemon

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bfd"
	"github.com/govrrpd/govrrpd/internal/bfdsub"
	"github.com/govrrpd/govrrpd/vrrp"
)

// bfdWire is a fake bfdsub.Net: it records what the sessions send and
// never receives (the test hands packets to the loop as events).
type bfdWire struct{ sent []bfd.Packet }

type bfdNoRx struct{ closed chan struct{} }

func (l bfdNoRx) Read([]byte) (bfdsub.Datagram, error) {
	<-l.closed
	return bfdsub.Datagram{}, errors.New("closed")
}
func (l bfdNoRx) Close() error { close(l.closed); return nil }

type bfdTx struct{ w *bfdWire }

func (s bfdTx) Send(b []byte) error {
	p, err := bfd.Decode(b)
	if err != nil {
		return err
	}
	s.w.sent = append(s.w.sent, p)
	return nil
}
func (bfdTx) Close() error { return nil }

func (w *bfdWire) Listen(bool) (bfdsub.Listener, error) { return bfdNoRx{make(chan struct{})}, nil }
func (w *bfdWire) Dial(netip.Addr, netip.AddrPort, uint8) (bfdsub.Sender, error) {
	return bfdTx{w}, nil
}

const bfdConf = `
bfd_instance gw {
    neighbor_ip 192.0.2.254
    min_rx 50
    min_tx 50
    multiplier 3
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
    track_bfd {
        gw
    }
}
`

// bfdLab is a daemon on the harness with one BFD session, to gw at
// 192.0.2.254, tracked by VI_1 with weight 0.
type bfdLab struct {
	h     *harness
	w     *bfdWire
	local uint32 // the session's discriminator
}

func newBFDLab(t *testing.T) *bfdLab {
	t.Helper()
	h := buildHarness(t, bfdConf, "eth0=192.0.2.1")
	w := &bfdWire{}
	h.d.bfdNet = w
	h.start()
	h.d.startBFD()
	t.Cleanup(h.d.stopBFD)
	if h.d.bfd == nil {
		t.Fatal("BFD not started")
	}
	if len(w.sent) != 1 || w.sent[0].State != bfd.Down {
		t.Fatalf("sent at start: %v", w.sent)
	}
	return &bfdLab{h: h, w: w, local: w.sent[0].MyDisc}
}

func (l *bfdLab) state() (bfdsub.Status, string) {
	return l.h.d.bfd.Snapshot()[0], l.h.d.snapshot().Instances[0].State
}

// packet is what gw sends, as the reader hands it to the loop.
func (l *bfdLab) packet(s bfd.State, your uint32) evBFD {
	p := bfd.Packet{State: s, DetectMult: 3, MyDisc: 0x77, YourDisc: your, MinTx: 50000, MinRx: 50000}
	return evBFD{bfdsub.Datagram{From: netip.MustParseAddrPort("192.0.2.254:49152"), To: mustAddr("192.0.2.1"),
		TTL: 255, Payload: p.Marshal()}}
}

// up runs the three-way handshake and returns the armed detection timer.
func (l *bfdLab) up(t *testing.T) *bfdTimer {
	t.Helper()
	if st, vs := l.state(); st.State != bfd.Down || vs != vrrp.StateFault.String() {
		t.Fatalf("at start: session %s, instance %s; want Down and FAULT (a tracked session starts down)", st.State, vs)
	}
	l.h.d.handle(l.packet(bfd.Down, 0))
	l.h.d.handle(l.packet(bfd.Up, l.local))
	if st, vs := l.state(); st.State != bfd.Up || vs != vrrp.StateBackup.String() {
		t.Fatalf("after the handshake: session %s, instance %s; want Up and BACKUP", st.State, vs)
	}
	for _, tm := range l.h.d.timers.h {
		if tm.id == timerBFDDetect && tm.bfd != nil && tm.in == nil {
			return tm.bfd
		}
	}
	t.Fatal("no BFD detection timer on the daemon's heap")
	return nil
}

// TestBFDDetectionFiresFromDaemonHeap: a BFD session runs on the loop,
// its packets arriving as events and its timers armed on the daemon's
// one heap; when the neighbour falls silent, the detection timer fires
// from that heap on the fake clock (no timer of BFD's own), the session
// goes Down with "detection time expired", and track_bfd puts the
// instance in FAULT.
func TestBFDDetectionFiresFromDaemonHeap(t *testing.T) {
	l := newBFDLab(t)
	h, w := l.h, l.w
	detect := l.up(t)
	if at, want := h.d.timers.h[detect.ix-1].at, h.clock.Add(150*time.Millisecond); !at.Equal(want) {
		t.Fatalf("detection deadline %v, want %v (3 × 50 ms)", at.Sub(h.clock), want.Sub(h.clock))
	}
	h.advance(149 * time.Millisecond)
	if st, _ := l.state(); st.State != bfd.Up {
		t.Fatalf("Down before the detection time: %s", st.State)
	}
	sentBefore := len(w.sent)
	h.advance(time.Millisecond)
	st, vs := l.state()
	if st.State != bfd.Down || st.Diag != bfd.DiagDetectExpired || vs != vrrp.StateFault.String() {
		t.Fatalf("at the detection time: session %s (%s), instance %s; want Down (detection-time-expired), FAULT",
			st.State, st.Diag, vs)
	}
	if last := w.sent[len(w.sent)-1]; len(w.sent) == sentBefore || last.State != bfd.Down || last.Diag != bfd.DiagDetectExpired {
		t.Fatalf("the neighbour was not told at the detection time: %v", w.sent[sentBefore:])
	}
	if detect.ix != 0 {
		t.Fatal("the fired detection timer is still armed")
	}
}

// TestBFDDetectionWaitsForQueuedPackets: a packet of the neighbour's that
// waits in the loop's queue when the detection time comes (a loaded loop)
// is handled first and keeps the session Up, as a queued advert keeps a
// backup from taking over.
func TestBFDDetectionWaitsForQueuedPackets(t *testing.T) {
	l := newBFDLab(t)
	l.up(t)
	l.h.advance(149 * time.Millisecond)
	l.h.d.events <- l.packet(bfd.Up, l.local)
	l.h.advance(time.Millisecond)
	if st, vs := l.state(); st.State != bfd.Up || vs != vrrp.StateBackup.String() {
		t.Fatalf("with the neighbour's packet queued: session %s (%s), instance %s; want Up, BACKUP", st.State, st.Diag, vs)
	}
	l.h.advance(150 * time.Millisecond)
	if st, _ := l.state(); st.State != bfd.Down {
		t.Fatalf("silent for a detection time after the queued packet: %s, want Down", st.State)
	}
}

// A BFD timer moves on the heap without allocating: arming and stopping
// happen for every packet a session sends or receives.
func TestBFDTimerArmNoAlloc(t *testing.T) {
	var ts timers
	tm := bfdTimers{&ts}.NewTimer(bfd.TimerDetect, func(time.Time) {})
	var n int
	if a := testing.AllocsPerRun(100, func() {
		n++
		tm.Arm(epoch.Add(time.Duration(n) * time.Millisecond))
		if n%2 == 0 {
			tm.Stop()
		}
	}); a != 0 {
		t.Fatalf("%v allocations per arm", a)
	}
}
