package lab

import (
	"encoding/binary"
	"net/netip"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// ipv4 wraps an ICMP message in a 20-byte IPv4 header from src.
func ipv4(src [4]byte, proto byte, icmp []byte) []byte {
	b := make([]byte, 20+len(icmp))
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	b[9] = proto
	copy(b[12:], src[:])
	copy(b[20:], icmp)
	return b
}

func echoReply(id, seq uint16) []byte {
	b := encodeEcho(id, seq, []byte("0123456789abcdef"))
	b[0] = icmpEchoReply
	b[2], b[3] = 0, 0
	binary.BigEndian.PutUint16(b[2:], inetChecksum(b))
	return b
}

func TestEncodeEchoChecksumVerifies(t *testing.T) {
	b := encodeEcho(0x1234, 7, []byte{1, 2, 3})
	if b[0] != 8 || b[1] != 0 || len(b) != 11 {
		t.Fatalf("header %x", b[:4])
	}
	if inetChecksum(b) != 0 {
		t.Fatalf("checksum of encoded request does not verify: %x", b)
	}
}

func TestParseEchoReply(t *testing.T) {
	src := [4]byte{192, 0, 2, 200}
	bad := echoReply(1, 2)
	bad[9] ^= 0xff
	cases := []struct {
		name    string
		pkt     []byte
		id, seq uint16
		wantErr bool
	}{
		{"reply", ipv4(src, 1, echoReply(0xbeef, 513)), 0xbeef, 513, false},
		{"request is skipped", ipv4(src, 1, encodeEcho(1, 2, nil)), 0, 0, true},
		{"not icmp", ipv4(src, 6, echoReply(1, 2)), 0, 0, true},
		{"bad checksum", ipv4(src, 1, bad), 0, 0, true},
		{"short", []byte{0x45, 0, 0}, 0, 0, true},
		{"ipv6", append([]byte{0x60}, make([]byte, 40)...), 0, 0, true},
		{"header only", ipv4(src, 1, nil), 0, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, id, seq, err := parseEchoReply(c.pkt)
			if (err != nil) != c.wantErr {
				t.Fatalf("err %v, want error %v", err, c.wantErr)
			}
			if !c.wantErr && (s != src || id != c.id || seq != c.seq) {
				t.Fatalf("got %v id %d seq %d", s, id, seq)
			}
		})
	}
}

func FuzzParseEchoReply(f *testing.F) {
	f.Add(ipv4([4]byte{192, 0, 2, 1}, 1, echoReply(9, 9)))
	f.Add(ipv4([4]byte{192, 0, 2, 1}, 1, encodeEcho(9, 9, nil)))
	f.Add([]byte{0x4f, 0, 0, 0})
	f.Fuzz(func(t *testing.T, pkt []byte) {
		_, id, seq, err := parseEchoReply(pkt)
		if err != nil {
			return
		}
		// Whatever parses must be a reply that re-encodes to the same id/seq.
		ihl := int(pkt[0]&0x0f) * 4
		if pkt[ihl] != icmpEchoReply || binary.BigEndian.Uint16(pkt[ihl+4:]) != id || binary.BigEndian.Uint16(pkt[ihl+6:]) != seq {
			t.Fatalf("parsed id %d seq %d from %x", id, seq, pkt)
		}
	})
}

// probes builds a probe train every 2 ms from t0; lost[i] marks probe i
// unanswered, and answered ones reply after rtt.
func probes(t0 time.Time, n int, rtt time.Duration, lost func(i int) bool) []Probe {
	var out []Probe
	for i := 0; i < n; i++ {
		p := Probe{Seq: i, Sent: t0.Add(time.Duration(i) * 2 * time.Millisecond)}
		if !lost(i) {
			p.Recv = p.Sent.Add(rtt)
		}
		out = append(out, p)
	}
	return out
}

