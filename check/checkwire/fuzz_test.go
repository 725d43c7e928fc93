package checkwire

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/govrrpd/govrrpd/check"
)

// The frame reader ends every input with a frame, a clean EOF or an
// error, and never returns a frame beyond MaxFrame.
func FuzzReader(f *testing.F) {
	f.Add([]byte{0, 0, 0, 3, byte(Hello), 0, 1})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		for {
			_, p, err := r.Next()
			if err != nil {
				if err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrFrame) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(p)+1 > MaxFrame {
				t.Fatalf("frame of %d bytes", len(p))
			}
		}
	})
}

// Whatever a Result decodes to encodes back to the same bytes.
func FuzzParseResult(f *testing.F) {
	f.Add(AppendResult(nil, 1, check.Outcome{Up: true, Reason: "ok"}))
	f.Add(AppendResult(nil, 2, check.Outcome{Fail: check.FailTimeout, NoVerdict: true}))
	f.Fuzz(func(t *testing.T, p []byte) {
		seq, o, err := ParseResult(p)
		if err != nil {
			return
		}
		if again := AppendResult(nil, seq, o); !bytes.Equal(again, p) {
			t.Fatalf("%x decodes to %+v, which encodes to %x", p, o, again)
		}
	})
}

// A Probe decodes only from its exact length, and round-trips.
func FuzzParseProbe(f *testing.F) {
	f.Add(AppendProbe(nil, ProbeMsg{ID: 1, Seq: 2, Deadline: 3}))
	f.Fuzz(func(t *testing.T, p []byte) {
		m, err := ParseProbe(p)
		if err != nil {
			return
		}
		if again := AppendProbe(nil, m); !bytes.Equal(again, p) {
			t.Fatalf("%x decodes to %+v, which encodes to %x", p, m, again)
		}
	})
}

// An Add's settings survive a second round trip unchanged.
func FuzzParseAdd(f *testing.F) {
	b, err := AppendAdd(nil, 1, SpecOf(check.Checker{Kind: check.HTTP, Settings: &check.HTTPSettings{URLs: []check.URL{{Path: "/"}}}}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{0, 0, 0, 1, 'n', 'u', 'l', 'l'})
	f.Fuzz(func(t *testing.T, p []byte) {
		id, s, err := ParseAdd(p)
		if err != nil {
			return
		}
		b, err := AppendAdd(nil, id, s)
		if err != nil {
			t.Fatalf("%+v does not encode: %v", s, err)
		}
		id2, s2, err := ParseAdd(b)
		if err != nil || id2 != id || !reflect.DeepEqual(s, s2) {
			t.Fatalf("%+v: second round trip gives %+v, %v", s, s2, err)
		}
	})
}

// Hello, Added and Drop: a decoded message encodes back to its input.
func FuzzParseSmall(f *testing.F) {
	f.Add(byte(Hello), AppendHello(nil, Version))
	f.Add(byte(Added), AppendAdded(nil, 1, "refused"))
	f.Add(byte(Drop), AppendDrop(nil, 1))
	f.Fuzz(func(t *testing.T, typ byte, p []byte) {
		var again []byte
		switch Type(typ) {
		case Hello:
			v, err := ParseHello(p)
			if err != nil {
				return
			}
			again = AppendHello(nil, v)
		case Added:
			id, why, err := ParseAdded(p)
			if err != nil {
				return
			}
			again = AppendAdded(nil, id, why)
		case Drop:
			id, err := ParseDrop(p)
			if err != nil {
				return
			}
			again = AppendDrop(nil, id)
		default:
			return
		}
		if !bytes.Equal(again, p) {
			t.Fatalf("%s %x re-encodes to %x", Type(typ), p, again)
		}
	})
}
