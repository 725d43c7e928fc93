package vrrp

import (
	"bytes"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// capture is one advert read from a pcap: the VRRP message and the IP facts.
type capture struct {
	vrrp  []byte
	facts RxFacts
	at    time.Time // when it was captured
}

// readCapture returns the first packet of a keepalived 2.2.7 capture in
// testdata/pcaps, with Ethernet and IP stripped by gopacket.
func readCapture(tb testing.TB, name string) capture {
	tb.Helper()
	cs := readCaptures(tb, name)
	if len(cs) == 0 {
		tb.Fatalf("%s: no VRRP packet", name)
	}
	return cs[0]
}

// readCaptures returns every VRRP packet of a capture, skipping the rest
// (ARP, NA).
func readCaptures(tb testing.TB, name string) []capture {
	tb.Helper()
	fh, err := os.Open(filepath.Join("testdata", "pcaps", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	r, err := pcapgo.NewReader(fh)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	var out []capture
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return out
		}
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		pkt := gopacket.NewPacket(data, layers.LinkTypeEthernet, gopacket.Default)
		if c, ok := ipFacts(pkt); ok {
			c.at = ci.Timestamp
			out = append(out, c)
		}
	}
}

func ipFacts(pkt gopacket.Packet) (capture, bool) {
	var c capture
	var src, dst []byte
	switch ip := pkt.NetworkLayer().(type) {
	case *layers.IPv4:
		if ip.Protocol != ProtoVRRP {
			return c, false
		}
		hl := int(ip.IHL) * 4
		c.vrrp, src, dst = ip.Payload, ip.SrcIP, ip.DstIP
		c.facts = RxFacts{TTL: ip.TTL, HeaderLen: hl, TotalLen: int(ip.Length), RxLen: hl + len(ip.Payload)}
	case *layers.IPv6:
		if ip.NextHeader != ProtoVRRP {
			return c, false
		}
		// As an IPv6 raw socket would deliver it: no header.
		c.vrrp, src, dst = ip.Payload, ip.SrcIP, ip.DstIP
		c.facts = RxFacts{TTL: ip.HopLimit, TotalLen: int(ip.Length), RxLen: len(ip.Payload)}
	default:
		return c, false
	}
	s, _ := netip.AddrFromSlice(src)
	d, _ := netip.AddrFromSlice(dst)
	c.facts.Src, c.facts.Dst = s.Unmap(), d.Unmap()
	return c, true
}

var (
	r1v4    = netip.MustParseAddr("192.0.2.11")
	r2v4    = netip.MustParseAddr("192.0.2.12")
	vip4    = netip.MustParseAddr("192.0.2.200")
	r1ll    = netip.MustParseAddr("fe80::42:c0ff:fe00:20b")
	vip6    = netip.MustParseAddr("2001:db8::200")
	pass12  = PassAuthData("secret12")
	noAuth8 = [8]byte{}
)

type pcapVector struct {
	file     string
	src, dst netip.Addr
	want     Advert // Checksum included; addresses set through wantAddr
	wantAddr netip.Addr
	form     ChecksumForm
	inst     Instance // an instance that must accept the advert
}

func v2Inst(peers ...Peer) Instance {
	return Instance{Name: "VI_1", VRID: 51, Priority: 100, Version: 2, Family: IPv4,
		AdvertInt: time.Second, Opts: &InstanceOptions{UnicastPeers: peers},
		VIPs: []Address{{Prefix: netip.PrefixFrom(vip4, 24)}}}
}

func pcapVectors() []pcapVector {
	v3 := func(iv time.Duration, peers ...Peer) Instance {
		in := v2Inst(peers...)
		in.Version, in.AdvertInt = 3, iv
		return in
	}
	passInst := v2Inst()
	passInst.Auth = Auth{Type: AuthPass, Pass: "secret12"}
	v6 := Instance{Name: "VI_52", VRID: 52, Priority: 100, Version: 3, Family: IPv6,
		AdvertInt: time.Second, VIPs: []Address{{Prefix: netip.PrefixFrom(vip6, 64)}}}
	peer := []Peer{{Addr: r1v4}}
	return []pcapVector{
		{"vrrpv2-advert.pcap", r1v4, GroupIPv4, Advert{Version: 2, VRID: 51, Priority: 150, Interval: 1, Checksum: 0x8601}, vip4, ChecksumPlain, v2Inst()},
		{"vrrpv2-advert-prio0.pcap", r1v4, GroupIPv4, Advert{Version: 2, VRID: 51, Priority: 0, Interval: 1, Checksum: 0x1c02}, vip4, ChecksumPlain, v2Inst()},
		{"vrrpv2-auth-pass-advert.pcap", r1v4, GroupIPv4, Advert{Version: 2, VRID: 51, Priority: 150, Interval: 1, AuthType: AuthPass, AuthData: pass12, Checksum: 0x1783}, vip4, ChecksumPlain, passInst},
		{"vrrpv2-unicast-advert.pcap", r1v4, r2v4, Advert{Version: 2, VRID: 51, Priority: 150, Interval: 1, Checksum: 0x8601}, vip4, ChecksumPlain, v2Inst(peer...)},
		{"vrrpv3-advert.pcap", r1v4, GroupIPv4, Advert{Version: 3, VRID: 51, Priority: 150, Interval: 10, Checksum: 0xd35d}, vip4, ChecksumPseudo, v3(100 * time.Millisecond)},
		{"vrrpv3-advert-prio0.pcap", r1v4, GroupIPv4, Advert{Version: 3, VRID: 51, Priority: 0, Interval: 10, Checksum: 0x695e}, vip4, ChecksumPseudo, v3(100 * time.Millisecond)},
		{"vrrpv3-unicast-advert.pcap", r1v4, r2v4, Advert{Version: 3, VRID: 51, Priority: 150, Interval: 100, Checksum: 0xf109}, vip4, ChecksumPseudo, v3(time.Second, peer...)},
		{"vrrpv3-ipv6-advert.pcap", r1ll, GroupIPv6, Advert{Version: 3, VRID: 52, Priority: 150, Interval: 100, Checksum: 0x4941}, vip6, ChecksumPseudo, v6},
	}
}

// TestPcapVectors checks the codec against adverts real keepalived 2.2.7 put
// on the wire: every field decodes as tshark reads it, re-encoding gives the
// captured bytes (checksum included), and a matching instance accepts it.
func TestPcapVectors(t *testing.T) {
	for _, v := range pcapVectors() {
		t.Run(v.file, func(t *testing.T) {
			c := readCapture(t, v.file)
			if c.facts.Src != v.src || c.facts.Dst != v.dst || c.facts.TTL != 255 {
				t.Fatalf("IP facts %+v, want src %v dst %v TTL 255", c.facts, v.src, v.dst)
			}
			var got Advert
			form, err := got.Unmarshal(c.vrrp, c.facts.Src, c.facts.Dst)
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			want := v.want
			if err := want.SetAddrs([]netip.Addr{v.wantAddr}); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(&want) || got.Checksum != want.Checksum {
				t.Errorf("decoded %+v addrs %v\nwant    %+v addrs %v", got, got.Addrs(), want, want.Addrs())
			}
			if form != v.form {
				t.Errorf("checksum form %v, want %v", form, v.form)
			}
			if got.Len() != len(c.vrrp) {
				t.Errorf("Len %d, message is %d bytes", got.Len(), len(c.vrrp))
			}
			enc, err := got.Marshal(c.facts.Src, c.facts.Dst, form)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if !bytes.Equal(enc, c.vrrp) {
				t.Errorf("re-encoded % x\ncaptured    % x", enc, c.vrrp)
			}
			if r := CheckAdvert(&v.inst, &got, &c.facts, netip.Addr{}); r != RxOK {
				t.Errorf("CheckAdvert = %v, want ok", r)
			}
		})
	}
}

// TestPcapDefaultForm pins keepalived's default: a v3/IPv4 advert encoded
// with ChecksumDefault is the captured one, pseudo-header included.
func TestPcapDefaultForm(t *testing.T) {
	c := readCapture(t, "vrrpv3-unicast-advert.pcap")
	a := Advert{Version: 3, VRID: 51, Priority: 150, Interval: 100}
	if err := a.SetAddrs([]netip.Addr{vip4}); err != nil {
		t.Fatal(err)
	}
	enc, err := a.Marshal(r1v4, r2v4, ChecksumDefault)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, c.vrrp) {
		t.Errorf("default form % x, captured % x", enc, c.vrrp)
	}
}

