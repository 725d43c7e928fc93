package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/helperbin"
	"github.com/govrrpd/govrrpd/internal/roff"
)

// The man page govrrpd(8) is generated from the flag set that --help
// prints, the signal table --signum prints and the subcommand table, so the
// page cannot describe a command line the binary does not have (`make man`,
// `make deb`).
func init() {
	subcommands["man"] = manMain
}

// subcommandHelp is each subcommand's synopsis and purpose for govrrpd(8);
// a test fails when a registered subcommand has none.
var subcommandHelp = map[string][2]string{
	"genhash": {"genhash -s ADDRESS -p PORT -u PATH [-S] [-I] [-V HOST] [-P PROTO] [-m MARK] [-t TIMEOUT] [-v]",
		"Fetch a URL as HTTP_GET or SSL_GET would and print the MD5 digest to put in a `url` block " +
			"(keepalived's `genhash` and `keepalived -T`; `govrrpd -T` is the same)."},
	"import-lvs-cf": {"import-lvs-cf [--node primary|backup|auto] [--vrid N] [--vrrp-interface IF] [-o FILE] lvs.cf",
		"Convert Piranha's `lvs.cf` into a keepalived.conf for one node. `govrrpd -f lvs.cf` also runs such a file directly."},
	// status, plan, ctl and genhash are carried out by govrrpd-ops
	// (opsNote is added to each); only registered subcommands reach the
	// page.
	"status": {"status [--json] [--watch [--interval D]] [--control-socket PATH | --url URL [--http-token-file FILE]]",
		"The running daemon's state as tables, or the API's JSON with --json. Exit status 1 when the daemon cannot be reached."},
	"plan": {"plan [-f new.conf] [--from old.conf] [--json]",
		"What a reload to the new file would change, asked of the running daemon, or between two files with --from. Exit status 0: no change; 2: changes; 1: an invalid file or no daemon."},
	"ctl": {"ctl ACTION ...",
		"Administrative actions through the control socket: `drain VS RS` and `undrain VS RS` (a real server's weight to 0 and back), `maintenance INSTANCE on|off` (hold an instance BACKUP), `reload`. Exit status 0: done; 1: refused or failed; 2: usage."},
	"man": {"man [--section 8|5] [--date YYYY-MM-DD] [--keywords FILE]",
		"Write this manual page (section 8) or govrrpd.conf(5) (from the keyword table FILE, docs/keywords.md) in roff to standard output."},
}

// opsNote ends the description of each subcommand govrrpd-ops carries
// out (opsVerbs).
const opsNote = " Carried out by govrrpd-ops (see FILES), which govrrpd runs in its place with the same arguments and environment; " +
	"when it cannot be found, govrrpd names every path it tried and exits with status 1."

// signalHelp explains each function of --signum; a test fails when one has
// no entry.
var signalHelp = map[string][2]string{
	"STOP":        {"SIGTERM", "Stop: masters send their priority-0 advert and keep their VIPs until the backup is heard (see --release-at-once), then remove them; notify STOP. SIGINT does the same."},
	"RELOAD":      {"SIGHUP", "Reload the configuration. The whole new file is checked first; a file with errors is refused (FILE:LINE in the log) and the running configuration stays. Instances that did not change keep their state and send no notification."},
	"DATA":        {"SIGUSR1", "Write the running state to /tmp/keepalived.data (and keepalived_check.data), as keepalived does."},
	"STATS":       {"SIGUSR2", "Write the VRRP statistics to /tmp/keepalived.stats."},
	"STATS_CLEAR": {"SIGRTMAX-1", "Write the statistics, then clear them."},
	"JSON":        {"SIGRTMIN+2", "Write the state as JSON to /tmp/keepalived.json."},
}

func manMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("govrrpd man", flag.ContinueOnError)
	fs.SetOutput(stderr)
	section := fs.Int("section", 8, "manual `section`: 8 (govrrpd) or 5 (govrrpd.conf)")
	date := fs.String("date", time.Now().UTC().Format(time.DateOnly), "page `date` (YYYY-MM-DD); packages pass the commit date")
	keywords := fs.String("keywords", "docs/keywords.md", "keyword table `FILE` for section 5")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	switch *section {
	case 8:
		err = writeMan8(stdout, *date)
	case 5:
		err = writeMan5(stdout, *date, *keywords)
	default:
		err = fmt.Errorf("no section %d: 8 or 5", *section)
	}
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd man: %v\n", err)
		return 1
	}
	return 0
}

