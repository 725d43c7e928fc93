package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/govrrpd/govrrpd/internal/ctlapi"
)

// options are keepalived 2.2.7's command-line flags, every one of them, so
// that an operator's systemd unit and scripts work unchanged.
type options struct {
	configFile      string
	vrrpOnly        bool // -P
	checkOnly       bool // -C
	noBFD           bool // -B
	all             bool
	logConsole      bool // -l
	logDetail       bool // -D
	logFacility     string
	noSyslog        bool // -G
	umask           string
	releaseVIPs     bool          // -X
	dontReleaseVRRP bool          // -V
	dontReleaseIPVS bool          // -I
	releaseAtOnce   bool          // --release-at-once (govrrpd only)
	controlSocket   string        // --control-socket (govrrpd only; "" disables)
	httpListen      string        // --http-listen (govrrpd only)
	bgpConfig       string        // --bgp-config (govrrpd only)
	bgpHelper       string        // --bgp-helper (govrrpd only)
	checkHelper     string        // --check-helper (govrrpd only)
	opsHelper       string        // --ops-helper (govrrpd only)
	opsIdle         time.Duration // --ops-idle (govrrpd only)
	httpTokenFile   string        // --http-token-file (govrrpd only)
	httpAllowEdit   bool          // --http-allow-edit (govrrpd only)
	httpTLSCert     string        // --http-tls-cert (govrrpd only)
	httpTLSKey      string        // --http-tls-key (govrrpd only)
	dontRespawn     bool          // -R
	dontFork        bool          // -n
	dumpConf        bool          // -d
	pidFile         string
	vrrpPidFile     string
	checkersPidFile string
	bfdPidFile      string
	genhash         bool // -T
	addrMonitoring  bool // -a
	snmp            bool // -x
	snmpSocket      string
	namespace       string // -s
	coreDump        bool
	coreDumpPattern string
	allConfig       bool // -e
	configID        string
	signum          string
	configTest      bool
	configTestLog   string
	version         bool
	help            bool

	set map[string]bool // long names given on the command line
}

// noEffect lists flags accepted for compatibility that change nothing in
// govrrpd, with the reason logged at start.
var noEffect = map[string]string{
	"all":                "govrrpd runs one process",
	"dont-respawn":       "govrrpd runs one process; nothing is respawned",
	"address-monitoring": "address events are not logged yet",
	"core-dump":          "use the Go runtime's GOTRACEBACK=crash",
	"core-dump-pattern":  "use the Go runtime's GOTRACEBACK=crash",
	"release-vips":       "VIPs are never kept across a reload-triggered transition",
}

