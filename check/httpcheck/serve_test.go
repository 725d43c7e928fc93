package httpcheck_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/checkwire"
	"github.com/govrrpd/govrrpd/check/httpcheck"
)

// govrrpd is the daemon's end of Serve's pipes.
type govrrpd struct {
	t    *testing.T
	w    *checkwire.Writer
	r    *checkwire.Reader
	done chan error
}

func serve(t *testing.T) *govrrpd {
	toR, toW := io.Pipe()
	fromR, fromW := io.Pipe()
	g := &govrrpd{t: t, w: checkwire.NewWriter(toW), r: checkwire.NewReader(fromR), done: make(chan error, 1)}
	go func() {
		g.done <- httpcheck.Serve(context.Background(), toR, fromW, slog.New(slog.DiscardHandler))
		fromW.Close()
	}()
	t.Cleanup(func() { toW.Close() })
	return g
}

func (g *govrrpd) next(want checkwire.Type) []byte {
	g.t.Helper()
	typ, p, err := g.r.Next()
	if err != nil || typ != want {
		g.t.Fatalf("got %s (%v), want %s", typ, err, want)
	}
	return p
}

func (g *govrrpd) send(typ checkwire.Type, p []byte) {
	g.t.Helper()
	if err := g.w.Send(typ, p); err != nil {
		g.t.Fatal(err)
	}
}

func (g *govrrpd) add(id uint32, c check.Checker) string {
	g.t.Helper()
	b, err := checkwire.AppendAdd(nil, id, checkwire.SpecOf(c))
	if err != nil {
		g.t.Fatal(err)
	}
	g.send(checkwire.Add, b)
	got, why, err := checkwire.ParseAdded(g.next(checkwire.Added))
	if err != nil || got != id {
		g.t.Fatalf("Added %d, %v, want %d", got, err, id)
	}
	return why
}

func (g *govrrpd) probe(id uint32, seq uint64) check.Outcome {
	g.t.Helper()
	g.send(checkwire.Probe, checkwire.AppendProbe(nil, checkwire.ProbeMsg{ID: id, Seq: seq, Deadline: time.Now().Add(2 * time.Second).UnixNano()}))
	got, o, err := checkwire.ParseResult(g.next(checkwire.Result))
	if err != nil || got != seq {
		g.t.Fatalf("Result %d, %v, want %d", got, err, seq)
	}
	return o
}

// Serve says hello, refuses a checker it cannot run, answers attempts of
// those it runs, gives no verdict for an unknown or dropped one, and
// stops at a frame govrrpd never sends.
func TestServe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	g := serve(t)
	if v, err := checkwire.ParseHello(g.next(checkwire.Hello)); err != nil || v != checkwire.Version {
		t.Fatalf("hello %d, %v", v, err)
	}
	c := check.Checker{Kind: check.HTTP, Target: target(t, srv.Listener.Addr()), Settings: &check.HTTPSettings{URLs: []check.URL{{Path: "/"}}}}
	if why := g.add(1, c); why != "" {
		t.Fatalf("refused: %s", why)
	}
	bad := c
	bad.Settings = &check.HTTPSettings{}
	if why := g.add(2, bad); why == "" {
		t.Fatal("a checker without url accepted")
	}
	if o := g.probe(1, 10); o.Up || o.NoVerdict || o.Fail != check.FailBadStatus {
		t.Errorf("probe of the 503 server: %+v", o)
	}
	if o := g.probe(2, 11); !o.NoVerdict {
		t.Errorf("probe of a refused checker: %+v", o)
	}
	g.send(checkwire.Drop, checkwire.AppendDrop(nil, 1))
	if o := g.probe(1, 12); !o.NoVerdict {
		t.Errorf("probe of a dropped checker: %+v", o)
	}
	g.send(checkwire.Result, checkwire.AppendResult(nil, 1, check.Outcome{}))
	if err := <-g.done; !errors.Is(err, checkwire.ErrFrame) {
		t.Fatalf("Serve after a Result from govrrpd: %v", err)
	}
}
