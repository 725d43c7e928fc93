package check

import (
	"fmt"
	"sync"
)

// HTTP_GET and SSL_GET fetch over net/http's response reader and
// crypto/tls, whose code and initialisers cost the daemon 1.6 MiB resident
// even when no such checker is configured (docs/scale.md, "Session 8: the
// binary's resident pages"). So this package does not fetch: the daemon
// registers a builder that forwards each attempt to the govrrpd-check
// helper (internal/checkproc), and programs that fetch themselves (the
// helper, tests) register check/httpcheck's New.

var httpBuilder struct {
	sync.RWMutex
	f func(Checker) (Prober, error)
}

// SetHTTP registers what builds HTTP_GET and SSL_GET probers (nil: none).
// New validates the checker (PlanHTTP) before calling f.
func SetHTTP(f func(Checker) (Prober, error)) {
	httpBuilder.Lock()
	httpBuilder.f = f
	httpBuilder.Unlock()
}

func newHTTP(c Checker) (Prober, error) {
	if _, err := PlanHTTP(c); err != nil {
		return nil, err
	}
	httpBuilder.RLock()
	f := httpBuilder.f
	httpBuilder.RUnlock()
	if f == nil {
		return nil, fmt.Errorf("%s runs in the govrrpd-check helper, which this program does not start", c.Kind)
	}
	return f(c)
}
