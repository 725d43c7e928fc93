//go:build !linux

package lvs

import (
	"fmt"
	"runtime"

	"github.com/govrrpd/govrrpd/ipvs"
)

// IPVS is Linux's; elsewhere only the in-memory backend runs
// (GOVRRPD_IPVS_BACKEND=memory).
func kernelBackend() (ipvs.Backend, error) {
	return nil, fmt.Errorf("kernel IPVS: not supported on %s", runtime.GOOS)
}

func kernelSync() (ipvs.SyncBackend, error) {
	return nil, fmt.Errorf("kernel IPVS sync daemon: not supported on %s", runtime.GOOS)
}