func parseFlags(args []string, stderr io.Writer) (*options, *pflag.FlagSet, error) {
	o := &options{}
	fs := pflag.NewFlagSet("govrrpd", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.StringVarP(&o.configFile, "use-file", "f", defaultConfig, "use the specified configuration file")
	fs.BoolVarP(&o.vrrpOnly, "vrrp", "P", false, "only run the VRRP subsystem")
	fs.BoolVarP(&o.checkOnly, "check", "C", false, "only run the health-checker subsystem (IPVS + checkers)")
	fs.BoolVarP(&o.noBFD, "no_bfd", "B", false, "don't run the BFD subsystem")
	fs.BoolVar(&o.all, "all", false, "force all subsystems to run, even without configuration")
	fs.BoolVarP(&o.logConsole, "log-console", "l", false, "log to the console (stderr)")
	fs.BoolVarP(&o.logDetail, "log-detail", "D", false, "detailed log messages")
	fs.StringVarP(&o.logFacility, "log-facility", "S", "daemon", "syslog facility: 0-7, local0-7, user or daemon")
	fs.BoolVarP(&o.noSyslog, "no-syslog", "G", false, "don't log via syslog")
	fs.StringVarP(&o.umask, "umask", "u", "", "umask for file creation (numeric)")
	fs.BoolVarP(&o.releaseVIPs, "release-vips", "X", false, "drop VIPs on transition from signal")
	fs.BoolVarP(&o.dontReleaseVRRP, "dont-release-vrrp", "V", false, "don't remove VIPs and virtual routes on stop")
	fs.BoolVarP(&o.dontReleaseIPVS, "dont-release-ipvs", "I", false, "don't remove the IPVS topology on stop")
	fs.BoolVar(&o.releaseAtOnce, "release-at-once", false,
		"on stop, remove a master's VIPs right after its priority-0 advert (keepalived's behaviour); by default\n"+
			"they stay until the backup that takes over is heard (at most one advert interval, v2: 1 s, + 100 ms)")
	fs.StringVar(&o.controlSocket, "control-socket", ctlapi.DefaultSocket,
		"govrrpd only: the control socket (status, plan, ctl and the API; root only); '' disables it")
	fs.StringVar(&o.httpListen, "http-listen", "",
		"govrrpd only: serve /metrics and the read-only API on ADDR (\"9100\" or \":9100\" = loopback only)")
	fs.StringVar(&o.bgpConfig, "bgp-config", "",
		"govrrpd only: announce virtual servers over BGP as FILE says (keepalived.conf syntax; see govrrpd.conf(5))")
	fs.StringVar(&o.bgpHelper, "bgp-helper", "",
		"govrrpd only: the BGP helper program that --bgp-config runs (default: govrrpd-bgp beside govrrpd, else\n"+
			"/usr/libexec/govrrpd/govrrpd-bgp); GoBGP lives there so that a daemon without BGP does not carry it")
	fs.StringVar(&o.opsHelper, "ops-helper", "",
		"govrrpd only: the operations helper serving the control socket and --http-listen (default: govrrpd-ops\n"+
			"beside govrrpd, else /usr/libexec/govrrpd/govrrpd-ops); started when a connection arrives")
	fs.DurationVar(&o.opsIdle, "ops-idle", time.Minute,
		"govrrpd only: how long the operations helper runs without an open connection before it exits")
	fs.StringVar(&o.checkHelper, "check-helper", "",
		"govrrpd only: the program that runs HTTP_GET and SSL_GET probes (default: govrrpd-check beside govrrpd,\n"+
			"else /usr/libexec/govrrpd/govrrpd-check); HTTP and TLS live there so that the daemon does not carry them")
	fs.StringVar(&o.httpTokenFile, "http-token-file", "",
		"govrrpd only: bearer token allowing writes over --http-listen (mode 0600, owned by root)")
	fs.BoolVar(&o.httpAllowEdit, "http-allow-edit", false,
		"govrrpd only: let the web console (/ui/ on --http-listen, logged in with the token) edit and apply the configuration")
	fs.StringVar(&o.httpTLSCert, "http-tls-cert", "", "govrrpd only: serve --http-listen over TLS with this PEM certificate")
	fs.StringVar(&o.httpTLSKey, "http-tls-key", "", "govrrpd only: the PEM key of --http-tls-cert")
	fs.BoolVarP(&o.dontRespawn, "dont-respawn", "R", false, "don't respawn child processes")
	fs.BoolVarP(&o.dontFork, "dont-fork", "n", false, "don't fork: stay in the foreground (what systemd units use)")
	fs.BoolVarP(&o.dumpConf, "dump-conf", "d", false, "dump the configuration as canonical keepalived.conf")
	fs.StringVarP(&o.pidFile, "pid", "p", "/run/keepalived.pid", "pid file of the main process")
	fs.StringVarP(&o.vrrpPidFile, "vrrp_pid", "r", "/run/keepalived_vrrp.pid", "pid file for the VRRP subsystem")
	fs.BoolVarP(&o.genhash, "genhash", "T", false, "genhash utility mode (must be the first option)")
	fs.StringVarP(&o.checkersPidFile, "checkers_pid", "c", "/run/keepalived_checkers.pid", "pid file for the checker subsystem")
	fs.BoolVarP(&o.addrMonitoring, "address-monitoring", "a", false, "report all address additions/deletions")
	fs.StringVarP(&o.bfdPidFile, "bfd_pid", "b", "/run/keepalived_bfd.pid", "pid file for the BFD subsystem")
	fs.BoolVarP(&o.snmp, "snmp", "x", false, "enable SNMP")
	fs.StringVarP(&o.snmpSocket, "snmp-agent-socket", "A", "", "SNMP master agent socket")
	fs.StringVarP(&o.namespace, "namespace", "s", "", "run in network namespace NAME")
	fs.BoolVarP(&o.coreDump, "core-dump", "m", false, "produce a core dump on abnormal termination")
	fs.StringVarP(&o.coreDumpPattern, "core-dump-pattern", "M", "", "core_pattern to set")
	fs.BoolVarP(&o.allConfig, "all-config", "e", false, "error if any configuration file is missing")
	fs.StringVarP(&o.configID, "config-id", "i", "", "config id selecting @ID lines (default: short host name)")
	fs.StringVar(&o.signum, "signum", "", "print the signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON")
	fs.StringVarP(&o.configTestLog, "config-test", "t", "", "check the configuration and exit; messages to stderr or LOG_FILE")
	fs.Lookup("config-test").NoOptDefVal = "-"
	fs.BoolVarP(&o.version, "version", "v", false, "display the version number")
	fs.BoolVarP(&o.help, "help", "h", false, "display this help message")
	if err := fs.Parse(args); err != nil {
		return nil, fs, err
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { o.set[f.Name] = true })
	o.configTest = o.set["config-test"]
	if o.configTestLog == "-" {
		o.configTestLog = ""
	}
	if fs.NArg() > 0 {
		return nil, fs, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, fs, nil
}

// ignoredFlags returns a log line for each given flag that has no effect.
func (o *options) ignoredFlags() []string {
	var out []string
	for name, why := range noEffect {
		if o.set[name] {
			out = append(out, fmt.Sprintf("--%s has no effect: %s", name, why))
		}
	}
	return out
}

// signals are the numbers keepalived prints for --signum on x86_64 glibc.
var signals = map[string]int{"STOP": 15, "RELOAD": 1, "DATA": 10, "STATS": 12, "STATS_CLEAR": 63, "JSON": 36}

func signum(name string) (int, error) {
	n, ok := signals[strings.ToUpper(name)]
	if !ok {
		return 0, fmt.Errorf("unknown signal function %q (want STOP, RELOAD, DATA, STATS, STATS_CLEAR or JSON)", name)
	}
	return n, nil
}
