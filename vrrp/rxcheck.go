package vrrp

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=RxReason -output=rxcheck_string.go

import (
	"errors"
	"net/netip"
	"time"
)

// RxReason says why a received advert was discarded (RxOK: it was not). It
// is an enum rather than an error so the daemon can index counters with it
// and the receive path stays allocation-free.
type RxReason uint8

const (
	RxOK RxReason = iota // ok
	// IP length, received length and VRRP length disagree
	RxLength // length
	// address family differs from the instance's
	RxFamily // family
	// advert for another VRID, or VRID 0
	RxVRID // vrid
	// TTL/hop limit not 255 (multicast) or outside the peer's min_ttl/max_ttl
	RxTTL // ttl
	// VRRP version differs from the instance's
	RxVersion // version
	// not an advertisement
	RxType // type
	// no checksum form matched
	RxChecksum // checksum
	// auth type field holds an unknown value
	RxAuthInvalid // auth-invalid-type
	// auth type differs from the instance's
	RxAuthMismatch // auth-type-mismatch
	// PASS auth with the wrong password
	RxAuthPass // auth-failure
	// IPsec AH, which govrrpd does not implement
	RxAuthUnsupported // auth-unsupported
	// v2 interval differs from ours, or interval 0
	RxInterval // advert-interval
	// unicast packet, but the instance runs multicast
	RxExpectedMulticast // expected-multicast
	// multicast packet, but the instance has unicast peers
	RxExpectedUnicast // expected-unicast
	// we own the addresses and owner_ignore_adverts is set
	RxOwnerIgnore // owner-ignore
	// VIP count or a VIP differs from ours
	RxAddrList // address-list
	// source is not a configured unicast peer
	RxUnicastSrc // unicast-source
	// any other decode failure
	RxMalformed // malformed
	// auth_hmac (authhmac_rx.go), keepalived 2.4's auth_ext_* counters.
	// no trailer, and the mode is enforce
	RxAuthExtMissing // auth-ext-missing
	// unknown scheme or reserved bits, or a trailer the instance does not expect
	RxAuthExtMalformed // auth-ext-malformed
	// key id not configured
	RxAuthExtUnknownKey // auth-ext-unknown-key
	// tag does not verify
	RxAuthExtBadHMAC // auth-ext-invalid-hmac
	// timestamp outside the freshness window
	RxAuthExtStale // auth-ext-stale
	// sequence not after the sender's last
	RxAuthExtReplay // auth-ext-replay
	numRxReasons    // unknown
)

// Stat is the keepalived stats counter (SIGUSR2 / JSON key) the reason
// increments, or "" when keepalived 2.2.7 has no counter for it, so the
// daemon's dumps stay comparable with keepalived's.
func (r RxReason) Stat() string {
	switch r {
	case RxLength:
		return "packet_len_err"
	case RxTTL:
		return "ip_ttl_err"
	case RxType:
		return "invalid_type_rcvd"
	case RxInterval:
		return "advert_interval_err"
	case RxAddrList:
		return "addr_list_err"
	case RxAuthInvalid:
		return "invalid_authtype"
	case RxAuthMismatch, RxAuthUnsupported:
		return "authtype_mismatch"
	case RxAuthPass:
		return "auth_failure"
	case RxAuthExtMissing, RxAuthExtMalformed, RxAuthExtUnknownKey, RxAuthExtBadHMAC, RxAuthExtStale, RxAuthExtReplay:
		return authExtStat(r)
	}
	return ""
}

// DecodeReason maps an Unmarshal error to the reason it counts as, so
// decode failures and check failures share one set of counters.
func DecodeReason(err error) RxReason {
	for _, m := range decodeReasons {
		if errors.Is(err, m.err) {
			return m.r
		}
	}
	if err == nil {
		return RxOK
	}
	return RxMalformed
}

var decodeReasons = [...]struct {
	err error
	r   RxReason
}{
	{ErrTruncated, RxLength}, {ErrLength, RxLength}, {ErrVersion, RxVersion},
	{ErrType, RxType}, {ErrVRID, RxVRID}, {ErrAuthType, RxAuthInvalid},
	{ErrAuthAH, RxAuthUnsupported}, {ErrChecksum, RxChecksum},
	{ErrInterval, RxInterval}, {ErrFamily, RxFamily},
}

// RxFacts are the IP-layer facts of a received advert; the daemon reads
// them from the IP header or the socket's control messages.
type RxFacts struct {
	Src, Dst netip.Addr
	TTL      uint8 // IPv4 TTL or IPv6 hop limit
	// HeaderLen is the IP header length including options/extension
	// headers; TotalLen the packet length the header claims (IPv4 total
	// length, IPv6 40 + payload length); RxLen what the socket delivered
	// from the start of the IP header. An IPv6 raw socket strips the
	// header: pass HeaderLen 0 and TotalLen = RxLen = payload length.
	HeaderLen, TotalLen, RxLen int
}

