package lvs

import "github.com/govrrpd/govrrpd/ipvs"

// kernelBackend opens the kernel's IPVS table of the current namespace.
func kernelBackend() (ipvs.Backend, error) { return ipvs.NewKernel("") }

// kernelSync opens the kernel's sync-daemon commands.
func kernelSync() (ipvs.SyncBackend, error) { return ipvs.NewSyncKernel("") }
