package opswire

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzReader reads every frame of in as the side with limit max does:
// it must not panic, must stop at a broken frame, and every message it
// returns must pass check.
func fuzzReader(t *testing.T, in []byte, max int) {
	r := NewReader(bytes.NewReader(in), max)
	for range 64 {
		m, err := r.Next()
		if err == io.EOF || errors.Is(err, ErrFrame) {
			return
		}
		if err == nil && m.check() != nil {
			t.Fatalf("accepted %+v", m)
		}
	}
}

func seeds(f *testing.F) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Send(Msg{Kind: KindHello, Release: "x"})
	w.Send(Msg{Kind: KindDrain, ID: 3, VS: "a", RS: "b"})
	w.Send(Msg{Kind: KindResult, ID: 3, Err: "e", Class: ClassInvalid})
	f.Add(buf.Bytes())
	f.Add(frame("garbage"))
	f.Add(frame(`{"v":1,"k":2,"setup":{"listeners":["socket"]}}`))
}

// FuzzFromHelper is the daemon's side: what a helper sends it.
func FuzzFromHelper(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, in []byte) { fuzzReader(t, in, MaxFromHelper) })
}

// FuzzFromDaemon is the helper's side.
func FuzzFromDaemon(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, in []byte) { fuzzReader(t, in, MaxFromDaemon) })
}
