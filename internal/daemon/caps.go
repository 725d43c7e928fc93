package daemon

import (
	"fmt"
	"strings"

	"github.com/govrrpd/govrrpd/confparse"
)

// checkCapabilities stops the start with one clear message when the
// process lacks a capability the configuration needs: without
// CAP_NET_ADMIN every VIP add fails, without CAP_NET_RAW no advert can be
// sent or received, and a daemon that starts anyway advertises masterships
// it cannot serve.
func checkCapabilities(cfg *confparse.Config, opts Options) error {
	var need []capability
	if !opts.CheckOnly && len(cfg.Instances) > 0 {
		need = append(need, capNetAdmin, capNetRaw)
	}
	if !opts.VRRPOnly && len(cfg.VirtualServers) > 0 {
		need = append(need, capNetAdmin)
	}
	var missing []string
	for _, c := range need {
		ok, err := haveCapability(c)
		if err != nil {
			return nil // cannot tell: the first failing call will say
		}
		if !ok && !contains(missing, c.name) {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing capability %s: the configuration needs it (run as root, or grant it, e.g. AmbientCapabilities=%s)",
			strings.Join(missing, " and "), strings.Join(missing, " "))
	}
	return nil
}

type capability struct {
	name string
	bit  uint
}

var (
	capNetAdmin = capability{"CAP_NET_ADMIN", 12}
	capNetRaw   = capability{"CAP_NET_RAW", 13}
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
