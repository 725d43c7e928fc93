package confparse

import (
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Direct tests of sem_bfd.go's readers that the whole-block tables of
// sem_bfd_test.go reach only in part.

// TestParseMillis: milliseconds with at most three decimals, as
// keepalived's read_decimal_unsigned_strvec reads BFD intervals.
func TestParseMillis(t *testing.T) {
	us := time.Microsecond
	rows := []struct {
		s    string
		want time.Duration
		ok   bool
	}{
		{"50", 50 * time.Millisecond, true},
		{"0.5", 500 * us, true},
		{".5", 500 * us, true},
		{"7.", 7 * time.Millisecond, true},
		{"12.125", 12125 * us, true},
		{"1.0001", 0, false},
		{".", 0, false},
		{"", 0, false},
		{"-1", 0, false},
		{"1.-5", 0, false},
		{"4294967295", 4294967295 * time.Millisecond, true},
		{"4294967296", 0, false},
		{"1e3", 0, false},
	}
	for _, r := range rows {
		got, ok := parseMillis(r.s)
		if ok != r.ok || got != r.want {
			t.Errorf("parseMillis(%q) = %v, %v; want %v, %v", r.s, got, ok, r.want, r.ok)
		}
	}
}

// TestTrackBFDEntryTail covers the words after a track_bfd name: the
// entry's own weight and direction override the bfd_instance's, and a
// malformed tail is warned about at the entry's line. Rows agree with
// keepalived 2.2.7 (alloc_track_bfd); an unknown option, an unknown
// direction and a bad weight are handled differently from keepalived and
// are left out here (reported to the lead, not pinned).
func TestTrackBFDEntryTail(t *testing.T) {
	def := bfdBlock("gw", "neighbor_ip 192.0.2.2\nweight -30 reverse\n") // lines 1-4
	const entry = 4 + instBody + 1
	refs := func(want ...vrrp.TrackRef) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool {
			if len(i.Options().TrackBFDs) != len(want) {
				return false
			}
			for k := range want {
				if i.Options().TrackBFDs[k] != want[k] {
					return false
				}
			}
			return true
		})
	}
	tb := func(line string) string { return def + inst("track_bfd {\n"+line+"\n}") }
	runSemRows(t, []semRow{
		{"inherits weight and reverse", tb("gw"), refs(vrrp.TrackRef{Name: "gw", Weight: -30, Reverse: true, WeightSet: true}), nil},
		{"noreverse overrides", tb("gw weight 5 noreverse"), refs(vrrp.TrackRef{Name: "gw", Weight: 5, WeightSet: true}), nil},
		{"weight alone keeps reverse", tb("gw weight -253"), refs(vrrp.TrackRef{Name: "gw", Weight: -253, Reverse: true, WeightSet: true}), nil},
		{"weight without value", tb("gw weight"), refs(),
			[]want{warnAt(entry, "(VI_1) weight without value specified for track bfd gw - ignoring")}},
	})
}

// TestBFDNeighborMalformed: a bad neighbor_ip drops the instance with
// keepalived's message, so nothing can track it.
func TestBFDNeighborMalformed(t *testing.T) {
	runSemRows(t, []semRow{
		{"v4 typo", bfdBlock("b", "neighbor_ip 192.0.2\n"), func(c *Config) bool { return len(c.BFDs) == 0 },
			[]want{warnAt(2, "BFD instance b has malformed neighbor address 192.0.2, ignoring instance")}},
		{"v6 zone-less garbage", bfdBlock("b", "neighbour_ip 2001:db8::g\n"), func(c *Config) bool { return len(c.BFDs) == 0 },
			[]want{warnAt(2, "BFD instance b has malformed neighbour address 2001:db8::g")}},
	})
}
