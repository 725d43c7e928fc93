package console

import (
	"context"

	"github.com/govrrpd/govrrpd/internal/livefollow"
)

// row is what the page shows of an instance or real server and the
// stream keeps current.
type row = livefollow.Row

// Transition is one timeline entry.
type Transition = livefollow.Transition

// Sampler is a backend that follows the daemon itself (the govrrpd-ops
// helper's, whose daemon keeps the follower): the console then asks it
// for each tick's changed rows instead of reading the daemon.
type Sampler interface {
	Sample(ctx context.Context) (map[string]livefollow.Row, []livefollow.Transition, error)
}

// sample is the hub's: the rows that changed since the last sample (all
// of them the first time) and the state transitions between the two.
func (c *Console) sample(ctx context.Context) (map[string]row, []Transition, error) {
	if s, ok := c.b.(Sampler); ok {
		return s.Sample(ctx)
	}
	return c.follow.Sample(ctx, c.b)
}
