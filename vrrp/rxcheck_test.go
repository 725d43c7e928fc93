package vrrp

import (
	"net/netip"
	"testing"
	"time"
)

type rxCase struct {
	in   Instance
	a    Advert
	f    RxFacts
	last netip.Addr
}

// baseRx is the captured v2 multicast advert from r1 arriving at an
// instance configured like keepalived's peer: it passes every check.
func baseRx(tb testing.TB) rxCase {
	a := advertWith(tb, Advert{Version: 2, VRID: 51, Priority: 150, Interval: 1}, vip4)
	return rxCase{in: v2Inst(), a: *a,
		f: RxFacts{Src: r1v4, Dst: GroupIPv4, TTL: 255, HeaderLen: 20, TotalLen: 40, RxLen: 40}}
}

// unicastRx turns a case into r1 → r2 unicast with r1 as r2's peer.
func unicastRx(c *rxCase) {
	c.in.OptsRef().UnicastPeers = []Peer{{Addr: r1v4}}
	c.f.Dst = r2v4
}

func TestCheckAdvert(t *testing.T) {
	otherVIP := Address{Prefix: netip.MustParsePrefix("192.0.2.201/24")}
	tests := []struct {
		name string
		mut  func(c *rxCase)
		want RxReason
	}{
		{"captured advert", func(c *rxCase) {}, RxOK},
		{"ethernet padding", func(c *rxCase) { c.f.RxLen = 46 }, RxOK},
		{"truncated", func(c *rxCase) { c.f.RxLen = 39 }, RxLength},
		{"excess beyond padding", func(c *rxCase) { c.f.TotalLen, c.f.RxLen = 40, 60 }, RxLength},
		{"total length vs vrrp length", func(c *rxCase) { c.f.TotalLen, c.f.RxLen = 44, 44 }, RxLength},
		{"ipv4 packet ipv6 instance", func(c *rxCase) { c.in.Family = IPv6 }, RxFamily},
		{"no source", func(c *rxCase) { c.f.Src = netip.Addr{} }, RxFamily},
		{"mixed families", func(c *rxCase) { c.f.Dst = GroupIPv6 }, RxFamily},
		{"other vrid", func(c *rxCase) { c.in.VRID = 52 }, RxVRID},
		{"multicast ttl 254", func(c *rxCase) { c.f.TTL = 254 }, RxTTL},
		{"unicast ttl 64 unchecked", func(c *rxCase) { unicastRx(c); c.f.TTL = 64 }, RxOK},
		{"unicast below min_ttl", func(c *rxCase) { unicastRx(c); c.in.Options().UnicastPeers[0].MinTTL = 250; c.f.TTL = 200 }, RxTTL},
		{"unicast above max_ttl", func(c *rxCase) { unicastRx(c); c.in.Options().UnicastPeers[0].MaxTTL = 100 }, RxTTL},
		{"unicast in ttl window", func(c *rxCase) {
			unicastRx(c)
			c.in.Options().UnicastPeers[0].MinTTL, c.in.Options().UnicastPeers[0].MaxTTL, c.f.TTL = 60, 64, 62
		}, RxOK},
		{"v2 advert v3 instance", func(c *rxCase) { c.in.Version = 3 }, RxVersion},
		{"pass expected none sent", func(c *rxCase) { c.in.Auth = Auth{Type: AuthPass, Pass: "secret12"} }, RxAuthMismatch},
		{"none expected pass sent", func(c *rxCase) { c.a.AuthType, c.a.AuthData = AuthPass, pass12 }, RxAuthMismatch},
		{"wrong password", func(c *rxCase) {
			c.in.Auth = Auth{Type: AuthPass, Pass: "secret13"}
			c.a.AuthType, c.a.AuthData = AuthPass, pass12
		}, RxAuthPass},
		{"password compared on 8 bytes", func(c *rxCase) {
			c.in.Auth = Auth{Type: AuthPass, Pass: "secret12-and-more"}
			c.a.AuthType, c.a.AuthData = AuthPass, pass12
		}, RxOK},
		{"AH configured", func(c *rxCase) { c.in.Auth = Auth{Type: AuthAH} }, RxAuthUnsupported},
		{"v2 interval mismatch", func(c *rxCase) { c.in.AdvertInt = 2 * time.Second }, RxInterval},
		{"v3 interval mismatch accepted", func(c *rxCase) {
			c.in.Version, c.in.AdvertInt = 3, 2*time.Second
			c.a.Version, c.a.Interval, c.f.TotalLen, c.f.RxLen = 3, 10, 32, 32
		}, RxOK},
		{"v3 ignores configured auth", func(c *rxCase) {
			c.in.Version, c.in.Auth = 3, Auth{Type: AuthPass, Pass: "x"}
			c.a.Version, c.a.Interval, c.f.TotalLen, c.f.RxLen = 3, 100, 32, 32
		}, RxOK},
		{"multicast to unicast instance", func(c *rxCase) { c.in.OptsRef().UnicastPeers = []Peer{{Addr: r1v4}} }, RxExpectedUnicast},
		{"unicast to multicast instance", func(c *rxCase) { c.f.Dst = r2v4 }, RxExpectedMulticast},
		{"owner ignoring adverts", func(c *rxCase) { c.in.Priority, c.in.OwnerIgnoreAdverts = 255, true }, RxOwnerIgnore},
		{"non-owner with owner_ignore_adverts", func(c *rxCase) { c.in.OwnerIgnoreAdverts = true }, RxOK},
		{"owner without owner_ignore_adverts", func(c *rxCase) { c.in.Priority = 255 }, RxOK},
		{"vip count", func(c *rxCase) { c.in.VIPs = append(c.in.VIPs, otherVIP) }, RxAddrList},
		{"vip missing", func(c *rxCase) { c.in.VIPs = []Address{otherVIP} }, RxAddrList},
		{"extra vip in advert", func(c *rxCase) {
			c.a.SetAddrs([]netip.Addr{vip4, r2v4})
			c.f.TotalLen, c.f.RxLen = 44, 44
		}, RxAddrList},
		{"other-family vip ignored", func(c *rxCase) {
			c.in.VIPs = append(c.in.VIPs, Address{Prefix: netip.PrefixFrom(vip6, 64)})
		}, RxOK},
		{"skip_check_adv_addr same master", func(c *rxCase) {
			c.in.VIPs, c.in.SkipCheckAdvAddr, c.last = []Address{otherVIP}, true, r1v4
		}, RxOK},
		{"skip_check_adv_addr new master", func(c *rxCase) {
			c.in.VIPs, c.in.SkipCheckAdvAddr, c.last = []Address{otherVIP}, true, r2v4
		}, RxAddrList},
		{"skip_check_adv_addr no master yet", func(c *rxCase) {
			c.in.VIPs, c.in.SkipCheckAdvAddr = []Address{otherVIP}, true
		}, RxAddrList},
		{"check_unicast_src unknown peer", func(c *rxCase) {
			unicastRx(c)
			c.in.Options().UnicastPeers[0].Addr, c.in.CheckUnicastSrc = netip.MustParseAddr("192.0.2.13"), true
		}, RxUnicastSrc},
		{"unknown peer without check_unicast_src", func(c *rxCase) {
			unicastRx(c)
			c.in.Options().UnicastPeers[0].Addr = netip.MustParseAddr("192.0.2.13")
		}, RxOK},
		{"ttl limits imply check_unicast_src", func(c *rxCase) {
			unicastRx(c)
			c.in.OptsRef().UnicastPeers[0] = Peer{Addr: netip.MustParseAddr("192.0.2.13"), MinTTL: 1}
		}, RxUnicastSrc},
		{"check_unicast_src known peer", func(c *rxCase) { unicastRx(c); c.in.CheckUnicastSrc = true }, RxOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := baseRx(t)
			tc.mut(&c)
			if got := CheckAdvert(&c.in, &c.a, &c.f, c.last); got != tc.want {
				t.Errorf("CheckAdvert = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCheckAdvertIPv6(t *testing.T) {
	c := readCapture(t, "vrrpv3-ipv6-advert.pcap")
	var a Advert
	if _, err := a.Unmarshal(c.vrrp, c.facts.Src, c.facts.Dst); err != nil {
		t.Fatal(err)
	}
	in := Instance{VRID: 52, Priority: 100, Version: 2, Family: IPv6, AdvertInt: time.Second,
		VIPs: []Address{{Prefix: netip.PrefixFrom(vip6, 64)}}}
	if r := CheckAdvert(&in, &a, &c.facts, netip.Addr{}); r != RxOK {
		t.Errorf("IPv6 instance with global vrrp_version 2: %v, want ok (IPv6 always runs v3)", r)
	}
	c.facts.TTL = 1
	if r := CheckAdvert(&in, &a, &c.facts, netip.Addr{}); r != RxTTL {
		t.Errorf("hop limit 1: %v", r)
	}
}

func TestCheckAdvertNil(t *testing.T) {
	c := baseRx(t)
	if CheckAdvert(nil, &c.a, &c.f, netip.Addr{}) != RxMalformed ||
		CheckAdvert(&c.in, nil, &c.f, netip.Addr{}) != RxMalformed ||
		CheckAdvert(&c.in, &c.a, nil, netip.Addr{}) != RxMalformed {
		t.Error("nil argument not reported as malformed")
	}
}

func TestRxReasonNames(t *testing.T) {
	seen := map[string]bool{}
	for r := RxOK; r < numRxReasons; r++ {
		s := r.String()
		if s == "" || s == "unknown" || seen[s] {
			t.Errorf("reason %d has name %q", r, s)
		}
		seen[s] = true
	}
	if numRxReasons.String() != "unknown" {
		t.Error("out-of-range reason named")
	}
	stats := map[RxReason]string{RxLength: "packet_len_err", RxTTL: "ip_ttl_err", RxType: "invalid_type_rcvd",
		RxInterval: "advert_interval_err", RxAddrList: "addr_list_err", RxAuthInvalid: "invalid_authtype",
		RxAuthMismatch: "authtype_mismatch", RxAuthPass: "auth_failure", RxVersion: "", RxOK: ""}
	for r, want := range stats {
		if r.Stat() != want {
			t.Errorf("%v.Stat() = %q, want %q", r, r.Stat(), want)
		}
	}
}

// TestDescribe: every drop line names the instance and the sender, and
// keeps keepalived's wording where the lab notes verified it.
func TestDescribe(t *testing.T) {
	otherVIP := Address{Prefix: netip.MustParsePrefix("192.0.2.201/24")}
	tests := []struct {
		mut  func(c *rxCase)
		want string
	}{
		{func(c *rxCase) { c.in.Version = 3 }, "(VI_1) wrong version. Received 2 and expect 3 - advert from 192.0.2.11"},
		{func(c *rxCase) { c.in.AdvertInt = 2 * time.Second },
			"(VI_1) advertisement interval mismatch mine=2 sec rcv'd=1 sec - advert from 192.0.2.11"},
		{func(c *rxCase) { c.in.VIPs = []Address{otherVIP} },
			"(VI_1) ip address associated with VRID 51 not present in MASTER advert : 192.0.2.201 - advert from 192.0.2.11"},
		{func(c *rxCase) { c.in.VIPs = append(c.in.VIPs, Address{Prefix: netip.PrefixFrom(vip4, 32)}) },
			"(VI_1) received an unexpected ip number count 1, expected 2! - advert from 192.0.2.11"},
		{func(c *rxCase) { c.f.TTL = 1 }, "(VI_1) invalid TTL/HL. Received 1 and expect 255 - advert from 192.0.2.11"},
		{func(c *rxCase) { unicastRx(c); c.in.Options().UnicastPeers[0].MaxTTL, c.f.TTL = 64, 200 },
			"(VI_1) TTL 200 outside unicast peer range min_ttl 0 max_ttl 64 - advert from 192.0.2.11"},
		{func(c *rxCase) { c.in.Auth = Auth{Type: AuthPass, Pass: "x"} },
			"(VI_1) received a 0 auth, expecting 1! - advert from 192.0.2.11"},
		{func(c *rxCase) {
			c.in.Auth = Auth{Type: AuthPass, Pass: "x"}
			c.a.AuthType, c.a.AuthData = AuthPass, pass12
		}, "(VI_1) received an invalid passwd! - advert from 192.0.2.11"},
		{func(c *rxCase) { c.f.Dst = r2v4 }, "(VI_1) expected a multicast advert, received unicast to 192.0.2.12 - advert from 192.0.2.11"},
		{func(c *rxCase) { unicastRx(c); c.in.Options().UnicastPeers[0].Addr, c.in.CheckUnicastSrc = r2v4, true },
			"(VI_1) unicast source address 192.0.2.11 not a unicast peer - advert from 192.0.2.11"},
	}
	for _, tc := range tests {
		c := baseRx(t)
		tc.mut(&c)
		r := CheckAdvert(&c.in, &c.a, &c.f, c.last)
		if got := r.Describe(&c.in, &c.a, &c.f); got != tc.want {
			t.Errorf("%v:\n got %s\nwant %s", r, got, tc.want)
		}
	}
	c := baseRx(t)
	for r := RxOK; r <= numRxReasons; r++ {
		if s := r.Describe(&c.in, &c.a, &c.f); s == "" {
			t.Errorf("%v: empty description", r)
		}
	}
	if RxTTL.Describe(nil, nil, nil) != "malformed advert" {
		t.Error("nil arguments")
	}
}
