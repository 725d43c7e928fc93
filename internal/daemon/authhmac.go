package daemon

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// keepalived 2.4's auth_hmac at run time: sendAdvert signs through
// in.hmacSign, receive verifies through checkAuthHMAC after the other
// receive checks, and a reload that only changes keys rebuilds both here
// without restarting the instance (a master stays master while its
// active_key moves).

// setupAuthHMAC builds the instance's signer and verifier from in.cfg;
// prev, when not nil, is the instance before a reload, whose sequence and
// replay marks carry over.
func (in *instance) setupAuthHMAC(prev *instance) error {
	s, err := vrrp.NewHMACSigner(in.cfg.AuthHMAC, in.cfg.AdvertInt)
	if err != nil {
		return fmt.Errorf("vrrp %s: %w", in.cfg.Name, err)
	}
	v := vrrp.NewHMACVerifier(in.cfg)
	if prev != nil {
		s.Resume(prev.hmacSign)
		v.Resume(prev.hmacVerify)
	}
	in.hmacSign, in.hmacVerify = s, v
	return nil
}

// checkAuthHMAC verifies a received advert's trailer (nil: none) at now's
// wall clock. A trailer on an instance without auth_hmac makes the packet
// too long, as keepalived counts it.
func (in *instance) checkAuthHMAC(now time.Time, src netip.Addr, msg, trailer []byte) vrrp.RxReason {
	if in.hmacVerify == nil {
		if trailer != nil {
			return vrrp.RxLength
		}
		return vrrp.RxOK
	}
	return in.hmacVerify.Verify(now, src, msg, trailer)
}

// authHMACStats is keepalived 2.4.3's SIGUSR2 block for auth_hmac drops.
func authHMACStats(b *strings.Builder, dr func(vrrp.RxReason) uint64) {
	fmt.Fprintf(b, "  Authentication Extension Errors:\n    Missing: %d\n    Malformed: %d\n    Unknown Key: %d\n"+
		"    Invalid HMAC: %d\n    Stale: %d\n    Replay: %d\n",
		dr(vrrp.RxAuthExtMissing), dr(vrrp.RxAuthExtMalformed), dr(vrrp.RxAuthExtUnknownKey),
		dr(vrrp.RxAuthExtBadHMAC), dr(vrrp.RxAuthExtStale), dr(vrrp.RxAuthExtReplay))
}
