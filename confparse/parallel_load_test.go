package confparse

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Two loads running at once each keep their own VRRP state: instance
// names, the automatic rule preference counting down from 16384, and the
// duplicate-instance check never leak from one parse into the other.
func TestParallelLoadsKeepTheirOwnVRRPState(t *testing.T) {
	conf := func(name string) string {
		return fmt.Sprintf("vrrp_instance %s {\n interface eth0\n virtual_router_id 51\n"+
			" virtual_ipaddress {\n  192.0.2.1/24\n }\n virtual_rules {\n  from 192.0.2.0/24 table 100\n }\n}\n", name)
	}
	const rounds = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*rounds)
	for i := range 2 * rounds {
		name := fmt.Sprintf("VI_%d", i%2)
		wg.Go(func() {
			cfg, diags := loadText(t, conf(name))
			switch {
			case len(cfg.Instances) != 1 || cfg.Instances[0].Name != name:
				errs <- fmt.Errorf("%s: instances %v", name, cfg.Instances)
			case len(cfg.Instances[0].Options().Rules) != 1 || cfg.Instances[0].Options().Rules[0].Preference != 16384:
				errs <- fmt.Errorf("%s: rules %+v, want one at preference 16384", name, cfg.Instances[0].Options().Rules)
			case strings.Contains(diags.String(), "already defined"):
				errs <- fmt.Errorf("%s: saw another parse's instance: %s", name, diags)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