// TestFailoverCaptures decodes whole keepalived failovers: every advert
// round-trips, and the sequence is r1 as master, r1 resigning with priority
// 0 exactly once, then only r2.
func TestFailoverCaptures(t *testing.T) {
	for _, tc := range []struct {
		file    string
		version uint8
	}{{"failover-v2-sigterm.pcap", 2}, {"failover-v3-sigterm.pcap", 3}} {
		t.Run(tc.file, func(t *testing.T) {
			cs := readCaptures(t, tc.file)
			if len(cs) < 5 {
				t.Fatalf("%d adverts", len(cs))
			}
			resigned := false
			for i, c := range cs {
				var a Advert
				form, err := a.Unmarshal(c.vrrp, c.facts.Src, c.facts.Dst)
				if err != nil {
					t.Fatalf("advert %d: %v", i, err)
				}
				enc, err := a.Marshal(c.facts.Src, c.facts.Dst, form)
				if err != nil || !bytes.Equal(enc, c.vrrp) {
					t.Fatalf("advert %d re-encodes to % x (%v), captured % x", i, enc, err, c.vrrp)
				}
				switch {
				case a.Version != tc.version || a.VRID != 51:
					t.Errorf("advert %d: version %d VRID %d", i, a.Version, a.VRID)
				case a.Priority == 0:
					if resigned || c.facts.Src != r1v4 {
						t.Errorf("advert %d: unexpected priority 0 from %v", i, c.facts.Src)
					}
					resigned = true
				case !resigned && c.facts.Src != r1v4, resigned && c.facts.Src != r2v4:
					t.Errorf("advert %d from %v (after resignation: %v)", i, c.facts.Src, resigned)
				}
			}
			if !resigned {
				t.Error("no priority-0 advert")
			}
		})
	}
}
