package checkwire

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
)

func TestFramesRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	frames := []struct {
		t Type
		p []byte
	}{{Hello, AppendHello(nil, Version)}, {Drop, AppendDrop(nil, 7)}, {Result, nil}, {Add, bytes.Repeat([]byte("x"), MaxFrame-1)}}
	for _, f := range frames {
		if err := w.Send(f.t, f.p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Send(Add, make([]byte, MaxFrame)); !errors.Is(err, ErrFrame) {
		t.Fatalf("oversized frame sent: %v", err)
	}
	r := NewReader(&buf)
	for _, f := range frames {
		typ, p, err := r.Next()
		if err != nil || typ != f.t || !bytes.Equal(p, f.p) {
			t.Fatalf("frame %s: got %s of %d bytes, %v", f.t, typ, len(p), err)
		}
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last frame: %v, want EOF", err)
	}
}

func TestReaderRefusesBadFraming(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want error
	}{
		{"zero length", []byte{0, 0, 0, 0}, ErrFrame},
		{"over the limit", []byte{0, 0x10, 0, 1, 1}, ErrFrame},
		{"cut header", []byte{0, 0}, io.ErrUnexpectedEOF},
		{"cut payload", []byte{0, 0, 0, 5, byte(Drop), 1}, io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		if _, _, err := NewReader(bytes.NewReader(tc.in)).Next(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestMessagesRoundTrip(t *testing.T) {
	if v, err := ParseHello(AppendHello(nil, Version)); err != nil || v != Version {
		t.Errorf("hello: %d %v", v, err)
	}
	ip := netip.MustParseAddr("198.51.100.7")
	c := check.Checker{Kind: check.SSL, Target: check.Target{Real: netip.MustParseAddrPort("192.0.2.10:443")},
		FWMark: 5, Addrs: &check.ConnAddrs{BindTo: &ip, BindIf: "eth9"}, ConnectPort: 8443, BindPort: 999,
		ConnectTimeout: 3 * time.Second, Settings: &check.HTTPSettings{Protocol: "1.1", Virtualhost: "v.example.test",
			EnableSNI: true, TLS: &check.TLSSettings{CA: "/etc/ca.pem"},
			URLs: []check.URL{{Path: "/h", Digest: "0123456789abcdef0123456789abcdef", StatusCodes: []check.StatusRange{{Lo: 200, Hi: 204}},
				Regex: "ok", RegexNoMatch: true, RegexOptions: []string{"caseless"}, RegexMinOffset: 1, RegexMaxOffset: 9}}}}
	b, err := AppendAdd(nil, 42, SpecOf(c))
	if err != nil {
		t.Fatal(err)
	}
	id, s, err := ParseAdd(b)
	if err != nil || id != 42 || !reflect.DeepEqual(s.Checker(), c) {
		t.Errorf("add: %d %+v %v", id, s.Checker(), err)
	}
	if id, why, err := ParseAdded(AppendAdded(nil, 9, "bad CA")); err != nil || id != 9 || why != "bad CA" {
		t.Errorf("added: %d %q %v", id, why, err)
	}
	if id, err := ParseDrop(AppendDrop(nil, 1<<31)); err != nil || id != 1<<31 {
		t.Errorf("drop: %d %v", id, err)
	}
	pm := ProbeMsg{ID: 3, Seq: 1 << 40, Deadline: time.Now().UnixNano()}
	if got, err := ParseProbe(AppendProbe(nil, pm)); err != nil || got != pm {
		t.Errorf("probe: %+v %v", got, err)
	}
	for _, o := range []check.Outcome{
		{Up: true, Reason: "1 url(s) passed"},
		{Fail: check.FailBadDigest, Reason: "GET /: digest"},
		{NoVerdict: true, Reason: "helper down"},
		{Up: true, Weight: -7, WeightSet: true, WeightDelta: 1 << 20},
	} {
		seq, got, err := ParseResult(AppendResult(nil, 77, o))
		if err != nil || seq != 77 || got != o {
			t.Errorf("result %+v: got %+v seq %d, %v", o, got, seq, err)
		}
	}
}

func TestDecodersRefuseBadPayloads(t *testing.T) {
	bad := map[string]error{}
	_, bad["short hello"] = ParseHello([]byte{1})
	_, _, bad["short add"] = ParseAdd([]byte{0, 0})
	_, _, bad["add not JSON"] = ParseAdd([]byte{0, 0, 0, 1, '{'})
	_, _, bad["short added"] = ParseAdded(nil)
	_, bad["long drop"] = ParseDrop(make([]byte, 5))
	_, bad["short probe"] = ParseProbe(make([]byte, probeLen-1))
	_, _, bad["short result"] = ParseResult(make([]byte, resultHead-1))
	r := AppendResult(nil, 1, check.Outcome{})
	r[8] = 0x80
	_, _, bad["unknown flag"] = ParseResult(r)
	r = AppendResult(nil, 1, check.Outcome{})
	r[9] = 200
	_, _, bad["unknown failure"] = ParseResult(r)
	for name, err := range bad {
		if !errors.Is(err, ErrPayload) {
			t.Errorf("%s: %v, want ErrPayload", name, err)
		}
	}
}
