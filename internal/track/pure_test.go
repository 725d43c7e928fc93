package track

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// seq turns "++-+" into run results.
func seq(s string) []bool {
	out := make([]bool, len(s))
	for i, c := range s {
		out[i] = c == '+'
	}
	return out
}

func TestRiseFall(t *testing.T) {
	cases := []struct {
		name       string
		rise, fall int
		initFail   bool
		runs       string
		want       string // per run: U/D = reported up/down, . = nothing reported
	}{
		{"default first success reported", 1, 1, false, "+", "U"},
		{"default first failure reported", 1, 1, false, "-", "D"},
		{"default first failure with fall 3 still reported", 2, 3, false, "-", "D"},
		{"default first success is enough even with rise 3", 3, 1, false, "+", "U"},
		{"fall 3 needs three consecutive failures", 1, 3, false, "+---", "U..D"},
		{"a success in between restarts the fall", 1, 3, false, "+--+---", "U.....D"},
		{"rise 2 after init_fail", 2, 1, true, "++", ".U"},
		{"a failure restarts the rise", 3, 1, true, "++-+++", ".....U"},
		{"rise 2 fall 2 flapping", 2, 2, false, "+--++-+", "U.D.U.."},
		{"init_fail then one failure: nothing new", 1, 1, true, "-+", ".U"},
		{"rise 1 fall 1 alternate", 1, 1, false, "+-+-", "UDUD"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRiseFall(c.rise, c.fall, c.initFail)
			if c.initFail && (!r.known || r.up) {
				t.Fatal("init_fail must start known and down")
			}
			var got strings.Builder
			for _, ok := range seq(c.runs) {
				switch {
				case !r.observe(ok):
					got.WriteByte('.')
				case r.up:
					got.WriteByte('U')
				default:
					got.WriteByte('D')
				}
			}
			if got.String() != c.want {
				t.Fatalf("runs %s: got %s want %s", c.runs, got.String(), c.want)
			}
		})
	}
}

