package main

import (
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/govrrpd/govrrpd/confparse"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "0.1.0-dev"

const defaultConfig = "/etc/keepalived/keepalived.conf"

// run is main without the process exit, so tests can drive the CLI.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("govrrpd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		file     string
		test     bool
		configID string
		dump     bool
		showVer  bool
	)
	fs.StringVar(&file, "f", defaultConfig, "use configuration `FILE`")
	fs.StringVar(&file, "use-file", defaultConfig, "use configuration `FILE`")
	fs.BoolVar(&test, "t", false, "check the configuration and exit (0 ok, 4 cannot run, 5 errors, 6 script security)")
	fs.BoolVar(&test, "config-test", false, "same as -t")
	fs.StringVar(&configID, "i", "", "config `ID` selecting @ID lines (default: short host name)")
	fs.StringVar(&configID, "config-id", "", "same as -i")
	fs.BoolVar(&dump, "d", false, "print the parsed configuration as canonical keepalived.conf")
	fs.BoolVar(&dump, "dump-conf", false, "same as -d")
	fs.BoolVar(&showVer, "v", false, "print version")
	fs.BoolVar(&showVer, "version", false, "print version")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if showVer {
		fmt.Fprintf(stdout, "govrrpd %s (keepalived 2.2.7 compatible)\n", version)
		return 0
	}
	opts := confparse.Options{ConfigID: configID, CheckInterfaces: test, InterfaceExists: interfaceExists}
	cfg, diags := confparse.Load(file, opts)
	for _, d := range diags {
		if d.Severity == confparse.Info && !test {
			continue
		}
		fmt.Fprintf(stderr, "%s: %s\n", d.Pos, d.Msg)
	}
	if dump {
		if err := confparse.Print(stdout, cfg); err != nil {
			fmt.Fprintf(stderr, "govrrpd: %v\n", err)
			return 1
		}
	}
	if test || dump {
		return diags.ExitCode()
	}
	fmt.Fprintln(stderr, "govrrpd: the daemon is not wired yet; use -t to check a configuration")
	return 1
}

func interfaceExists(name string) bool {
	_, err := net.InterfaceByName(name)
	return err == nil
}
