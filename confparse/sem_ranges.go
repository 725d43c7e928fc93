package confparse

import (
	"math"
	"time"
)

// keepalived's limits for the keywords whose range govrrpd once narrowed;
// each is the bound its handler passes to read_unsigned_strvec or
// read_timer (vrrp_parser.c, global_parser.c), checked against 2.2.7 -t.
const (
	kaUintMax = math.MaxUint32
	kaIntMax  = math.MaxInt32
	// kaMaxSecs is UINT_MAX / TIMER_HZ: whole seconds that still fit a
	// microsecond timer.
	kaMaxSecs = kaUintMax / 1_000_000
)

// argSeconds reads argument i as whole seconds in [lo, hi], as keepalived
// reads the GARP delays and refresh: an integer, no fraction.
func (a *analyzer) argSeconds(n *Node, i, lo, hi int) (time.Duration, bool) {
	v, ok := a.argInt(n, i, lo, hi)
	return time.Duration(v) * time.Second, ok
}

// gSecs builds a global_defs handler for a whole-seconds setting.
func gSecs(lo, hi int, f func(*Config) *time.Duration) gh {
	return func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.argSeconds(n, 0, lo, hi); ok {
			*f(c) = v
		}
	}
}
