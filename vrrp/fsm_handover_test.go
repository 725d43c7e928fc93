package vrrp

import (
	"net/netip"
	"testing"
	"time"
)

// leavingMachine is tableMachine's MASTER after ShutdownHandover, and the
// time of its priority-0 advert.
func leavingMachine(t *testing.T) (*Machine, time.Time) {
	t.Helper()
	m, now := tableMachine(t, StateMaster)
	acts := m.Handle(now, ShutdownHandover())
	if got := kinds(acts); got != "stop:advert stop:garp-delay stop:garp-refresh stop:garp-lower-prio send-advert:0 arm:handover" {
		t.Fatalf("shutdown handover: %s", got)
	}
	if !m.Leaving() || m.State() != StateStop {
		t.Fatalf("after shutdown handover: leaving %v, state %s", m.Leaving(), m.State())
	}
	return m, now
}

// While leaving, nothing but a successor's advert, the hold's expiry or a
// restart changes anything: the addresses stay and no notify goes out.
func TestLeavingEventTable(t *testing.T) {
	released := "handover-done remove-addresses notify:STOP"
	want := map[string]string{
		"startup":           "stop:handover remove-addresses arm:master-down notify:BACKUP",
		"advert-higher":     "", // sent 100 ms after our resignation: before Skew_Time(150)
		"advert-lower":      "",
		"advert-zero":       "",
		"timer-handover":    released,
		"shutdown":          "",
		"shutdown-handover": "",
	}
	for _, e := range tableEvents() {
		m, left := leavingMachine(t)
		now := left.Add(100 * time.Millisecond)
		if e.ev.Kind == EvTimer && m.armed[e.ev.Timer] {
			now = m.deadlineOf(e.ev.Timer)
		}
		got := kinds(m.Handle(now, e.ev))
		if got != want[e.name] {
			t.Errorf("leaving × %s: got %q, want %q", e.name, got, want[e.name])
		}
		if wantLeaving := want[e.name] == ""; m.Leaving() != wantLeaving {
			t.Errorf("leaving × %s: still leaving %v", e.name, m.Leaving())
		}
	}
}

// The hold covers the longest Skew_Time a backup may wait after a
// priority-0 advert, plus the margin.
func TestHandoverHold(t *testing.T) {
	cases := []struct {
		version int
		advert  time.Duration
		want    time.Duration
	}{
		{2, time.Second, 1100 * time.Millisecond},
		{2, 5 * time.Second, 1100 * time.Millisecond}, // v2 Skew_Time is in seconds of 1/256, whatever advert_int
		{3, time.Second, 1100 * time.Millisecond},
		{3, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 10 * time.Millisecond, 110 * time.Millisecond},
	}
	for _, c := range cases {
		m := timedMachine(t, c.version, c.advert)
		if got := m.handoverHold(); got != c.want {
			t.Errorf("v%d %v: hold %v, want %v", c.version, c.advert, got, c.want)
		}
		if worst := skewTime(c.version, 1, c.advert); worst >= c.want {
			t.Errorf("v%d %v: hold %v shorter than the slowest backup's Skew_Time %v", c.version, c.advert, c.want, worst)
		}
	}
}

// An advert from priority P counts from Skew_Time(P) less one priority
// step and a centisecond after the resignation, and not a nanosecond
// before.
func TestSuccessorEarliest(t *testing.T) {
	src := netip.MustParseAddr("192.0.2.2")
	for _, p := range []uint8{1, 50, 100, 149, 150, 200, 255} {
		earliest := max(time.Duration(255-int(p))*time.Second/256-10*time.Millisecond, 0)
		for _, c := range []struct {
			at      time.Duration
			release bool
		}{{earliest - time.Nanosecond, false}, {earliest, true}} {
			if c.at < 0 {
				continue // priority 255: any advert after the resignation
			}
			m, left := leavingMachine(t)
			acts := m.Handle(left.Add(c.at), AdvertReceived(src, p, time.Second, 2))
			want := ""
			if c.release {
				want = "arm:handover"
			}
			if got := kinds(acts); got != want {
				t.Errorf("prio %d at %v after resigning: %q, want %q", p, c.at, got, want)
			}
		}
	}
}

// The release comes successorGrace after the successor's advert and
// reports who took over and how long after the resignation it was heard.
func TestHandoverDoneAction(t *testing.T) {
	m, left := leavingMachine(t)
	src := netip.MustParseAddr("192.0.2.2")
	heard := left.Add(610 * time.Millisecond)
	if got := kinds(m.Handle(heard, AdvertReceived(src, 100, time.Second, 2))); got != "arm:handover" {
		t.Fatalf("successor heard: %s", got)
	}
	if got := m.ho.until.Sub(heard); got != successorGrace {
		t.Errorf("released %v after the successor's advert, want %v", got, successorGrace)
	}
	acts := m.Handle(heard.Add(successorGrace), TimerFired(TimerHandover))
	if got := kinds(acts); got != "handover-done remove-addresses notify:STOP" {
		t.Fatalf("grace over: %s", got)
	}
	if a := acts[0]; a.Src != src || a.Priority != 100 || a.After != 610*time.Millisecond {
		t.Errorf("handover-done %+v", a)
	}
	if s := acts[0].String(); s != "handover-done from=192.0.2.2 prio=100 after=610ms" {
		t.Errorf("rendered %q", s)
	}
	m, left = leavingMachine(t)
	acts = m.Handle(left.Add(m.handoverHold()), TimerFired(TimerHandover))
	if len(acts) == 0 || acts[0].Src.IsValid() || acts[0].String() != "handover-done from=none after=1.1s" {
		t.Errorf("hold expiry: %v", acts)
	}
}

// A peer counting Skew_Time in whole centiseconds (FRR) takes over up to a
// centisecond before the exact value; at v3 10 ms adverts that is any time
// after the resignation.
func TestSuccessorEarliestRounding(t *testing.T) {
	cases := []struct {
		version int
		advert  time.Duration
		prio    uint8
		want    time.Duration
	}{
		// FRR at 1 s, priority 100: Skew_Time 60 cs, exact 609.375 ms.
		{3, time.Second, 100, 605468750 - 10*time.Millisecond},
		{2, time.Second, 100, 605468750 - 10*time.Millisecond},
		{3, 100 * time.Millisecond, 100, 60546875 - 10*time.Millisecond},
		{3, 10 * time.Millisecond, 100, 0},
		{3, 10 * time.Millisecond, 1, 0},
	}
	for _, c := range cases {
		m := timedMachine(t, c.version, c.advert)
		if got := m.successorEarliest(c.prio); got != c.want {
			t.Errorf("v%d %v prio %d: earliest %v, want %v", c.version, c.advert, c.prio, got, c.want)
		}
		frr := time.Duration((256-int(c.prio))*int(c.advert/(10*time.Millisecond))/256) * 10 * time.Millisecond
		if c.version == 2 {
			frr = time.Duration((256-int(c.prio))*100/256) * 10 * time.Millisecond
		}
		if frr < m.successorEarliest(c.prio) {
			t.Errorf("v%d %v prio %d: a centisecond-rounding peer advertising at %v is ignored", c.version, c.advert, c.prio, frr)
		}
	}
}

// timedMachine is a priority-150 machine with the given version and
// advert interval.
func timedMachine(t *testing.T, version int, advert time.Duration) *Machine {
	t.Helper()
	in := testInstance("VI_1", 150)
	in.Version, in.AdvertInt = uint8(version), advert
	m, err := NewMachine(&in, MachineOptions{Addr: netip.MustParseAddr("192.0.2.1")})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
