package bgpproc

import (
	"fmt"

	"github.com/govrrpd/govrrpd/internal/helperbin"
)

const (
	// HelperName is the helper's file name.
	HelperName = "govrrpd-bgp"
	// DefaultHelper is where the Debian package installs it.
	DefaultHelper = helperbin.LibexecDir + "/" + HelperName
)

// FindHelper returns the helper to run: flag (--bgp-helper) if given,
// else helperbin's search order. The error says which option names it.
func FindHelper(flag string) (string, error) {
	p, err := helperbin.Find(HelperName, flag)
	if err != nil {
		return "", fmt.Errorf("bgp %w: --bgp-config needs it; install it or name it with --bgp-helper", err)
	}
	return p, nil
}
