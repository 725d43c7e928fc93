package reliability

import (
	"fmt"
	"testing"
	"time"
)

// badKind is one malformed advert and the dump counter its drop must be
// counted under: keepalived's JSON field where keepalived has one (runtime
// notes §3.1/§3.2), else the field keepalived's vrrp_stats keeps for the
// RFC 6527 statistic but leaves out of its JSON dump (ChecksumErrors →
// chk_err, VersionErrors → vers_err, VrIdErrors → vrid_err).
type badKind struct {
	name   string
	field  string
	only   func(setup) bool // nil: every setup
	mutate func(advert) advert
}

var badKinds = []badKind{
	{"bad checksum", "chk_err", nil, func(a advert) advert { a.BadChecksum = true; return a }},
	{"wrong version", "vers_err", nil, otherVersion},
	{"wrong type", "invalid_type_rcvd", nil, func(a advert) advert { a.TypeField = 2; return a }},
	{"count≠length", "packet_len_err", nil, func(a advert) advert { return a.withCount(3) }},
	{"truncated", "packet_len_err", nil, func(a advert) advert { a.TruncateTo = 6; return a }},
	{"oversized", "packet_len_err", nil, func(a advert) advert { a.Pad = 1000; return a }},
	{"unknown auth type", "invalid_authtype", isV2, func(a advert) advert { a.AuthType = 7; return a }},
	{"wrong password", "auth_failure", func(s setup) bool { return s.Auth }, func(a advert) advert { a.AuthPass = "wrong"; return a }},
	{"wrong VRID", "vrid_err", nil, func(a advert) advert { a.VRID = vrid + 1; return a }},
	{"TTL 64", "ip_ttl_err", nil, func(a advert) advert { a.TTL = 64; return a }},
}

func isV2(s setup) bool { return s.Version == 2 }

// otherVersion turns a into a well-formed advert of the other version, so
// the version is the only thing wrong with it.
func otherVersion(a advert) advert {
	if a.Version == 2 {
		a.Version, a.Interval, a.AuthType, a.AuthPass = 3, a.Interval*100, 0, ""
	} else {
		a.Version, a.Interval = 2, max(a.Interval/100, 1)
	}
	return a
}

var badSetups = []setup{
	{Version: 2, Advert: time.Second},
	{Version: 2, Advert: time.Second, Auth: true},
	{Version: 3, Advert: time.Second},
}

// TestBadAdverts sends every malformed kind at priority 254 (so one that
// got through would take mastership from r1) and checks: no state change,
// each packet counted under its reason in r1's JSON dump, and at most one
// log line for the burst (issue #16: one line per reason per 10 s).
func TestBadAdverts(t *testing.T) {
	const burst = 20
	for _, impl := range implementations(t) {
		for _, set := range badSetups {
			t.Run(impl.name+"/"+set.String(), func(t *testing.T) {
				r := newRig(t, impl, set)
				for _, k := range badKinds {
					if k.only != nil && !k.only(set) {
						continue
					}
					pkt := k.mutate(r.advert(254)).packet()
					before, _ := r.dumpJSON(0)
					from, off := time.Now(), r.logSize(0)
					for i := 0; i < burst; i++ {
						if err := r.inj.send(pkt); err != nil {
							t.Fatal(err)
						}
						time.Sleep(10 * time.Millisecond)
					}
					time.Sleep(2 * set.Advert)
					to, end := time.Now(), r.logSize(0)
					after, err := r.dumpJSON(0)
					if err != nil {
						t.Error(err)
					}
					b, _ := counter(before, k.field)
					a, ok := counter(after, k.field)
					kept := len(r.holders()) == 1 && r.holders()[0] == 0 && r.failovers(from, to) == 0 && r.removals(from, to) == 0
					lines := len(r.logLines(0, off, end))
					counted := fmt.Sprintf("%s +%.0f", k.field, a-b)
					if !ok {
						counted = k.field + " absent from the dump"
					}
					result(t, impl.name, fmt.Sprintf("%s (%s): state kept %v, %s (sent %d), %d log lines",
						k.name, set, kept, counted, burst, lines), kept && ok && a-b == burst && lines <= 1)
				}
			})
		}
	}
}
