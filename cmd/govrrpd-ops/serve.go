package main

import (
	"fmt"
	"io"

	"github.com/govrrpd/govrrpd/internal/opsserve"
)

// version is set by the build (-ldflags "-X main.version=..."), as
// govrrpd's: the daemon refuses a helper of another release.
var version = "0.1.0-dev"

func init() {
	modes["serve"] = serveMode
	modes["tls-check"] = tlsCheck
}

// serveMode is what govrrpd starts when a connection is pending on its
// control socket or --http-listen (internal/opsproc).
func serveMode(args []string, _, stderr io.Writer) int {
	if len(args) != 0 {
		fmt.Fprintln(stderr, "govrrpd-ops serve: takes no arguments; govrrpd passes its socket and listeners as files 3, 4, ...")
		return 2
	}
	return opsserve.Serve(version, stderr)
}

// tlsCheck is govrrpd's start-up check of --http-tls-cert/--http-tls-key:
// the daemon does not link crypto/tls, so a bad pair is found here and
// stops the start with this message.
func tlsCheck(args []string, _, stderr io.Writer) int {
	if len(args) != 2 {
		fmt.Fprintln(stderr, "usage: govrrpd-ops tls-check CERT KEY")
		return 2
	}
	if _, err := opsserve.TLSConfig(args[0], args[1]); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
