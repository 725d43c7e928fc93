package opsproc

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/govrrpd/govrrpd/internal/ctlapi"
	"github.com/govrrpd/govrrpd/internal/opswire"
)

// answer carries out one request of the helper as the in-process API
// did: a backend call bounded by the timeout, answered from the loop.
func (p *Proc) answer(ctx context.Context, c *child, m opswire.Msg) opswire.Msg {
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	res := opswire.Msg{Kind: opswire.KindResult, ID: m.ID}
	b := p.o.Backend
	var err error
	switch m.Kind {
	case opswire.KindSnapshot:
		d, e := b.Snapshot(ctx)
		res.Daemon, err = &d, e
	case opswire.KindDrain:
		err = b.Drain(ctx, m.VS, m.RS, m.On)
	case opswire.KindMaintenance:
		err = b.Maintenance(ctx, m.Instance, m.On)
	case opswire.KindReload:
		r, e := b.Reload(ctx)
		res.Reload, err = &r, e
	case opswire.KindPlan:
		pl, e := b.Plan(ctx, m.File)
		res.Plan, err = &pl, e
	case opswire.KindMetrics:
		res.Page, err = p.page()
	case opswire.KindSample:
		c.fmu.Lock()
		res.Rows, res.Trans, err = c.follow.Sample(ctx, b)
		c.fmu.Unlock()
	}
	if err != nil {
		res = opswire.Msg{Kind: opswire.KindResult, ID: m.ID}
		opswire.ErrorOf(&res, err)
	}
	return res
}

// page renders /metrics here, so that its process series are the
// daemon's.
func (p *Proc) page() ([]byte, error) {
	if p.o.Metrics == nil {
		return nil, fmt.Errorf("metrics: %w", ctlapi.ErrNotFound)
	}
	var buf bytes.Buffer
	if err := p.o.Metrics.WriteTextLazy(func() io.Writer { return &buf }); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