func writeMan8(w io.Writer, date string) error {
	_, fs, err := parseFlags(nil, io.Discard)
	if err != nil {
		return err
	}
	p := roff.New(w, "govrrpd", 8, date, "govrrpd "+version, "System Administration")
	p.Name("govrrpd", "VRRP, IPVS and health-check daemon that replaces keepalived")
	p.Section("synopsis")
	p.Text("`govrrpd` [OPTION...]")
	p.Break()
	p.Text("`govrrpd` SUBCOMMAND [ARG...]")
	p.Section("description")
	p.Para("govrrpd runs the VRRP routers, IPVS virtual servers and health checkers described in " +
		"keepalived.conf(5), with keepalived's command line, signals, pid files and dump files, in one process. " +
		"It can replace keepalived on one router of a VRRP group while the others still run keepalived.")
	p.Para("What govrrpd adds to or refuses in keepalived.conf is listed in govrrpd.conf(5).")
	manOptions(p, fs)
	p.Section("subcommands")
	for _, name := range slices.Sorted(maps.Keys(subcommands)) {
		h := subcommandHelp[name]
		if slices.Contains(opsVerbs, name) {
			h[1] += opsNote
		}
		p.Item(roff.Bold("govrrpd "+strings.Fields(h[0])[0])+" "+roff.Escape(strings.TrimPrefix(h[0], name+" ")), h[1])
	}
	manSignals(p)
	manFiles(p)
	manExit(p)
	p.Section("environment")
	p.Item(roff.Bold("NOTIFY_SOCKET"), "Set by systemd for Type=notify units: govrrpd sends READY=1 once running, RELOADING=1 and READY=1 around a reload, STOPPING=1 at the end.")
	p.Item(roff.Bold("WATCHDOG_USEC")+", "+roff.Bold("WATCHDOG_PID"), "Set by systemd's WatchdogSec=: the event loop sends WATCHDOG=1 every half interval, so a wedged loop gets the daemon restarted.")
	p.Item(roff.Bold("TMPDIR"), "Directory of the signal dumps (default /tmp).")
	p.Section("see also")
	p.Text("govrrpd.conf(5), keepalived.conf(5), keepalived(8), systemd.service(5), update-alternatives(1)")
	return p.Err()
}

// manOptions lists every flag of the --help flag set.
func manOptions(p *roff.Page, fs *pflag.FlagSet) {
	p.Section("options")
	p.Para("Options are keepalived 2.2.7's, spelled the same; short options combine (`-nlD`). " +
		"Options that change nothing in govrrpd are accepted and logged at start.")
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		p.Item(flagTag(f), flagBody(f))
	})
}

// argNames name the argument of flags whose name does not say it.
var argNames = map[string]string{
	"use-file": "FILE", "log-facility": "FACILITY", "umask": "MASK", "pid": "FILE", "vrrp_pid": "FILE",
	"checkers_pid": "FILE", "bfd_pid": "FILE", "snmp-agent-socket": "SOCKET", "namespace": "NAME",
	"core-dump-pattern": "PATTERN", "config-id": "ID", "signum": "NAME", "config-test": "LOG_FILE",
}

// flagTag is "-f, --use-file=FILE" in man page fonts.
func flagTag(f *pflag.Flag) string {
	var tag string
	if f.Shorthand != "" {
		tag = roff.Bold("-"+f.Shorthand) + ", "
	}
	tag += roff.Bold("--" + f.Name)
	if f.Value.Type() == "bool" {
		return tag
	}
	name, ok := argNames[f.Name]
	if !ok {
		name = strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
	}
	arg := roff.Italic(name)
	if f.NoOptDefVal != "" {
		return tag + "[=" + arg + "]"
	}
	return tag + "=" + arg
}

func flagBody(f *pflag.Flag) string {
	body := strings.ReplaceAll(f.Usage, "\n", " ")
	if f.Value.Type() != "bool" && f.DefValue != "" {
		body += " (default: `" + f.DefValue + "`)"
	}
	if why, ok := noEffect[f.Name]; ok {
		body += ". No effect in govrrpd: " + why + "."
	}
	return body
}

