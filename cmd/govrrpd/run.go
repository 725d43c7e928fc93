package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"net"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/daemon"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "0.1.0-dev"

const defaultConfig = "/etc/keepalived/keepalived.conf"

// subcommands are govrrpd's own verbs; everything else is keepalived's
// command line. Those that need HTTP or TLS run govrrpd-ops (opsexec.go).
var subcommands = map[string]func(args []string, stdout, stderr io.Writer) int{}

// run is main without the process exit, so tests can drive the CLI.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if sub, ok := subcommands[args[0]]; ok {
			return sub(args[1:], stdout, stderr)
		}
		if args[0] == "-T" || args[0] == "--genhash" {
			return execOps("genhash", args[1:], stderr)
		}
	}
	o, fs, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "govrrpd: %v\n", err)
		return 2
	}
	switch {
	case o.help:
		fmt.Fprintf(stdout, "Usage: govrrpd [OPTION...]\n%s", fs.FlagUsages())
		return 0
	case o.version:
		fmt.Fprintf(stdout, "govrrpd %s (keepalived 2.2.7 compatible command line and configuration)\n", version)
		return 0
	case o.signum != "":
		n, err := signum(o.signum)
		if err != nil {
			fmt.Fprintf(stderr, "govrrpd: %v\n", err)
			return 1
		}
		fmt.Fprintln(stdout, n)
		return 0
	}
	conf, cleanup, err := lvscfInput(o.configFile, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd: %v\n", err)
		return 4
	}
	defer cleanup()
	o.configFile = conf
	if o.namespace == "" {
		o.namespace = configNamespace(o)
	}
	if o.namespace != "" && os.Getenv(netnsEnv) != o.namespace {
		if o.configTest && !namespaceExists(o.namespace) {
			return configTest(o, stderr) // keepalived's verdict: see confparse/netns.go
		}
		err := enterNamespace(o.namespace, args)
		fmt.Fprintf(stderr, "govrrpd: Unable to set network namespace %s - exiting: %v\n", o.namespace, err)
		return 1
	}
	if o.configTest {
		return configTest(o, stderr)
	}
	if !o.dontFork && os.Getenv(foregroundEnv) == "" {
		if err := detach(args); err != nil {
			fmt.Fprintf(stderr, "govrrpd: %v\n", err)
			return 1
		}
		return 0
	}
	return runDaemon(o, stdout, stderr)
}

func parseOptions(o *options, test bool) confparse.Options {
	return confparse.Options{ConfigID: o.configID, AllConfig: o.allConfig, CheckInterfaces: test,
		InterfaceExists: interfaceExists, InNamespace: os.Getenv(netnsEnv) != ""}
}

// configTest is -t: every message as FILE:LINE: message, keepalived's exit
// codes.
func configTest(o *options, stderr io.Writer) int {
	out := stderr
	if o.configTestLog != "" {
		f, err := os.Create(o.configTestLog)
		if err != nil {
			fmt.Fprintf(stderr, "govrrpd: %v\n", err)
			return 4
		}
		defer f.Close()
		out = f
	}
	tuneForConfigTest(o.configFile)
	cfg, diags := confparse.Load(o.configFile, parseOptions(o, true))
	for _, d := range diags.Sorted() {
		// Notes keep -t's exit code keepalived's while still saying where
		// govrrpd reads a line differently from how it looks.
		if d.Severity == confparse.Info {
			fmt.Fprintf(out, "%s: note: %s\n", d.Pos, d.Msg)
			continue
		}
		fmt.Fprintf(out, "%s: %s\n", d.Pos, d.Msg)
	}
	if o.dumpConf && cfg != nil {
		confparse.PrintMasked(out, cfg)
	}
	// keepalived's exit code first: the BGP file's verdict only when
	// keepalived.conf itself passes.
	bgpCode := configTestBGP(o, cfg, out)
	if code := diags.ExitCode(); code != 0 {
		return code
	}
	return bgpCode
}