// minEthPayload is the smallest Ethernet payload; a shorter IP packet may
// arrive padded up to it, and that padding is not an error.
const minEthPayload = 46

// CheckAdvert applies keepalived's receive checks (runtime notes §8, items
// 1–10, 2.2.7 behaviour) to an advert that Unmarshal accepted. lastMaster
// is the source of the last advert the instance accepted (zero if none):
// skip_check_adv_addr trusts a master it has already checked. It never
// panics; a nil argument is treated as malformed input.
func CheckAdvert(in *Instance, a *Advert, f *RxFacts, lastMaster netip.Addr) RxReason {
	if in == nil || a == nil || f == nil {
		return RxMalformed
	}
	src, dst := f.Src.Unmap(), f.Dst.Unmap()
	switch {
	case !src.IsValid() || !dst.IsValid() || src.Is4() != dst.Is4() || src.Is4() != (in.Family != IPv6):
		return RxFamily
	case f.RxLen < f.TotalLen || (f.RxLen > f.TotalLen && f.RxLen > minEthPayload) ||
		f.TotalLen-f.HeaderLen != a.Len():
		return RxLength
	case a.VRID != in.VRID:
		return RxVRID
	}
	if r := checkTTL(in, src, dst, f.TTL); r != RxOK {
		return r
	}
	if int(a.Version) != instanceVersion(in) {
		return RxVersion
	}
	if a.Version == 2 {
		if r := checkV2(in, a); r != RxOK {
			return r
		}
	}
	unicast := len(in.Peers()) > 0
	switch {
	case unicast && dst.IsMulticast():
		return RxExpectedUnicast
	case !unicast && !dst.IsMulticast():
		return RxExpectedMulticast
	case in.OwnerIgnoreAdverts && in.Priority == 255:
		return RxOwnerIgnore
	}
	if !(in.SkipCheckAdvAddr && lastMaster.IsValid() && lastMaster.Unmap() == src) && !vipsMatch(in, a) {
		return RxAddrList
	}
	if unicast && checkUnicastSrc(in) && findPeer(in, src) == nil {
		return RxUnicastSrc
	}
	return RxOK
}

// instanceVersion is the version an instance speaks: keepalived runs every
// IPv6 instance as VRRPv3 whatever vrrp_version says.
func instanceVersion(in *Instance) int {
	if in.Family == IPv6 {
		return 3
	}
	return int(in.Version)
}

// checkTTL enforces RFC 5798 §5.1.1.3 (255 on multicast, proving the
// sender is on-link) and, for unicast, the peer's optional TTL window, the
// only protection unicast has against off-link senders.
func checkTTL(in *Instance, src, dst netip.Addr, ttl uint8) RxReason {
	if dst.IsMulticast() {
		if ttl != 255 {
			return RxTTL
		}
		return RxOK
	}
	p := findPeer(in, src)
	if p != nil && ((p.MinTTL > 0 && int(ttl) < p.MinTTL) || (p.MaxTTL > 0 && int(ttl) > p.MaxTTL)) {
		return RxTTL
	}
	return RxOK
}

func checkV2(in *Instance, a *Advert) RxReason {
	switch {
	case in.Auth.Type == AuthAH:
		return RxAuthUnsupported
	case a.AuthType != in.Auth.Type:
		return RxAuthMismatch
	case a.AuthType == AuthPass && a.AuthData != PassAuthData(in.Auth.Pass):
		return RxAuthPass
	case time.Duration(a.Interval)*time.Second != in.AdvertInt.Truncate(time.Second):
		// v2 has no way to learn the master's interval, so keepalived drops
		// a mismatch (both sides then become master); v3 adopts it instead.
		return RxInterval
	}
	return RxOK
}

// vipsMatch is keepalived 2.2.7's address-list check: same count, and each
// configured VIP of the instance's family present. (≥2.3.3 only logs.)
func vipsMatch(in *Instance, a *Advert) bool {
	got := a.Addrs()
	n := 0
	for i := range in.VIPs {
		vip := in.VIPs[i].Prefix.Addr()
		if vip.Is4() != (in.Family != IPv6) {
			continue
		}
		n++
		if !containsAddr(got, vip) {
			return false
		}
	}
	return n == len(got)
}

func containsAddr(list []netip.Addr, x netip.Addr) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// checkUnicastSrc: min_ttl/max_ttl on any peer imply check_unicast_src.
func checkUnicastSrc(in *Instance) bool {
	if in.CheckUnicastSrc {
		return true
	}
	peers := in.Peers()
	for i := range peers {
		if peers[i].MinTTL > 0 || peers[i].MaxTTL > 0 {
			return true
		}
	}
	return false
}

func findPeer(in *Instance, src netip.Addr) *Peer {
	peers := in.Peers()
	for i := range peers {
		if peers[i].Addr.Unmap() == src {
			return &peers[i]
		}
	}
	return nil
}
