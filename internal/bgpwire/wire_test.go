package bgpwire

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/srcpos"
)

func sampleConfig() *bgp.Config {
	at := func(l int) srcpos.Pos { return srcpos.Make("/etc/govrrpd/bgp.conf", l) }
	return &bgp.Config{LocalAS: 65001, RouterID: netip.MustParseAddr("192.0.2.11"), ListenPort: 1790,
		ListenAddress: netip.MustParseAddr("192.0.2.11"), ShutdownGrace: 2 * time.Second, Pos: at(1),
		Neighbors: []bgp.Neighbor{{Address: netip.MustParseAddr("198.51.100.14"), AS: 65000, Port: 179,
			HoldTime: 9 * time.Second, Keepalive: 3 * time.Second, Password: "k", Multihop: 2, Pos: at(3)}},
		Announces: []bgp.Announce{{Prefix: netip.MustParsePrefix("192.0.2.200/32"), Communities: []uint32{1},
			MED: 5, HasMED: true, Prepend: 1, Pos: at(9), Conditions: []bgp.Condition{
				{Kind: bgp.VirtualServerQuorum, Protocol: "TCP", Addr: netip.MustParseAddrPort("192.0.2.200:80"), Pos: at(10)},
				{Kind: bgp.InstanceMaster, Instance: "VI_1", Pos: at(11)}}}}}
}

// Every kind survives the trip, the settings with their file:line.
func TestRoundTrip(t *testing.T) {
	for _, m := range []Msg{
		{Kind: Hello},
		{Kind: Config, ID: 1, Config: sampleConfig()},
		{Kind: State, State: &bgp.State{Quorum: map[string]bool{"TCP 192.0.2.200:80": true}, Master: map[string]bool{"VI_1": false}}},
		{Kind: State, Err: "snapshot: daemon busy"},
		{Kind: Status, ID: 2},
		{Kind: Status, ID: 2, Status: &status.BGP{LocalAS: 65001, Neighbors: []status.BGPNeighbor{{Addr: "198.51.100.14",
			State: "ESTABLISHED", Uptime: status.Duration(90 * time.Second)}}}},
		{Kind: Status, ID: 3, Err: "bgp: not running"},
		{Kind: Stop, ID: 4},
		{Kind: Result, ID: 1, Err: "bgp: start AS 65001: listen: address in use"},
		{Kind: Done, ID: 4},
		{Kind: Log, Log: &Record{Level: -4, Msg: "BGP announce", Attrs: []Attr{{"prefix", "192.0.2.200/32"}}}},
	} {
		var b bytes.Buffer
		if err := NewWriter(&b).Send(m); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(b.String(), "\n"); n != 1 || !strings.HasSuffix(b.String(), "\n") {
			t.Fatalf("%s: not one line: %q", m.Kind, b.String())
		}
		got, err := NewReader(&b).Next()
		m.V = Version
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Errorf("%s: read back %+v (%v), want %+v", m.Kind, got, err, m)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{`{"v":1,"kind":"config","id":1`, "unexpected end"},
		{`{"v":2,"kind":"hello"}`, "version 2, want 1"},
		{`{"kind":"hello"}`, "version 0"},
		{`{"v":1,"kind":"announce","id":1}`, "unknown kind"},
		{`{"v":1,"kind":"config","id":1}`, "no config"},
		{`{"v":1,"kind":"stop"}`, "no id"},
		{`{"v":1,"kind":"state"}`, "neither state nor error"},
		{`{"v":1,"kind":"log"}`, "no record"},
		{`{"v":1,"kind":"config","id":1,"config":{"RouterID":"not-an-ip"}}`, "ParseAddr"},
	} {
		_, err := Decode([]byte(c.line))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.line, err, c.want)
		}
	}
	if m, err := Decode([]byte(`{"v":7,"kind":"hello"}`)); !errors.Is(err, ErrVersion) || m.V != 7 {
		t.Errorf("another version: %+v %v", m, err)
	}
}

// A bad line is reported and the next one is read; the end of the pipe is
// io.EOF.
func TestReaderGoesOn(t *testing.T) {
	r := NewReader(strings.NewReader("garbage\n{\"v\":1,\"kind\":\"hello\"}\n"))
	if _, err := r.Next(); err == nil {
		t.Error("garbage accepted")
	}
	if m, err := r.Next(); err != nil || m.Kind != Hello {
		t.Errorf("after garbage: %+v %v", m, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("at the end: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Send(Msg{Kind: Config, ID: 1, Config: sampleConfig()})
	w.Send(Msg{Kind: State, State: &bgp.State{Quorum: map[string]bool{"FWM 7": true}}})
	w.Send(Msg{Kind: Log, Log: &Record{Msg: "x", Attrs: []Attr{{"a", "b"}}}})
	for l := range strings.Lines(b.String()) {
		f.Add([]byte(l))
	}
	f.Add([]byte(`{"v":1,"kind":"status","id":9,"status":{"neighbors":[{"uptime":"1s"}]}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := Decode(line)
		if err != nil {
			return
		}
		// What decodes re-encodes, and reads back the same.
		var b bytes.Buffer
		if err := NewWriter(&b).Send(m); err != nil {
			t.Fatalf("%+v decoded but does not encode: %v", m, err)
		}
		again, err := Decode(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
		if err != nil {
			t.Fatalf("%s decoded, re-encoded as %s, which does not: %v", line, b.Bytes(), err)
		}
		var b2 bytes.Buffer
		NewWriter(&b2).Send(again)
		if b.String() != b2.String() {
			t.Fatalf("not stable:\n%s%s", b.Bytes(), b2.Bytes())
		}
	})
}

// A line over MaxLine breaks the pipe: the reader says so instead of
// growing.
func TestReaderBounded(t *testing.T) {
	r := NewReader(strings.NewReader(strings.Repeat("x", MaxLine+1) + "\n"))
	if _, err := r.Next(); !errors.Is(err, ErrPipe) {
		t.Errorf("an oversized line: %v", err)
	}
}
