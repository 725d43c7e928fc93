package lvs

import (
	"context"
	"sync"
	"testing"

	"github.com/govrrpd/govrrpd/ipvs"
)

// Observe hears every action, even one with no script to run: the SNMP
// traps do not depend on notify_up/quorum_down being configured.
func TestObserveHearsActionsWithoutScripts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var heard []string
	s := New(Options{Log: quiet, NewBackend: func() (ipvs.Backend, error) { return ipvs.NewMemory(), nil },
		Observe: func(a ipvs.Action) {
			mu.Lock()
			heard = append(heard, a.Kind.String()+" "+a.Service)
			mu.Unlock()
		}})
	s.Start(ctx, load(t, t.TempDir(), `
virtual_server 192.0.2.10 80 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 198.51.100.1 80 {
        weight 1
    }
}
`))
	defer s.Stop()
	for _, on := range []bool{true, false} {
		if err := s.Drain("TCP 192.0.2.10:80", "198.51.100.1:80", on); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(heard) != 2 || heard[0] != "quorum_down 192.0.2.10:80/TCP" || heard[1] != "quorum_up 192.0.2.10:80/TCP" {
		t.Errorf("heard %q", heard)
	}
}
