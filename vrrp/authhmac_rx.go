package vrrp

import (
	"crypto/subtle"
	"net/netip"
	"time"
)

// hmacMcastSenders is how many multicast senders an instance keeps replay
// state for: legitimate senders on one VRID only overlap during an
// election, so a few slots suffice (keepalived keeps 4).
const hmacMcastSenders = 4

// authExtStat is keepalived 2.4's stats/JSON name of an auth_hmac drop.
func authExtStat(r RxReason) string {
	switch r {
	case RxAuthExtMissing:
		return "auth_ext_missing"
	case RxAuthExtMalformed:
		return "auth_ext_malformed"
	case RxAuthExtUnknownKey:
		return "auth_ext_unknown_key"
	case RxAuthExtBadHMAC:
		return "auth_ext_invalid_hmac"
	case RxAuthExtStale:
		return "auth_ext_stale"
	case RxAuthExtReplay:
		return "auth_ext_replay"
	}
	return ""
}

// UnmarshalAuth is Unmarshal for a message that may end in an auth_hmac
// trailer: exactly TrailerLen bytes beyond what the address count needs
// (padding never reaches that much). It returns the trailer, nil when
// there is none; the message itself is b without it.
func (a *Advert) UnmarshalAuth(b []byte, src, dst netip.Addr) (ChecksumForm, []byte, error) {
	if !hasTrailer(b, src) {
		form, err := a.Unmarshal(b, src, dst)
		return form, nil, err
	}
	end := len(b) - TrailerLen
	sum := b[:end]
	if src.Unmap().Is6() {
		sum = b
	}
	form, err := a.unmarshal(sum, end, src, dst)
	return form, b[end:], err
}

func hasTrailer(b []byte, src netip.Addr) bool {
	if len(b) < headerLen+TrailerLen {
		return false
	}
	alen := 4
	if src.Unmap().Is6() {
		alen = 16
	}
	return len(b) == wireLen(b[0]>>4, alen, int(b[3]))+TrailerLen
}

// replayState is one sender's high-water mark.
type replayState struct {
	valid bool
	seq   uint64
}

type mcastSender struct {
	addr  netip.Addr
	state replayState
	used  uint64 // LRU rank; 0: empty
}

// HMACVerifier checks an instance's received trailers. It is not safe for
// concurrent use; the daemon receives in its event loop.
type HMACVerifier struct {
	keys      hmacKeys
	mode      HMACMode
	monotonic bool
	window    int64 // seconds
	unicast   bool
	peers     map[netip.Addr]*replayState // unicast: one per configured peer
	mcast     [hmacMcastSenders]mcastSender
	clock     uint64
}

// NewHMACVerifier returns the verifier of an instance with auth_hmac, or
// nil without.
func NewHMACVerifier(in *Instance) *HMACVerifier {
	c := in.AuthHMAC
	if c == nil {
		return nil
	}
	v := &HMACVerifier{keys: newHMACKeys(c), mode: c.Mode, monotonic: c.Monotonic,
		window: int64(c.EffectiveWindow(in.AdvertInt) / time.Second)}
	if len(in.Peers()) > 0 {
		v.unicast = true
		v.peers = make(map[netip.Addr]*replayState, len(in.Peers()))
		for _, p := range in.Peers() {
			v.peers[p.Addr.Unmap()] = &replayState{}
		}
	}
	return v
}

// Verify checks the trailer of an advert from src at wall-clock time now:
// msg is the VRRP message, trailer nil when it had none. Replay state
// moves only after the tag has verified, so forged packets cannot disturb
// it; the cheap freshness check runs first so a flood of old captures
// costs no hashing.
func (v *HMACVerifier) Verify(now time.Time, src netip.Addr, msg, trailer []byte) RxReason {
	if trailer == nil {
		if v.mode == HMACEnforce {
			return RxAuthExtMissing
		}
		return RxOK
	}
	src = src.Unmap()
	var st *replayState
	if v.unicast {
		if st = v.peers[src]; st == nil {
			return RxUnicastSrc
		}
	}
	t, err := DecodeTrailer(trailer)
	if err != nil {
		return RxAuthExtMalformed
	}
	if !v.monotonic && !v.fresh(now, t.Seconds()) {
		return RxAuthExtStale
	}
	var want [hmacTagLen]byte
	if !v.keys.tag(want[:], t.KeyID, src, msg, trailer) {
		if v.keys[t.KeyID] == nil {
			return RxAuthExtUnknownKey
		}
		return RxAuthExtMalformed
	}
	if subtle.ConstantTimeCompare(want[:], t.Tag[:]) != 1 {
		return RxAuthExtBadHMAC
	}
	if st == nil {
		st = v.mcastState(src)
	}
	if !v.advance(now, st, t.Seq) {
		return RxAuthExtReplay
	}
	return RxOK
}

// fresh reports whether a timestamp lies within the window of now, in
// 32-bit seconds arithmetic as the wire carries them.
func (v *HMACVerifier) fresh(now time.Time, sec uint32) bool {
	d := int64(int32(uint32(now.Unix()) - sec))
	return d <= v.window && d >= -v.window
}

// advance accepts seq if it is after the sender's mark and raises the
// mark. In time mode a mark outside the window is forgotten first: it
// only orders packets the window rejects anyway, and forgetting it lets a
// sender whose clock was stepped back recover.
func (v *HMACVerifier) advance(now time.Time, st *replayState, seq uint64) bool {
	if st.valid && !v.monotonic && !v.fresh(now, uint32(st.seq>>32)) {
		st.valid = false
	}
	if st.valid && !seqAfter(seq, st.seq) {
		return false
	}
	st.valid, st.seq = true, seq
	return true
}

// mcastState finds src's slot, or takes the least recently used one.
func (v *HMACVerifier) mcastState(src netip.Addr) *replayState {
	v.clock++
	victim := &v.mcast[0]
	for i := range v.mcast {
		s := &v.mcast[i]
		if s.used != 0 && s.addr == src {
			s.used = v.clock
			return &s.state
		}
		if s.used < victim.used {
			victim = s
		}
	}
	*victim = mcastSender{addr: src, used: v.clock}
	return &victim.state
}
