//go:build !linux

package procprio

import (
	"fmt"
	"runtime"
)

// osThreads says that per-thread scheduling is not supported here.
type osThreads struct{}

var errNotSupported = fmt.Errorf("vrrp_priority and vrrp_cpu_affinity are not supported on %s", runtime.GOOS)

func (osThreads) list() ([]int, error)         { return nil, errNotSupported }
func (osThreads) nice(int) (int, error)        { return 0, errNotSupported }
func (osThreads) setNice(int, int) error       { return errNotSupported }
func (osThreads) affinity(int) ([]int, error)  { return nil, errNotSupported }
func (osThreads) setAffinity(int, []int) error { return errNotSupported }
func (osThreads) online() int                  { return runtime.NumCPU() }
