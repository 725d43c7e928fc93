package vrrp

import (
	"fmt"
	"net/netip"
	"time"
)

// Describe renders a drop as a log line. Where keepalived 2.2.7's wording
// is known it is kept, because operators grep for it when two nodes both
// end up MASTER; the sender is always appended, which keepalived often
// omits and which is what one needs to find the misconfigured peer. Only
// the drop path calls it, so it may allocate.
func (r RxReason) Describe(in *Instance, a *Advert, f *RxFacts) string {
	if in == nil || a == nil || f == nil {
		return "malformed advert"
	}
	return fmt.Sprintf("(%s) %s - advert from %v", in.Name, r.detail(in, a, f), f.Src)
}

func (r RxReason) detail(in *Instance, a *Advert, f *RxFacts) string {
	switch r {
	case RxOK:
		return "advert accepted"
	case RxLength:
		return fmt.Sprintf("packet length error: IP header %d, IP length %d, received %d, VRRP message %d",
			f.HeaderLen, f.TotalLen, f.RxLen, a.Len())
	case RxVRID:
		return fmt.Sprintf("advert for VRID %d, ours is %d", a.VRID, in.VRID)
	case RxTTL:
		return ttlDetail(in, f)
	case RxVersion:
		return fmt.Sprintf("wrong version. Received %d and expect %d", a.Version, instanceVersion(in))
	case RxAuthMismatch:
		return fmt.Sprintf("received a %d auth, expecting %d!", a.AuthType, in.Auth.Type)
	case RxAuthPass:
		return "received an invalid passwd!"
	case RxAuthUnsupported:
		return "IPsec AH authentication is not supported by govrrpd"
	case RxInterval:
		return fmt.Sprintf("advertisement interval mismatch mine=%d sec rcv'd=%d sec",
			in.AdvertInt/time.Second, a.Interval)
	case RxExpectedMulticast:
		return fmt.Sprintf("expected a multicast advert, received unicast to %v", f.Dst)
	case RxExpectedUnicast:
		return fmt.Sprintf("expected a unicast advert, received multicast to %v", f.Dst)
	case RxOwnerIgnore:
		return "address owner ignoring advert (owner_ignore_adverts)"
	case RxAddrList:
		return addrListDetail(in, a)
	case RxUnicastSrc:
		return fmt.Sprintf("unicast source address %v not a unicast peer", f.Src)
	}
	return fmt.Sprintf("advert discarded: %v", r)
}

func ttlDetail(in *Instance, f *RxFacts) string {
	if f.Dst.IsMulticast() {
		return fmt.Sprintf("invalid TTL/HL. Received %d and expect %d", f.TTL, 255)
	}
	if p := findPeer(in, f.Src.Unmap()); p != nil {
		return fmt.Sprintf("TTL %d outside unicast peer range min_ttl %d max_ttl %d", f.TTL, p.MinTTL, p.MaxTTL)
	}
	return fmt.Sprintf("invalid TTL %d", f.TTL)
}

func addrListDetail(in *Instance, a *Advert) string {
	var n int
	missing := netip.Addr{}
	for i := range in.VIPs {
		vip := in.VIPs[i].Prefix.Addr()
		if vip.Is4() != (in.Family != IPv6) {
			continue
		}
		n++
		if !missing.IsValid() && !containsAddr(a.Addrs(), vip) {
			missing = vip
		}
	}
	if missing.IsValid() {
		return fmt.Sprintf("ip address associated with VRID %d not present in MASTER advert : %v", in.VRID, missing)
	}
	return fmt.Sprintf("received an unexpected ip number count %d, expected %d!", len(a.Addrs()), n)
}
