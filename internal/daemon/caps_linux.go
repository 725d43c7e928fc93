package daemon

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// haveCapability reads the effective set from /proc/self/status.
func haveCapability(c capability) (bool, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false, err
	}
	return capInStatus(string(b), c)
}

// capInStatus finds c in a /proc/PID/status text's CapEff line.
func capInStatus(text string, c capability) (bool, error) {
	for _, line := range strings.Split(text, "\n") {
		v, ok := strings.CutPrefix(line, "CapEff:")
		if !ok {
			continue
		}
		mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		if err != nil {
			return false, fmt.Errorf("CapEff %q: %w", v, err)
		}
		return mask&(1<<c.bit) != 0, nil
	}
	return false, fmt.Errorf("no CapEff line")
}
