package vrrpnet

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// FuzzPacket feeds Reader.packet what a raw socket can deliver: any
// datagram (the IPv4 header comes from the wire) with any control
// messages. It must not panic, and the payload must lie inside the data.
func FuzzPacket(f *testing.F) {
	f.Add(ipv4Advert(112, 255, [4]byte{224, 0, 0, 18}, 1, 0), []byte{}, true)
	f.Add(ipv4Advert(112, 255, [4]byte{224, 0, 0, 18}, 1, 10), []byte{0x20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x23, 0}, true)
	f.Add([]byte{0x4f}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, false)
	f.Fuzz(func(t *testing.T, data, oob []byte, v4 bool) {
		fam := 6
		if v4 {
			fam = 4
		}
		r := &Reader{s: &Socket{Family: fam}}
		p, ok := r.packet(data, oob, false, time.Now())
		if ok && len(p.Payload) > len(data) {
			t.Fatalf("payload of %d bytes from %d", len(p.Payload), len(data))
		}
	})
}

// cmsg is one control message as the kernel lays it out.
func cmsg(level, typ int32, data []byte) []byte {
	b := make([]byte, unix.CmsgSpace(len(data)))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = level, typ
	h.SetLen(unix.CmsgLen(len(data)))
	copy(b[unix.CmsgLen(0):], data)
	return b
}

func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

// kernelControl is what the kernel attaches to an advert on the daemon's
// sockets: the receive time, then the TTL or hop limit and the packet
// information.
func kernelControl(family int) []byte {
	stamp := binary.NativeEndian.AppendUint64(binary.NativeEndian.AppendUint64(nil, 1_700_000_000), 123)
	b := cmsg(unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS, stamp)
	if family == 4 {
		pi := append(append(u32(3), 192, 0, 2, 1), 224, 0, 0, 18)
		return append(append(b, cmsg(unix.IPPROTO_IP, unix.IP_TTL, u32(255))...), cmsg(unix.IPPROTO_IP, unix.IP_PKTINFO, pi)...)
	}
	pi := append(netip.MustParseAddr("ff02::12").AsSlice(), u32(3)...)
	return append(append(b, cmsg(unix.IPPROTO_IPV6, unix.IPV6_HOPLIMIT, u32(255))...), cmsg(unix.IPPROTO_IPV6, unix.IPV6_PKTINFO, pi)...)
}

// referenceControl is what the reader read through golang.org/x/net's
// control-message parsers (TTL, destination, interface), and the first
// receive time before any malformed message.
func referenceControl(oob []byte, family int) control {
	var c control
	for b := oob; len(b) >= unix.CmsgLen(0); {
		h, d, rest, err := unix.ParseOneSocketControlMessage(b)
		if err != nil {
			break
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && len(d) >= 16 {
			c.stamp = time.Unix(int64(binary.NativeEndian.Uint64(d)), int64(binary.NativeEndian.Uint64(d[8:])))
			break
		}
		b = rest
	}
	if family == 4 {
		var cm ipv4.ControlMessage
		if cm.Parse(oob) == nil {
			c.ttl, c.ifIndex = cm.TTL, cm.IfIndex
			c.dst, _ = netip.AddrFromSlice(cm.Dst.To4())
		}
		return c
	}
	var cm ipv6.ControlMessage
	if cm.Parse(oob) == nil {
		c.ttl, c.ifIndex = cm.HopLimit, cm.IfIndex
		c.dst, _ = netip.AddrFromSlice(cm.Dst)
	}
	return c
}

// FuzzControlAsXNet holds the reader's own control-message parser to
// what it replaced: golang.org/x/net's, for every field the receive
// checks use, on any bytes.
func FuzzControlAsXNet(f *testing.F) {
	f.Add(kernelControl(4), true)
	f.Add(kernelControl(6), false)
	f.Add(append(kernelControl(4), 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), true)
	f.Add(kernelControl(4)[:40], true)
	f.Add([]byte{}, false)
	f.Fuzz(func(t *testing.T, oob []byte, v4 bool) {
		fam := 6
		if v4 {
			fam = 4
		}
		got, want := parseControl(oob, fam), referenceControl(oob, fam)
		if !got.stamp.Equal(want.stamp) || got.ttl != want.ttl || got.ifIndex != want.ifIndex || got.dst != want.dst {
			t.Fatalf("IPv%d control %x:\n got %+v\nwant %+v", fam, oob, got, want)
		}
	})
}

// The kernel's control messages decode to the facts the checks need, and
// decoding them allocates nothing.
func TestControlParse(t *testing.T) {
	for _, tc := range []struct {
		family int
		dst    string
	}{{4, "224.0.0.18"}, {6, "ff02::12"}} {
		oob := kernelControl(tc.family)
		c := parseControl(oob, tc.family)
		if c.ttl != 255 || c.ifIndex != 3 || c.dst != netip.MustParseAddr(tc.dst) || !c.stamp.Equal(time.Unix(1_700_000_000, 123)) {
			t.Errorf("IPv%d: %+v", tc.family, c)
		}
		if n := testing.AllocsPerRun(100, func() { c = parseControl(oob, tc.family) }); n != 0 {
			t.Errorf("IPv%d: %v allocations per parse", tc.family, n)
		}
	}
}
