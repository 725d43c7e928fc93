package bfdsub

import (
	"errors"
	"net/netip"
	"sync"

	"github.com/govrrpd/govrrpd/bfd"
)

// fabric is an in-memory network: each fakeNet has an address; what a
// sender sends reaches the listener of the destination's fakeNet with the
// sender's TTL, unless the link is cut.
type fabric struct {
	mu    sync.Mutex
	nets  map[netip.Addr]*fakeNet
	cut   map[netip.Addr]bool  // traffic from this address is dropped
	ttlOf map[netip.Addr]uint8 // rewrite the TTL of traffic from an address
}

func newFabric() *fabric {
	return &fabric{nets: map[netip.Addr]*fakeNet{}, cut: map[netip.Addr]bool{}, ttlOf: map[netip.Addr]uint8{}}
}

type fakeNet struct {
	f    *fabric
	addr netip.Addr
	in   chan Datagram
	port uint16
}

func (f *fabric) host(a string) *fakeNet {
	n := &fakeNet{f: f, addr: netip.MustParseAddr(a), in: make(chan Datagram, 1024), port: bfd.MinSourcePort}
	f.mu.Lock()
	f.nets[n.addr] = n
	f.mu.Unlock()
	return n
}

func (f *fabric) setCut(a netip.Addr, on bool) {
	f.mu.Lock()
	f.cut[a] = on
	f.mu.Unlock()
}

type fakeListener struct {
	n      *fakeNet
	closed chan struct{}
	once   sync.Once
}

func (n *fakeNet) Listen(bool) (Listener, error) {
	return &fakeListener{n: n, closed: make(chan struct{})}, nil
}

func (l *fakeListener) Read(buf []byte) (Datagram, error) {
	select {
	case d := <-l.n.in:
		return d, nil
	case <-l.closed:
		return Datagram{}, errors.New("closed")
	}
}

func (l *fakeListener) Close() error { l.once.Do(func() { close(l.closed) }); return nil }

type fakeSender struct {
	n   *fakeNet
	src netip.AddrPort
	dst netip.Addr
	ttl uint8
}

func (n *fakeNet) Dial(src netip.Addr, dst netip.AddrPort, ttl uint8) (Sender, error) {
	if dst.Port() != bfd.Port {
		return nil, errors.New("not the BFD port")
	}
	n.port++
	return &fakeSender{n: n, src: netip.AddrPortFrom(n.addr, n.port), dst: dst.Addr(), ttl: ttl}, nil
}

func (s *fakeSender) Send(b []byte) error {
	f := s.n.f
	f.mu.Lock()
	to, cut, ttl := f.nets[s.dst], f.cut[s.src.Addr()], s.ttl
	if t, ok := f.ttlOf[s.src.Addr()]; ok {
		ttl = t
	}
	f.mu.Unlock()
	if to == nil || cut {
		return nil
	}
	select {
	case to.in <- Datagram{From: s.src, To: s.dst, TTL: ttl, Payload: append([]byte(nil), b...)}:
	default:
	}
	return nil
}

func (s *fakeSender) Close() error { return nil }