func runDaemon(o *options, stdout, stderr io.Writer) int {
	log, closeLog := newLogger(o, stderr)
	defer closeLog()
	for _, l := range o.ignoredFlags() {
		log.Info(l)
	}
	if err := namespacePidFiles(o); err != nil {
		log.Error("pid files", "err", err)
		return 1
	}
	namespaceSocket(o)
	ops, err := openOps(o)
	if err != nil {
		log.Error("operations listeners", "err", err)
		return 1
	}
	defer ops.close()
	opsCtx, stopOps := context.WithCancel(context.Background())
	snmp := newSNMP(o, log)
	defer func() { stopOps(); ops.wait(); snmp.wait() }()
	if err := applyUmask(o.umask); err != nil {
		log.Error("umask", "err", err)
		return 1
	}
	if o.dumpConf {
		cfg, _ := confparse.Load(o.configFile, parseOptions(o, false))
		var b strings.Builder
		confparse.PrintMasked(&b, cfg)
		log.Info("configuration dump\n" + b.String())
	}
	useCheckHelper(o, log)
	bgpr, err := startBGP(o, log, ops.metrics)
	if err != nil {
		log.Error("bgp", "err", err)
		return 1
	}
	err = daemon.Run(context.Background(), daemon.Options{
		ConfigFile: o.configFile, Parse: parseOptions(o, false), DontReleaseVRRP: o.dontReleaseVRRP,
		ReleaseAtOnce: o.releaseAtOnce, DontReleaseIPVS: o.dontReleaseIPVS, VRRPOnly: o.vrrpOnly, CheckOnly: o.checkOnly, NoBFD: o.noBFD,
		PidFiles: pidFiles(o), Log: log, Version: version,
		Control: func(d *daemon.Daemon) { ops.serve(opsCtx, bgpr.backend(d), log); bgpr.attach(d); snmp.start(opsCtx, d) },
		Metrics: ops.metrics, Observer: snmp.agent,
		Stopping: bgpr.shutdown,
	})
	if err != nil {
		bgpr.shutdown()
	}
	if err != nil {
		log.Error("govrrpd stopped", "err", err)
		return 1
	}
	return 0
}

// newLogger logs as keepalived's flags say: syslog unless -G, also to the
// console with -l (or when syslog is off, so nothing is lost).
func newLogger(o *options, stderr io.Writer) (*slog.Logger, func()) {
	level := slog.LevelInfo
	if o.logDetail {
		level = slog.LevelDebug
	}
	var writers []io.Writer
	closeFn := func() {}
	if !o.noSyslog {
		if w, err := syslog.New(facility(o.logFacility)|syslog.LOG_INFO, "govrrpd"); err == nil {
			writers = append(writers, w)
			closeFn = func() { w.Close() }
		}
	}
	if o.logConsole || len(writers) == 0 {
		writers = append(writers, stderr)
	}
	h := slog.NewTextHandler(io.MultiWriter(writers...), &slog.HandlerOptions{Level: level})
	return slog.New(h), closeFn
}

func facility(s string) syslog.Priority {
	switch s {
	case "user":
		return syslog.LOG_USER
	case "daemon", "":
		return syslog.LOG_DAEMON
	}
	s = strings.TrimPrefix(s, "local")
	if len(s) == 1 && s[0] >= '0' && s[0] <= '7' {
		return syslog.LOG_LOCAL0 + syslog.Priority(s[0]-'0')<<3
	}
	return syslog.LOG_DAEMON
}

func interfaceExists(name string) bool {
	_, err := net.InterfaceByName(name)
	return err == nil
}

// pidFiles are the files the daemon writes: keepalived's parent and VRRP
// child files, and the checkers' file when that subsystem runs.
func pidFiles(o *options) []string {
	files := []string{o.pidFile}
	if !o.checkOnly {
		files = append(files, o.vrrpPidFile)
	}
	if !o.vrrpOnly {
		files = append(files, o.checkersPidFile)
	}
	return files
}
