package track

import (
	"bytes"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

// A /proc/PID/stat line with a comm that holds ')' and spaces, a zombie,
// and lines cut short at every place.
func TestParseStat(t *testing.T) {
	cases := []struct {
		in         string
		comm       string
		zombie, ok bool
	}{
		{"1234 (nginx) S 1 1234", "nginx", false, true},
		{"1234 (we ird) (x)) Z 1", "we ird) (x)", true, true},
		{"1 (a) R", "a", false, true},
		{"1 (a)", "", false, false},
		{"1 (a) ", "", false, false},
		{"1 a) S", "", false, false},
		{"1 )a( S", "", false, false},
		{"", "", false, false},
	}
	for _, c := range cases {
		comm, zombie, ok := parseStat([]byte(c.in))
		if comm != c.comm || zombie != c.zombie || ok != c.ok {
			t.Errorf("%q: %q %v %v, want %q %v %v", c.in, comm, zombie, ok, c.comm, c.zombie, c.ok)
		}
	}
}

func FuzzParseProcStat(f *testing.F) {
	for _, s := range []string{"1234 (nginx) S 1 1234 1234 0 -1", "7 (a) b) Z 1", "(", ")", "1 ()) R"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		comm, zombie, ok := parseStat(b)
		if !ok {
			if comm != "" || zombie {
				t.Fatalf("%q: not ok but comm %q zombie %v", b, comm, zombie)
			}
			return
		}
		// comm lies between the first '(' and the last ')', and the state
		// follows that ')' after one byte.
		open := bytes.IndexByte(b, '(')
		end := bytes.LastIndexByte(b, ')')
		if comm != string(b[open+1:end]) || zombie != (b[end+2] == 'Z') {
			t.Fatalf("%q: comm %q zombie %v", b, comm, zombie)
		}
	})
}

// Whatever a process puts in its cmdline splits into the argv it came
// from, and every matcher kind decides on it without failing.
func FuzzProcCmdline(f *testing.F) {
	for _, s := range []string{"nginx\x00-g\x00daemon off;\x00", "", "\x00", "a\x00\x00b", "bash"} {
		f.Add([]byte(s), "nginx", "-g")
	}
	f.Fuzz(func(t *testing.T, b []byte, name, param string) {
		argv := splitCmdline(b)
		if len(b) == 0 {
			if argv != nil {
				t.Fatalf("empty cmdline gave %q", argv)
			}
			return
		}
		if got := strings.Join(argv, "\x00"); got != string(bytes.TrimSuffix(b, []byte{0})) {
			t.Fatalf("%q: split into %q", b, argv)
		}
		for _, mode := range []string{"", "initial", "partial"} {
			m := newProcMatcher(vrrp.ProcessTracker{Process: name, Params: []string{param}, ParamMatch: mode})
			got := m.match("", argv)
			if got && (len(argv) == 0 || argv[0] != name) {
				t.Fatalf("%q matched %q (mode %q) with argv %q", name, param, mode, argv)
			}
		}
	})
}