func TestMeasureOutage(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := time.Millisecond
	end := t0.Add(time.Second)
	cases := []struct {
		name      string
		ps        []Probe
		from      time.Time
		lost      int
		dur, gap  time.Duration
		recovered bool
	}{
		{"no loss", probes(t0, 100, ms/10, func(int) bool { return false }), t0, 0, 0, 2 * ms, false},
		{"one run", probes(t0, 100, ms/10, func(i int) bool { return i >= 10 && i < 30 }), t0, 20, 40*ms + ms/10, 42 * ms, true},
		{"never recovers", probes(t0, 100, ms/10, func(i int) bool { return i >= 90 }), t0, 10, 0, 2 * ms, false},
		{"flap spans both", probes(t0, 100, ms/10, func(i int) bool { return i == 10 || i == 20 }), t0, 2, 22*ms + ms/10, 4 * ms, true},
		{"loss before window ignored", probes(t0, 100, ms/10, func(i int) bool { return i < 5 }), t0.Add(20 * ms), 0, 0, 2 * ms, false},
		// Steady replies slower than the late limit read as one long outage
		// that ends with the last probe's reply before the window closes.
		{"late replies count as lost", probes(t0, 50, 30*ms, func(int) bool { return false }), t0, 50, 98 * ms, 2 * ms, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := MeasureOutage(c.ps, c.from, end, 10*ms)
			if o.Lost != c.lost || o.Duration != c.dur || o.Gap != c.gap || o.Recovered != c.recovered {
				t.Fatalf("got lost %d dur %v gap %v recovered %v; want %d %v %v %v",
					o.Lost, o.Duration, o.Gap, o.Recovered, c.lost, c.dur, c.gap, c.recovered)
			}
		})
	}
}

// A lost probe answered late ends the outage at its reply if that comes
// before any later probe's reply (the ARP queue releasing it).
func TestMeasureOutageLateReplyEndsOutage(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := time.Millisecond
	ps := probes(t0, 20, ms/10, func(i int) bool { return i >= 5 && i < 10 })
	ps[9].Recv = t0.Add(19 * ms) // sent at 18 ms, answered 1 ms later: fine
	ps[8].Recv = t0.Add(40 * ms) // sent at 16 ms, answered 24 ms later: lost
	o := MeasureOutage(ps, t0, t0.Add(time.Second), 10*ms)
	if o.Lost != 4 || o.Start != t0.Add(10*ms) || o.End != t0.Add(19*ms) {
		t.Fatalf("lost %d start %v end %v", o.Lost, o.Start.Sub(t0), o.End.Sub(t0))
	}
}