func TestQuorumDebounce(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	type obs struct {
		ms, n int
		want  string // "U", "D" or "" (no report)
	}
	cases := []struct {
		name string
		pt   vrrp.ProcessTracker
		obs  []obs
	}{
		{"first observation reported at once", vrrp.ProcessTracker{Quorum: 1, ForkDelay: time.Second},
			[]obs{{0, 1, "U"}, {10, 0, "D"}, {20, 1, ""}, {1019, 1, ""}, {1020, 1, "U"}}},
		{"terminate_delay waits; a restart cancels", vrrp.ProcessTracker{Quorum: 1, TerminateDelay: 500 * time.Millisecond},
			[]obs{{0, 1, "U"}, {100, 0, ""}, {400, 1, ""}, {1000, 1, ""}, {1100, 0, ""}, {1599, 0, ""}, {1600, 0, "D"}}},
		{"quorum 2 of 3", vrrp.ProcessTracker{Quorum: 2},
			[]obs{{0, 3, "U"}, {1, 2, ""}, {2, 1, "D"}, {3, 2, "U"}}},
		{"quorum_max exceeded by a fork waits fork_delay", vrrp.ProcessTracker{Quorum: 1, QuorumMax: 2, QuorumMaxSet: true,
			ForkDelay: 200 * time.Millisecond}, []obs{{0, 2, "U"}, {10, 3, ""}, {210, 3, "D"}, {220, 2, "U"}}},
		{"quorum_max 0: must not run", vrrp.ProcessTracker{Quorum: 1, QuorumMax: 0, QuorumMaxSet: true},
			[]obs{{0, 0, "U"}, {1, 1, "D"}, {2, 0, "U"}}},
		{"delay counts from the first change, not the last", vrrp.ProcessTracker{Quorum: 3, ForkDelay: 100 * time.Millisecond},
			[]obs{{0, 0, "D"}, {10, 3, ""}, {50, 4, ""}, {110, 4, "U"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := newQuorum(c.pt)
			for _, o := range c.obs {
				got := ""
				if q.observe(at(o.ms), o.n) {
					got = map[bool]string{true: "U", false: "D"}[q.up]
				}
				if got != o.want {
					t.Fatalf("at %dms count %d: got %q want %q", o.ms, o.n, got, o.want)
				}
			}
		})
	}
}

func TestParseFileValue(t *testing.T) {
	cases := []struct {
		in   string
		want int
		bad  bool
	}{
		{"", 0, false},
		{"5", 5, false},
		{"5\n", 5, false},
		{"  \t\n-12 trailing words", -12, false},
		{"+7", 7, false},
		{"0x1f", 31, false},
		{"0X1F\n", 31, false},
		{"-0x10", -16, false},
		{"0x", 0, false},  // strtol stops after the 0
		{"0xg", 0, false}, // likewise
		{"010", 8, false}, // octal
		{"08", 0, false},  // 8 is not octal: the 0 alone
		{"12abc", 12, false},
		{"abc", 0, false},
		{"- 5", 0, false},
		{"2147483647", 2147483647, false},
		{"-2147483648", -2147483648, false},
		{"2147483648", 0, true},
		{"-2147483649", 0, true},
		{"99999999999999999999999", 0, true},
		{strings.Repeat(" ", 126) + "5", 5, false},
		{strings.Repeat(" ", 127) + "5", 0, false}, // beyond keepalived's 127-byte read
		{strings.Repeat(" ", 126) + "42", 4, false},
	}
	for _, c := range cases {
		got, err := ParseFileValue([]byte(c.in))
		if c.bad {
			if !errors.Is(err, errBadValue) {
				t.Errorf("%q: want out-of-range error, got %d, %v", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: got %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func FuzzParseFileValue(f *testing.F) {
	for _, s := range []string{"", "5", " -0x1F junk", "010", "2147483648", "\v\f+9", "0x", "-"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := ParseFileValue(b)
		if err != nil {
			if !errors.Is(err, errBadValue) || v != 0 {
				t.Fatalf("%q: %d, %v", b, v, err)
			}
			return
		}
		if int64(v) > 1<<31-1 || int64(v) < -1<<31 {
			t.Fatalf("%q: %d out of int32", b, v)
		}
		// Anything after the first 127 bytes is never looked at.
		if len(b) > fileReadMax {
			v2, err2 := ParseFileValue(b[:fileReadMax])
			if v2 != v || err2 != nil {
				t.Fatalf("%q: prefix gives %d, %v", b, v2, err2)
			}
		}
		// A value written the way init_file writes it reads back.
		w, err := ParseFileValue([]byte(strconv.Itoa(v) + "\n"))
		if err != nil || w != v {
			t.Fatalf("round trip of %d: %d, %v", v, w, err)
		}
	})
}

func TestProcMatcher(t *testing.T) {
	cases := []struct {
		name string
		pt   vrrp.ProcessTracker
		comm string
		argv []string
		want bool
	}{
		{"comm exact", vrrp.ProcessTracker{Process: "nginx"}, "nginx", []string{"nginx: master"}, true},
		{"comm is not a prefix match", vrrp.ProcessTracker{Process: "ngin"}, "nginx", nil, false},
		{"comm ignores argv", vrrp.ProcessTracker{Process: "sleep"}, "sleep", []string{"/bin/sleep", "9"}, true},
		{"full_command compares argv0", vrrp.ProcessTracker{Process: "/bin/sleep", FullCommand: true}, "sleep",
			[]string{"/bin/sleep", "9"}, true},
		{"full_command not comm", vrrp.ProcessTracker{Process: "sleep", FullCommand: true}, "sleep",
			[]string{"/bin/sleep"}, false},
		{"params imply full_command and exact", vrrp.ProcessTracker{Process: "/bin/sleep", Params: []string{"9"}}, "sleep",
			[]string{"/bin/sleep", "9"}, true},
		{"exact rejects extra params", vrrp.ProcessTracker{Process: "/bin/sleep", Params: []string{"9"}}, "sleep",
			[]string{"/bin/sleep", "9", "x"}, false},
		{"partial: leading whole params", vrrp.ProcessTracker{Process: "p", Params: []string{"a", "b"}, ParamMatch: "partial"},
			"", []string{"p", "a", "b", "c"}, true},
		{"partial: whole words only", vrrp.ProcessTracker{Process: "p", Params: []string{"a", "b"}, ParamMatch: "partial"},
			"", []string{"p", "a", "bc"}, false},
		{"initial: last may be a prefix", vrrp.ProcessTracker{Process: "p", Params: []string{"a", "b"}, ParamMatch: "initial"},
			"", []string{"p", "a", "bc", "d"}, true},
		{"initial: earlier ones whole", vrrp.ProcessTracker{Process: "p", Params: []string{"a", "b"}, ParamMatch: "initial"},
			"", []string{"p", "ax", "b"}, false},
		{"initial without params: anything", vrrp.ProcessTracker{Process: "p", ParamMatch: "initial"},
			"", []string{"p", "x"}, true},
		{"too few params", vrrp.ProcessTracker{Process: "p", Params: []string{"a", "b"}, ParamMatch: "partial"},
			"", []string{"p", "a"}, false},
		{"empty cmdline (kernel thread)", vrrp.ProcessTracker{Process: "p", FullCommand: true}, "p", nil, false},
	}
	for _, c := range cases {
		m := newProcMatcher(c.pt)
		if got := m.match(c.comm, c.argv); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
}
