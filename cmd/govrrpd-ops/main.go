package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// modes are the helper's verbs; each file that implements one registers
// it from an init function, so the daemon's side and the commands grow
// apart.
var modes = map[string]func(args []string, stdout, stderr io.Writer) int{}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

// dispatch runs the mode args[0] names with the rest.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if m, ok := modes[args[0]]; ok {
			return m(args[1:], stdout, stderr)
		}
	}
	names := make([]string, 0, len(modes))
	for n := range modes {
		names = append(names, n)
	}
	slices.Sort(names)
	fmt.Fprintf(stderr, "govrrpd-ops: govrrpd runs this helper; usage: govrrpd-ops %s [ARGS]\n", strings.Join(names, "|"))
	return 2
}
