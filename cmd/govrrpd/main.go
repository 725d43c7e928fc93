// Command govrrpd is a drop-in replacement for keepalived: VRRP, IPVS and
// health checking from the same keepalived.conf, flags and signals.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
