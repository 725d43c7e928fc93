package bgpspeaker

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/bgpspeaker/bgptest"
	"github.com/govrrpd/govrrpd/internal/bgpwire"
)

// A govrrpd that goes away (its end of the pipe closes) still gets its
// routes withdrawn: Serve withdraws and waits for the peers before it
// returns.
func TestServeWithdrawsWhenGovrrpdGoes(t *testing.T) {
	r := newRouter(t, "127.0.0.2")
	toR, toW := io.Pipe()
	fromR, fromW := io.Pipe()
	served := make(chan error, 1)
	go func() {
		served <- Serve(context.Background(), toR, fromW, ServeOptions{Interval: 20 * time.Millisecond})
		fromW.Close()
	}()
	in, out := bgpwire.NewReader(fromR), bgpwire.NewWriter(toW)
	replies := make(chan bgpwire.Msg, 16)
	go func() {
		for {
			m, err := in.Next()
			if err != nil {
				close(replies)
				return
			}
			if m.Kind != bgpwire.Log {
				replies <- m
			}
		}
	}()
	if m := <-replies; m.Kind != bgpwire.Hello {
		t.Fatalf("first message %+v", m)
	}
	q := bgptest.Quorum(true)
	st := bgpwire.Msg{Kind: bgpwire.State, State: &q}
	for _, m := range []bgpwire.Msg{{Kind: bgpwire.Config, ID: 1, Config: config(r.Neighbor())}, st} {
		if err := out.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	if m := <-replies; m.Kind != bgpwire.Result || m.ID != 1 || m.Err != "" {
		t.Fatalf("config answered %+v", m)
	}
	waitFor(t, "the announcement", func() bool { return len(r.Paths(t, vip)) == 1 })
	toW.Close()
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(bgptest.Patience):
		t.Fatal("Serve did not return once govrrpd was gone")
	}
	if got := r.Peer(t).State.Messages.Received.Update; got != 2 {
		t.Errorf("UPDATEs received = %d, want 2: the announcement and its withdrawal", got)
	}
}
