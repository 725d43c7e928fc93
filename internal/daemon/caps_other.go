//go:build !linux

package daemon

import (
	"errors"
	"runtime"
)

func haveCapability(capability) (bool, error) {
	return false, errors.New("capabilities: not supported on " + runtime.GOOS)
}