func manSignals(p *roff.Page) {
	p.Section("signals")
	p.Para("The signals are keepalived's; `govrrpd --signum=NAME` prints the number for each name below.")
	names := slices.SortedFunc(maps.Keys(signals), func(a, b string) int { return signals[a] - signals[b] })
	for _, name := range names {
		h := signalHelp[name]
		p.Item(roff.Bold(h[0])+fmt.Sprintf(" (%d, ", signals[name])+roff.Bold(name)+")", h[1])
	}
}

func manFiles(p *roff.Page) {
	p.Section("files")
	p.Item(roff.Italic(defaultConfig), "The configuration (-f), the same file keepalived reads.")
	p.Item(roff.Italic("/run/keepalived.pid")+", "+roff.Italic("/run/keepalived_vrrp.pid")+", "+roff.Italic("/run/keepalived_checkers.pid"),
		"Pid files (-p, -r, -c), opened as keepalived does: a symbolic link is refused, mode 0644, locked while running. "+
			"With -s NAME they move under /run/keepalived/NAME/. govrrpd.service passes /run/govrrpd/govrrpd.pid, vrrp.pid and checkers.pid.")
	p.Item(roff.Italic("/tmp/keepalived.data")+", "+roff.Italic(".stats")+", "+roff.Italic(".json"),
		"Signal dumps, written to a temporary file and renamed, mode 0600.")
	p.Item(roff.Italic(helperbin.LibexecDir+"/"),
		"The helpers, each looked for beside govrrpd first, then in ../libexec/govrrpd of its prefix (`make install`), then here (the package). "+
			"`govrrpd-ops` carries out status, plan, ctl and genhash, and serves the API, the web console and /metrics: "+
			"the daemon starts `govrrpd-ops serve` when a connection arrives on the control socket or --http-listen, "+
			"and it exits after an idle period. `govrrpd-bgp` runs while --bgp-config is given, started and stopped by the daemon.")
	p.Item(roff.Italic("/etc/default/govrrpd"), "DAEMON_ARGS for govrrpd.service, as /etc/default/keepalived is for keepalived.service.")
	p.Item(roff.Italic("/lib/systemd/system/govrrpd.service"), "The unit: Conflicts=keepalived.service, so starting one stops the other. "+
		"`update-alternatives --install /usr/sbin/keepalived keepalived /usr/sbin/govrrpd 10` (only when Debian's keepalived package is not installed) "+
		"makes scripts that call keepalived run govrrpd; the package never does this by itself.")
}

// severityHelp explains each -t exit status by the severity that causes it
// (confparse.Severity's String); a test fails when a severity has none.
var severityHelp = map[string]string{
	"error":    "It cannot be run: file not found, missing or unreadable include, missing interface. Also when the -f file cannot be read or converted from lvs.cf.",
	"warning":  "Errors or warnings: unknown keyword, invalid value, a keyword govrrpd does not support yet.",
	"security": "Script security: a script would run as root, or is writable by a non-root user.",
	"stop":     "A keyword lacks the value keepalived reads without checking: keepalived exits at once (also with -t), so govrrpd refuses the file, at start and on reload.",
}

// severities are confparse's named severities above Info with the -t exit
// status each gives, in exit-status order.
func severities() []confparse.Severity {
	var out []confparse.Severity
	for s := confparse.Severity(1); s < 32; s++ {
		if !strings.HasPrefix(s.String(), "Severity(") { // stringer's form for an undefined value
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b confparse.Severity) int { return exitFor(a) - exitFor(b) })
	return out
}

func exitFor(s confparse.Severity) int {
	return confparse.Diagnostics{{Severity: s}}.ExitCode()
}

func manExit(p *roff.Page) {
	p.Section("exit status")
	p.Para("With -t (configuration test), keepalived's codes; the highest-ranking message decides:")
	p.Item(roff.Bold("0"), "The configuration is valid (informational messages only).")
	for _, s := range severities() {
		p.Item(roff.Bold(fmt.Sprint(exitFor(s))), severityHelp[s.String()])
	}
	p.Para("Otherwise:")
	p.Item(roff.Bold("0"), "Stopped by a signal after a clean run; --help, --version, --signum.")
	p.Item(roff.Bold("1"), "The daemon could not start or stopped on an error (logged), or a subcommand failed "+
		"(status, plan and ctl: the daemon cannot be reached; status, plan, ctl and genhash: govrrpd-ops cannot be found).")
	p.Item(roff.Bold("2"), "Command-line usage error.")
}
