package opswire

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/bgpwire"
	"github.com/govrrpd/govrrpd/internal/ctlapi"
	"github.com/govrrpd/govrrpd/internal/livefollow"
	"github.com/govrrpd/govrrpd/internal/status"
)

func TestRoundTrip(t *testing.T) {
	msgs := []Msg{
		{Kind: KindHello, Release: "1.2.3"},
		{Kind: KindSetup, Setup: &Setup{Listeners: []string{"socket", "tcp"}, Token: []byte("0123456789abcdef"), IdleNanos: 5}},
		{Kind: KindDrain, ID: 7, VS: "TCP 192.0.2.1:80", RS: "192.0.2.2:80", On: true},
		{Kind: KindResult, ID: 7, Daemon: &status.Daemon{ConfigHash: "abc"}},
		{Kind: KindResult, ID: 8, Page: []byte("# HELP x\nx 1\n")},
		{Kind: KindResult, ID: 9, Rows: map[string]livefollow.Row{"i-VI_1": {"state": "MASTER"}, "i-gone": nil}},
		{Kind: KindLog, Log: &bgpwire.Record{Msg: "hello", Attrs: []bgpwire.Attr{{K: "a", V: "b"}}}},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, m := range msgs {
		if err := w.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	r := NewReader(&buf, MaxFromDaemon)
	for i, want := range msgs {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		want.V = Version
		if !reflect.DeepEqual(got, want) {
			t.Errorf("message %d: got %+v, want %+v", i, got, want)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last frame: %v, want EOF", err)
	}
}

// frame wraps a payload in a length prefix.
func frame(payload string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	return append(b, payload...)
}

func TestReaderRefuses(t *testing.T) {
	cases := []struct {
		name  string
		in    []byte
		max   int
		frame bool // the stream is broken, not only the message
		msg   string
	}{
		{"oversized", frame(strings.Repeat(" ", 100)), 50, true, "100 bytes, at most 50"},
		{"cut short", frame(`{"v":1}`)[:6], 100, true, "bad frame"},
		{"not json", frame("garbage"), 100, false, "invalid character"},
		{"other version", frame(`{"v":99,"k":1,"release":"x"}`), 100, false, "version mismatch: 99"},
		{"unknown kind", frame(`{"v":1,"k":200}`), 100, false, "unknown kind"},
		{"request without id", frame(`{"v":1,"k":3}`), 100, false, "no id"},
		{"setup without setup", frame(`{"v":1,"k":2}`), 100, false, "no setup"},
		{"log without record", frame(`{"v":1,"k":11}`), 100, false, "no record"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(c.in), c.max).Next()
			if err == nil || !strings.Contains(err.Error(), c.msg) || errors.Is(err, ErrFrame) != c.frame {
				t.Fatalf("err %v, want %q (frame error %v)", err, c.msg, c.frame)
			}
		})
	}
}

// An error's class survives the wire: the API's 404 and 400 come from
// errors.Is on the helper's side.
func TestErrorClasses(t *testing.T) {
	cases := []struct {
		err  error
		want error
	}{
		{fmt.Errorf("vrrp_instance x: %w", ctlapi.ErrNotFound), ctlapi.ErrNotFound},
		{fmt.Errorf("plan: %w", ctlapi.ErrInvalid), ctlapi.ErrInvalid},
		{fmt.Errorf("snapshot: %w", context.DeadlineExceeded), context.DeadlineExceeded},
		{errors.New("boom"), nil},
	}
	for _, c := range cases {
		var m Msg
		ErrorOf(&m, c.err)
		var buf bytes.Buffer
		NewWriter(&buf).Send(Msg{Kind: KindResult, ID: 1, Err: m.Err, Class: m.Class})
		got, err := NewReader(&buf, MaxFromDaemon).Next()
		if err != nil {
			t.Fatal(err)
		}
		e := got.Failure()
		if e == nil || e.Error() != c.err.Error() {
			t.Fatalf("%v came back as %v", c.err, e)
		}
		for _, s := range []error{ctlapi.ErrNotFound, ctlapi.ErrInvalid, context.DeadlineExceeded} {
			if errors.Is(e, s) != (s == c.want) {
				t.Errorf("%v: errors.Is(%v) = %v", c.err, s, errors.Is(e, s))
			}
		}
	}
	if (Msg{Kind: KindResult, ID: 1}).Failure() != nil {
		t.Error("an answer without Err is an error")
	}
}

func TestFromHelper(t *testing.T) {
	for k := KindInvalid; k <= kindEnd; k++ {
		want := k == KindHello || k == KindLog || (k >= KindSnapshot && k <= KindSample)
		if FromHelper(k) != want {
			t.Errorf("FromHelper(%v) = %v", k, !want)
		}
	}
}
