package check

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseHex(t *testing.T) {
	cases := []struct {
		in         string
		wild       bool
		data, mask []byte
		err        bool
	}{
		{"0a0b", false, []byte{0x0a, 0x0b}, []byte{0, 0}, false},
		{"0A 0b  ff", false, []byte{0x0a, 0x0b, 0xff}, []byte{0, 0, 0}, false},
		{"1 2 3", false, []byte{1, 2, 3}, []byte{0, 0, 0}, false},
		{"1X x2 XX", true, []byte{0x10, 0x02, 0}, []byte{0x0f, 0xf0, 0xff}, false},
		{"1X", false, nil, nil, true},
		{"zz", false, nil, nil, true},
		{"   ", false, nil, nil, true},
		{"", true, nil, nil, true},
	}
	for _, tc := range cases {
		p, err := ParseHex(tc.in, tc.wild)
		if (err != nil) != tc.err {
			t.Fatalf("ParseHex(%q): err=%v, want error %v", tc.in, err, tc.err)
		}
		if err == nil && (!bytes.Equal(p.Data, tc.data) || !bytes.Equal(p.Mask, tc.mask)) {
			t.Fatalf("ParseHex(%q) = % x / % x, want % x / % x", tc.in, p.Data, p.Mask, tc.data, tc.mask)
		}
	}
}

func TestPatternMatch(t *testing.T) {
	p, err := ParseHex("de aX X1", true)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		reply []byte
		want  bool
	}{
		{[]byte{0xde, 0xa7, 0x31}, true},
		{[]byte{0xde, 0xa0, 0xf1, 0x99}, true}, // longer replies compare the pattern's length
		{[]byte{0xde}, true},                   // shorter replies compare what arrived
		{[]byte{0xdf, 0xa7, 0x31}, false},
		{[]byte{0xde, 0xb7, 0x31}, false},
		{[]byte{0xde, 0xa7, 0x32}, false},
	}
	for _, tc := range cases {
		if got := p.Match(tc.reply); got != tc.want {
			t.Errorf("Match(% x) = %v, want %v", tc.reply, got, tc.want)
		}
	}
	if p.String() != "de aX X1" {
		t.Errorf("String() = %q", p.String())
	}
}

func TestParseStatusCodes(t *testing.T) {
	cases := []struct {
		in   []string
		want []StatusRange
		err  bool
	}{
		{[]string{"200"}, []StatusRange{{200, 200}}, false},
		{[]string{"200-299", "401"}, []StatusRange{{200, 299}, {401, 401}}, false},
		{[]string{"200-299 301-302"}, []StatusRange{{200, 299}, {301, 302}}, false},
		{[]string{"299-200"}, nil, true},
		{[]string{"20"}, nil, true},
		{[]string{"600"}, nil, true},
		{[]string{"abc"}, nil, true},
		{[]string{"200-"}, nil, true},
		{nil, nil, true},
	}
	for _, tc := range cases {
		got, err := ParseStatusCodes(tc.in)
		if (err != nil) != tc.err || (err == nil && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("ParseStatusCodes(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
	if !statusOK(nil, 204) || statusOK(nil, 301) || !statusOK([]StatusRange{{300, 399}}, 301) {
		t.Error("statusOK default or range wrong")
	}
}

func TestMiscOutcome(t *testing.T) {
	cases := []struct {
		code    int
		dynamic bool
		up, set bool
		weight  int
	}{
		{0, false, true, false, 0}, {1, false, false, false, 0}, {2, false, false, false, 0},
		{0, true, true, false, 0}, {1, true, false, false, 0}, {2, true, true, true, 0},
		{12, true, true, true, 10}, {255, true, true, true, 253},
	}
	for _, tc := range cases {
		o := miscOutcome(tc.code, tc.dynamic)
		if o.Up != tc.up || o.WeightSet != tc.set || o.Weight != tc.weight {
			t.Errorf("miscOutcome(%d, %v) = %+v", tc.code, tc.dynamic, o)
		}
	}
}

func TestFileOutcome(t *testing.T) {
	cases := []struct {
		v, weight int
		reverse   bool
		up        bool
		delta     int
	}{
		{0, 0, false, true, 0}, {3, 0, false, false, 0}, {0, 0, true, false, 0}, {3, 0, true, true, 0},
		{4, 5, false, true, 20}, {4, 5, true, true, -20}, {-2, 5, false, true, -10},
	}
	for _, tc := range cases {
		o := fileOutcome(tc.v, tc.weight, tc.reverse, "f")
		if o.Up != tc.up || o.WeightDelta != tc.delta {
			t.Errorf("fileOutcome(%d, %d, %v) = %+v", tc.v, tc.weight, tc.reverse, o)
		}
	}
	for in, want := range map[string]int{" 42\n": 42, "-7x": -7, "x": 0, "": 0, "+3": 3} {
		if got := leadingInt([]byte(in)); got != want {
			t.Errorf("leadingInt(%q) = %d, want %d", in, got, want)
		}
	}
}

func FuzzParseHex(f *testing.F) {
	for _, s := range []string{"0a0b", "1X x2 XX", "de ad be ef", "1 2 3", "zz", ""} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, wild bool) {
		p, err := ParseHex(s, wild)
		if err != nil {
			return
		}
		if len(p.Data) != len(p.Mask) || len(p.Data) == 0 {
			t.Fatalf("inconsistent pattern %+v", p)
		}
		// Rendering and reparsing yields the same pattern, and the pattern
		// matches its own data.
		q, err := ParseHex(p.String(), true)
		if err != nil || !bytes.Equal(q.Data, p.Data) || !bytes.Equal(q.Mask, p.Mask) {
			t.Fatalf("round trip of %q via %q: %+v, %v", s, p.String(), q, err)
		}
		if !p.Match(p.Data) {
			t.Fatalf("%q does not match its own data", s)
		}
	})
}

func FuzzParseStatusCodes(f *testing.F) {
	for _, s := range []string{"200", "200-299 401", "299-200", "1000", "-", "200--300"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := ParseStatusCodes([]string{s})
		if err != nil {
			return
		}
		for _, r := range rs {
			if r.Lo < 100 || r.Hi > 599 || r.Lo > r.Hi {
				t.Fatalf("%q gave invalid range %+v", s, r)
			}
			if !statusOK(rs, r.Lo) || !statusOK(rs, r.Hi) {
				t.Fatalf("%q: range ends not accepted", s)
			}
		}
	})
}

func FuzzLeadingInt(f *testing.F) {
	for _, s := range []string{"42\n", " -7x", "+3", "", "x1", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := leadingInt([]byte(s))
		// Whatever the value, it must be what the leading number says:
		// rendering it and parsing it again is a fixed point.
		if leadingInt([]byte(strconv.Itoa(v))) != v {
			t.Fatalf("leadingInt(%q) = %d is not a fixed point", s, v)
		}
		if v != 0 && !strings.Contains(s, strconv.Itoa(abs(v))) {
			t.Fatalf("leadingInt(%q) = %d: digits not in the input", s, v)
		}
	})
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
