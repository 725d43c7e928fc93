package opsserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/govrrpd/govrrpd/internal/livefollow"
	"github.com/govrrpd/govrrpd/internal/opswire"
	"github.com/govrrpd/govrrpd/internal/status"
)

// errDaemonGone answers every call once the daemon closed its end.
var errDaemonGone = errors.New("govrrpd closed the operations helper's socket")

// remote is the daemon as a control.Backend (and console.Sampler): each
// call is a request frame answered by id.
type remote struct {
	w *opswire.Writer

	mu      sync.Mutex
	next    uint64
	pending map[uint64]chan opswire.Msg
	gone    chan struct{}
}

func newRemote(w *opswire.Writer) *remote {
	return &remote{w: w, pending: map[uint64]chan opswire.Msg{}, gone: make(chan struct{})}
}

// read delivers the daemon's answers until its end closes; the error is
// why it stopped (nil: EOF).
func (r *remote) read(rd *opswire.Reader) error {
	defer close(r.gone)
	for {
		m, err := rd.Next()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, opswire.ErrFrame):
			return err
		case err != nil:
			return err // the daemon speaks nonsense: nothing it says can be trusted
		case m.Kind != opswire.KindResult:
			return fmt.Errorf("unexpected %v message from govrrpd", m.Kind)
		}
		r.mu.Lock()
		ch := r.pending[m.ID]
		delete(r.pending, m.ID)
		r.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

// call sends m and waits for its answer.
func (r *remote) call(ctx context.Context, m opswire.Msg) (opswire.Msg, error) {
	ch := make(chan opswire.Msg, 1)
	r.mu.Lock()
	r.next++
	m.ID = r.next
	r.pending[m.ID] = ch
	r.mu.Unlock()
	drop := func() {
		r.mu.Lock()
		delete(r.pending, m.ID)
		r.mu.Unlock()
	}
	if err := r.w.Send(m); err != nil {
		drop()
		return opswire.Msg{}, err
	}
	select {
	case a := <-ch:
		return a, a.Failure()
	case <-ctx.Done():
		drop()
		return opswire.Msg{}, ctx.Err()
	case <-r.gone:
		return opswire.Msg{}, errDaemonGone
	}
}

func (r *remote) Snapshot(ctx context.Context) (status.Daemon, error) {
	a, err := r.call(ctx, opswire.Msg{Kind: opswire.KindSnapshot})
	if err != nil || a.Daemon == nil {
		return status.Daemon{}, orMissing(err, "snapshot")
	}
	return *a.Daemon, nil
}

func (r *remote) Drain(ctx context.Context, vs, rs string, on bool) error {
	_, err := r.call(ctx, opswire.Msg{Kind: opswire.KindDrain, VS: vs, RS: rs, On: on})
	return err
}

func (r *remote) Maintenance(ctx context.Context, instance string, on bool) error {
	_, err := r.call(ctx, opswire.Msg{Kind: opswire.KindMaintenance, Instance: instance, On: on})
	return err
}

func (r *remote) Reload(ctx context.Context) (status.Reload, error) {
	a, err := r.call(ctx, opswire.Msg{Kind: opswire.KindReload})
	if err != nil || a.Reload == nil {
		return status.Reload{}, orMissing(err, "reload")
	}
	return *a.Reload, nil
}

func (r *remote) Plan(ctx context.Context, file string) (status.Plan, error) {
	a, err := r.call(ctx, opswire.Msg{Kind: opswire.KindPlan, File: file})
	if err != nil || a.Plan == nil {
		return status.Plan{}, orMissing(err, "plan")
	}
	return *a.Plan, nil
}

// Sample is the console's tick, computed by the daemon.
func (r *remote) Sample(ctx context.Context) (map[string]livefollow.Row, []livefollow.Transition, error) {
	a, err := r.call(ctx, opswire.Msg{Kind: opswire.KindSample})
	return a.Rows, a.Trans, err
}

// page writes the daemon's /metrics page to the writer open returns.
func (r *remote) page(ctx context.Context, open func() io.Writer) error {
	a, err := r.call(ctx, opswire.Msg{Kind: opswire.KindMetrics})
	if err != nil {
		return err
	}
	_, err = open().Write(a.Page)
	return err
}

func orMissing(err error, what string) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("%s: govrrpd's answer carries no result", what)
}
