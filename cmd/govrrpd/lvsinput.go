package main

import (
	"fmt"
	"io"
	"os"

	"github.com/govrrpd/govrrpd/confparse/lvscf"
)

func init() {
	subcommands["import-lvs-cf"] = importLVSCF
	subcommands["genhash"] = genhashMain
}

// lvscfInput lets `govrrpd -f /etc/sysconfig/ha/lvs.cf` run a Piranha
// configuration directly: when the file's content is lvs.cf, it is
// converted in memory (node chosen as pulse did) to a keepalived.conf in a
// private temporary file, and the conversion's diagnostics are printed
// naming the lvs.cf line. It returns the path to load and a cleanup.
func lvscfInput(path string, stderr io.Writer) (string, func(), error) {
	data, err := os.ReadFile(path)
	if err != nil || !lvscf.Detect(data) {
		return path, func() {}, nil
	}
	out, ds, err := convertLVSCF(data, "auto", 51, "", localAddrs)
	for _, d := range ds {
		fmt.Fprintf(stderr, "%s: %s\n", path, d)
	}
	if err != nil {
		return "", func() {}, fmt.Errorf("%s: lvs.cf cannot be converted: %w", path, err)
	}
	f, err := os.CreateTemp("", "govrrpd-lvscf-*.conf")
	if err != nil {
		return "", func() {}, err
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", func() {}, err
	}
	f.Close()
	fmt.Fprintf(stderr, "%s: Piranha lvs.cf converted to keepalived.conf (%s)\n", path, f.Name())
	return f.Name(), func() { os.Remove(f.Name()) }, nil
}
