package main

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/govrrpd/govrrpd/internal/helperbin"
)

// opsHelper is the helper that carries out the commands needing HTTP or
// TLS, so that govrrpd itself links neither (docs/scale.md, "Session 9").
const opsHelper = "govrrpd-ops"

// opsVerbs are the commands govrrpd-ops carries out: status, plan and
// ctl speak HTTP to the daemon's API; genhash fetches a page the way
// HTTP_GET and SSL_GET do.
var opsVerbs = []string{"status", "plan", "ctl", "genhash"}

func init() {
	for _, verb := range opsVerbs {
		subcommands[verb] = func(args []string, _, stderr io.Writer) int { return execOps(verb, args, stderr) }
	}
}

// execOps replaces govrrpd with `govrrpd-ops VERB ARGS...`, the arguments
// and the environment unchanged, so the helper's output, flags and exit
// status are the command's. It returns only when that is impossible,
// with status 1: what status and plan return when the daemon cannot be
// reached, and genhash and ctl when they fail.
func execOps(verb string, args []string, stderr io.Writer) int {
	path, err := helperbin.Find(opsHelper, "")
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd %s: %v; install %s beside govrrpd or in %s (the govrrpd package and `make install` do)\n",
			verb, err, opsHelper, helperbin.LibexecDir)
		return 1
	}
	argv := append([]string{path, verb}, args...)
	err = syscall.Exec(path, argv, os.Environ())
	fmt.Fprintf(stderr, "govrrpd %s: run %s: %v\n", verb, path, err)
	return 1
}
