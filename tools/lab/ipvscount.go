package lab

import (
	"bufio"
	"bytes"
	"strings"
)

// IPVSCounts counts services and destinations in /proc/net/ip_vs, to show
// that a daemon really programmed the kernel with every real server.
func IPVSCounts(b []byte) (services, dests int) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "->"):
			if !strings.Contains(line, "RemoteAddress") {
				dests++
			}
		case strings.HasPrefix(line, "TCP "), strings.HasPrefix(line, "UDP "),
			strings.HasPrefix(line, "SCTP "), strings.HasPrefix(line, "FWM "):
			services++
		}
	}
	return services, dests
}
