package daemon

import (
	"fmt"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

func TestDropLabel(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{vrrp.ErrTruncated, dropTruncated},
		{fmt.Errorf("advert: %w", vrrp.ErrAddrCount), dropOversized},
		{vrrp.ErrChecksum, "checksum"},
		{vrrp.ErrVersion, "version"},
		{vrrp.ErrType, "type"},
		{vrrp.ErrLength, "length"},
		{vrrp.ErrAuthType, "auth-invalid-type"},
		{fmt.Errorf("something else"), "malformed"},
	}
	for _, c := range cases {
		if got := dropLabel(c.err); got != c.want {
			t.Errorf("dropLabel(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// Every drop label counts under keepalived's counter where keepalived has
// one, and under none otherwise.
func TestDropStat(t *testing.T) {
	cases := map[string]string{
		dropTruncated: "packet_len_err", dropOversized: "packet_len_err", "length": "packet_len_err",
		"ttl": "ip_ttl_err", "type": "invalid_type_rcvd", "advert-interval": "advert_interval_err",
		"address-list": "addr_list_err", "auth-invalid-type": "invalid_authtype",
		"auth-type-mismatch": "authtype_mismatch", "auth-unsupported": "authtype_mismatch",
		"auth-failure": "auth_failure", "checksum": "", "vrid": "", "version": "", "nonsense": "",
	}
	for label, want := range cases {
		if got := dropStat(label); got != want {
			t.Errorf("dropStat(%q) = %q, want %q", label, got, want)
		}
	}
	s := stats{drops: map[string]uint64{dropTruncated: 2, "length": 3, "checksum": 7, "auth-unsupported": 1}}
	if n := s.keepalivedCount(vrrp.RxLength); n != 5 {
		t.Errorf("packet_len_err %d, want 5", n)
	}
	if n := s.keepalivedCount(vrrp.RxAuthMismatch); n != 1 {
		t.Errorf("authtype_mismatch %d, want 1", n)
	}
}

// Instances on one interface share one socket and one GARP sender; the
// last one to go closes them.
func TestSharedPortsPerInterface(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	if len(h.d.socks) != 1 || len(h.d.garps) != 1 || h.sys.open != 2 {
		t.Fatalf("two instances on eth0: %d sockets, %d GARP senders, %d ports open", len(h.d.socks), len(h.d.garps), h.sys.open)
	}
	s := h.d.socks[sockKey{"eth0", 4}]
	if s.refs != 2 || h.d.garps["eth0"].refs != 2 || len(s.insts) != 2 {
		t.Fatalf("refs: socket %d, garp %d, insts %d", s.refs, h.d.garps["eth0"].refs, len(s.insts))
	}
	h.reload(oneInstance) // VI_2 goes
	if len(h.d.socks) != 1 || h.sys.open != 2 || s.refs != 1 {
		t.Fatalf("after removing one: %d sockets, %d open, refs %d", len(h.d.socks), h.sys.open, s.refs)
	}
	h.reload("")
	if len(h.d.socks) != 0 || len(h.d.garps) != 0 || h.sys.open != 0 {
		t.Fatalf("after removing all: %d sockets, %d senders, %d open", len(h.d.socks), len(h.d.garps), h.sys.open)
	}
}

// The receive path allocates nothing per accepted advert beyond what the
// reader copied: the hot path at thousands of instances.
func TestReceiveAllocations(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	h.run("advert eth0 from 192.0.2.2 vrid 1 prio 200")
	in := h.d.insts[0]
	var a vrrp.Advert
	if err := in.adv.fill(&a, in.cfg.VRID, 200, vipsOf(in)); err != nil {
		t.Fatal(err)
	}
	b, err := a.AppendTo(nil, mustAddr("192.0.2.2"), vrrp.Group(vrrp.IPv4), vrrp.ChecksumDefault)
	if err != nil {
		t.Fatal(err)
	}
	ev := evPacket{sock: in.sock, at: h.clock, data: b, rx: vrrp.RxFacts{Src: mustAddr("192.0.2.2"),
		Dst: vrrp.Group(vrrp.IPv4), TTL: 255, TotalLen: len(b), RxLen: len(b)}}
	n := testing.AllocsPerRun(100, func() { h.d.receive(h.clock, ev) })
	if n > 0 {
		t.Errorf("%v allocations per accepted advert, want 0", n)
	}
}

// A datagram longer than the read buffer is counted as oversized, on the
// instance its VRID byte names, else on the interface.
func TestOversizedCounted(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	s := h.d.socks[sockKey{"eth0", 4}]
	h.d.handle(evPacket{sock: s, at: h.clock, data: []byte{0x21, 0x01, 0x64}, oversized: true})
	h.d.handle(evPacket{sock: s, at: h.clock, data: []byte{0x21, 0x09, 0x64}, oversized: true})
	if n := h.d.insts[0].stats.drops[dropOversized]; n != 1 {
		t.Errorf("instance oversized drops %d, want 1", n)
	}
	if n := s.drops[dropOversized]; n != 1 {
		t.Errorf("interface oversized drops %d, want 1", n)
	}
}

// One read's packets reach the loop as one event, each handled as if it
// had come alone.
func TestPacketsEventHandlesEach(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	src, dst := mustAddr("192.0.2.2"), mustAddr("224.0.0.18")
	evs := evPackets{sock: h.d.socks[sockKey{"eth0", 4}]}
	for _, in := range h.d.insts {
		e := h.advertFor(in, src, dst, 200)
		evs.pkts = append(evs.pkts, rxPacket{payload: e.data, src: src, dst: dst, ttl: 255, at: e.at})
	}
	h.d.handle(&evs)
	for _, in := range h.d.insts {
		if in.stats.advertRcvd != 1 || in.m.MasterAddr() != src {
			t.Errorf("%s: %d adverts received, master %v; want 1 from %s", in.cfg.Name, in.stats.advertRcvd, in.m.MasterAddr(), src)
		}
	}
}

// The reader's batch goes to the loop and back: the socket hands the
// reader one the loop has handled, keeps no more than pooledReads, and a
// batch's payloads are its own copies.
func TestReadsReused(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	s := h.d.socks[sockKey{"eth0", 4}]
	payload := []byte{0x21, 1, 0x64}
	var b evPackets
	b.put(rxPacket{payload: payload, src: mustAddr("192.0.2.2"), ttl: 255, at: h.clock})
	payload[1] = 0xff
	if got := b.pkts[0].payload[1]; got != 1 {
		t.Fatalf("the batch's payload changed with the reader's buffer: VRID byte %d, want 1", got)
	}
	var handled []*evPackets
	for range pooledReads + 1 {
		handled = append(handled, s.fresh())
	}
	for _, x := range handled {
		x.put(rxPacket{payload: []byte{0x21, 1}})
		x.free = s.free
		x.release()
	}
	if n := len(s.free); n != pooledReads {
		t.Fatalf("%d batches kept for the reader, want %d", n, pooledReads)
	}
	if next := s.fresh(); next != handled[0] || len(next.pkts) != 0 || len(next.buf) != 0 {
		t.Errorf("the reader's next batch is not the first handled one, emptied (%d packets)", len(next.pkts))
	}
}