// The meter against a live lab: a host answering on its own address shows
// no loss; removing the address shows a loss that ends when it returns,
// and the watcher stamps both changes.
func TestPingerAndWatchOnLab(t *testing.T) {
	if err := Supported(); err != nil {
		t.Skip(err)
	}
	l, err := New(Config{Routers: 1, Client: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w, err := l.WatchAddrs()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r1 := l.Routers[0]
	vip := netip.MustParsePrefix("192.0.2.250/24")
	if _, err := r1.Run("ip", "addr", "add", vip.String(), "dev", "eth0"); err != nil {
		t.Fatal(err)
	}
	p, err := l.Client.StartPinger(vip.Addr(), 2*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	t0 := time.Now()
	if err := r1.dropAddr(vip); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := r1.Run("ip", "addr", "add", vip.String(), "dev", "eth0"); err != nil {
		t.Fatal(err)
	}
	back, ok := w.Wait(r1.Name, vip.Addr(), true, t0, time.Second)
	if !ok {
		t.Fatal("watcher missed the address coming back")
	}
	gone, ok := w.First(r1.Name, vip.Addr(), false, t0.Add(-time.Millisecond))
	if !ok || gone.At.After(back.At) {
		t.Fatalf("watcher missed the removal (%v)", gone)
	}
	time.Sleep(200 * time.Millisecond)
	ps := p.Stop()
	// Probes sent in the last moments before t0 may still be in flight when
	// the address goes: the quiet window ends 20 ms before it.
	if before := MeasureOutage(ps, ps[0].Sent.Add(20*time.Millisecond), t0.Add(-20*time.Millisecond), 10*time.Millisecond); before.Lost != 0 {
		t.Fatalf("lost %d probes before the address went", before.Lost)
	}
	o := MeasureOutage(ps, t0, time.Now(), 10*time.Millisecond)
	t.Logf("%d probes; outage %v (%d lost), address away %v", len(ps), o.Duration, o.Lost, back.At.Sub(gone.At))
	// The outage counts from t0, the moment the removal was asked for;
	// under load `ip addr del` may act a good while later, so the bound is
	// t0 to the address's return, not the time it was away.
	if !o.Recovered || o.Duration < 80*time.Millisecond || o.Duration > back.At.Sub(t0)+50*time.Millisecond {
		t.Fatalf("outage %+v, address was away %v, back %v after t0", o, back.At.Sub(gone.At), back.At.Sub(t0))
	}
}

func vrrpPkt(src [4]byte, b0, vrid, prio byte) []byte {
	return ipv4(src, 112, []byte{b0, vrid, prio, 1, 0, 100, 0, 0, 192, 0, 2, 200})
}

func TestParseAdvertIPv4(t *testing.T) {
	src := [4]byte{192, 0, 2, 11}
	cases := []struct {
		name       string
		pkt        []byte
		vrid, prio uint8
		wantErr    bool
	}{
		{"v3", vrrpPkt(src, 0x31, 51, 150), 51, 150, false},
		{"v2 prio 0", vrrpPkt(src, 0x21, 7, 0), 7, 0, false},
		{"v4 rejected", vrrpPkt(src, 0x41, 7, 0), 0, 0, true},
		{"type 2 rejected", vrrpPkt(src, 0x32, 7, 0), 0, 0, true},
		{"not vrrp", ipv4(src, 1, echoReply(1, 1)), 0, 0, true},
		{"truncated", vrrpPkt(src, 0x31, 51, 150)[:24], 0, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, vrid, prio, err := parseAdvertIPv4(c.pkt)
			if (err != nil) != c.wantErr {
				t.Fatalf("err %v, want error %v", err, c.wantErr)
			}
			if !c.wantErr && (s != netip.AddrFrom4(src) || vrid != c.vrid || prio != c.prio) {
				t.Fatalf("got %v vrid %d prio %d", s, vrid, prio)
			}
		})
	}
}

func FuzzParseAdvertIPv4(f *testing.F) {
	f.Add(vrrpPkt([4]byte{192, 0, 2, 11}, 0x31, 51, 150))
	f.Add(vrrpPkt([4]byte{192, 0, 2, 11}, 0x21, 1, 0))
	f.Add([]byte{0x46, 0, 0})
	f.Fuzz(func(t *testing.T, pkt []byte) {
		_, vrid, prio, err := parseAdvertIPv4(pkt)
		if err != nil {
			return
		}
		ihl := int(pkt[0]&0x0f) * 4
		if pkt[9] != 112 || pkt[ihl+1] != vrid || pkt[ihl+2] != prio {
			t.Fatalf("parsed vrid %d prio %d from %x", vrid, prio, pkt)
		}
	})
}

// The advert log sees adverts a router multicasts on the segment.
func TestAdvertLogOnLab(t *testing.T) {
	if err := Supported(); err != nil {
		t.Skip(err)
	}
	l, err := New(Config{Routers: 1, Client: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a, err := l.Client.StartAdvertLog()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	r1 := l.Routers[0]
	sent := time.Now()
	// A hand-made v2 advert (VRID 9, priority 42) from r1, sent with the
	// same raw socket kind the daemons use.
	err = r1.InNS(func() error {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW, 112)
		if err != nil {
			return err
		}
		defer syscall.Close(fd)
		if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_IP, syscall.IP_MULTICAST_TTL, 255); err != nil {
			return err
		}
		ifi, err := r1.ifIndex()
		if err != nil {
			return err
		}
		mreq := &syscall.IPMreqn{Ifindex: int32(ifi)}
		if err := syscall.SetsockoptIPMreqn(fd, syscall.IPPROTO_IP, syscall.IP_MULTICAST_IF, mreq); err != nil {
			return err
		}
		msg := []byte{0x21, 9, 42, 1, 0, 1, 0, 0, 192, 0, 2, 200, 0, 0, 0, 0, 0, 0, 0, 0}
		return syscall.Sendto(fd, msg, 0, &syscall.SockaddrInet4{Addr: [4]byte{224, 0, 0, 18}})
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		if s, ok := a.FirstPrio(r1.Addr4, 9, 42, sent); ok {
			if last, ok := a.Last(r1.Addr4, 9, time.Now()); !ok || last != s {
				t.Fatalf("Last = %v, want %v", last, s)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("advert not seen by the client")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A client descheduled between stamping a probe and sending it (the bench
// shares two cores with four daemons) sends the probe late. Measured from
// its slot the reply reads as a loss; measured from when it left it does
// not, and the stall is counted instead. A probe that left late and was
// never answered is still lost.
func TestMeasureOutageClientStall(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := time.Millisecond
	train := func(stalled, unanswered bool, recordLeft bool) []Probe {
		var ps []Probe
		at := t0
		for i := 0; i < 40; i++ {
			p := Probe{Seq: i, Sent: at, Left: at.Add(ms / 20)}
			if i == 10 && stalled {
				p.Left = at.Add(24 * ms) // the sender ran again 24 ms later
			}
			if !(i == 10 && unanswered) {
				p.Recv = p.Left.Add(ms / 10)
			}
			at = p.Left.Add(ms) // the ticker's next slot after the send
			if !recordLeft {
				p.Left = time.Time{}
			}
			ps = append(ps, p)
		}
		return ps
	}
	cases := []struct {
		name             string
		ps               []Probe
		lost, clientLate int
		sendGap          time.Duration
	}{
		{"steady", train(false, false, true), 0, 0, ms + ms/20},
		{"stalled send answered", train(true, false, true), 0, 1, 25 * ms},
		{"stalled send unanswered", train(true, true, true), 1, 0, 25 * ms},
		{"stall without the send's return time reads as loss", train(true, false, false), 1, 0, 25 * ms},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := MeasureOutage(c.ps, t0, t0.Add(time.Second), 10*ms)
			if o.Lost != c.lost || o.ClientLate != c.clientLate || o.SendGap != c.sendGap {
				t.Fatalf("lost %d client-late %d send gap %v; want %d %d %v",
					o.Lost, o.ClientLate, o.SendGap, c.lost, c.clientLate, c.sendGap)
			}
		})
	}
}

// cmsg builds one control message of level and typ around data.
func cmsg(level, typ int32, data []byte) []byte {
	b := make([]byte, syscall.CmsgSpace(len(data)))
	h := (*syscall.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = level, typ
	h.SetLen(syscall.CmsgLen(len(data)))
	copy(b[syscall.CmsgLen(0):], data)
	return b
}

// The pinger dates a reply by the kernel's receive time when the control
// message carries it, and says so when it does not (the reader's clock is
// used then).
func TestRxStamp(t *testing.T) {
	ts := make([]byte, 16)
	binary.NativeEndian.PutUint64(ts[0:], 1796625392)
	binary.NativeEndian.PutUint64(ts[8:], 611900123)
	want := time.Unix(1796625392, 611900123)
	other := cmsg(syscall.SOL_IP, syscall.IP_TTL, []byte{64, 0, 0, 0})
	cases := []struct {
		name string
		oob  []byte
		ok   bool
	}{
		{"timestamp", cmsg(syscall.SOL_SOCKET, syscall.SCM_TIMESTAMPNS, ts), true},
		{"after another message", append(other, cmsg(syscall.SOL_SOCKET, syscall.SCM_TIMESTAMPNS, ts)...), true},
		{"none", nil, false},
		{"other message only", other, false},
		{"short timestamp", cmsg(syscall.SOL_SOCKET, syscall.SCM_TIMESTAMPNS, ts[:8]), false},
		{"truncated buffer", cmsg(syscall.SOL_SOCKET, syscall.SCM_TIMESTAMPNS, ts)[:10], false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := rxStamp(c.oob)
			if ok != c.ok || (ok && !got.Equal(want)) {
				t.Fatalf("got %v %v; want ok %v", got, ok, c.ok)
			}
		})
	}
}

// ReadPast returns once the reader has read what reached the socket before
// the given moment: through a reply dated after it when the target
// answers, through an empty receive when nothing comes back.
func TestPingerReadPast(t *testing.T) {
	if err := Supported(); err != nil {
		t.Skip(err)
	}
	l, err := New(Config{Routers: 1, Client: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, c := range []struct {
		name   string
		target string
	}{{"answered", "192.0.2.11"}, {"nobody there", "192.0.2.251"}} {
		t.Run(c.name, func(t *testing.T) {
			p, err := l.Client.StartPinger(netip.MustParseAddr(c.target), 2*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Stop()
			time.Sleep(50 * time.Millisecond)
			cut := time.Now()
			if !p.ReadPast(cut, time.Second) {
				t.Fatal("reader never read past the cut")
			}
			if p.ReadPast(time.Now().Add(time.Hour), 30*time.Millisecond) {
				t.Fatal("read past a moment an hour ahead")
			}
		})
	}
}
