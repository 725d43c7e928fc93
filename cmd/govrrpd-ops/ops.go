package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/plan"
	"github.com/govrrpd/govrrpd/internal/status"
)

func init() {
	modes["status"] = statusMain
	modes["plan"] = planMain
}

// defaultConfig is the file plan reads without -f, as the daemon does.
const defaultConfig = "/etc/keepalived/keepalived.conf"

// clientFlags are how the operations subcommands reach a daemon: its
// control socket, or a TCP listener (--url, with the token file for
// writes).
type clientFlags struct {
	socket, url, tokenFile string
}

func (c *clientFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&c.socket, "control-socket", control.DefaultSocket, "the daemon's control socket")
	fs.StringVar(&c.url, "url", "", "reach the daemon's --http-listen instead (http://127.0.0.1:9100)")
	fs.StringVar(&c.tokenFile, "http-token-file", "", "with --url: the bearer token file, for writes")
}

func (c *clientFlags) client() (*control.Client, error) {
	if c.url == "" {
		return control.NewSocketClient(c.socket), nil
	}
	tok := ""
	if c.tokenFile != "" {
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return nil, fmt.Errorf("token file: %w", err)
		}
		tok = strings.TrimSpace(string(b))
	}
	return control.NewHTTPClient(c.url, tok), nil
}

func newSubFlags(name string, stderr io.Writer, usage string) *pflag.FlagSet {
	fs := pflag.NewFlagSet("govrrpd "+name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: govrrpd %s %s\n%s", name, usage, fs.FlagUsages())
	}
	return fs
}

// parseSub parses a subcommand's flags: 0 to go on, otherwise the exit
// status (0 for --help, 2 for a usage error).
func parseSub(fs *pflag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return -1
		}
		return 2
	}
	return 0
}

// statusMain is `govrrpd status`: the daemon's state as tables, or the
// API's JSON with --json. Exit 1 when the daemon cannot be reached.
func statusMain(args []string, stdout, stderr io.Writer) int {
	fs := newSubFlags("status", stderr, "[--json] [--watch [--interval D]]")
	var cf clientFlags
	cf.add(fs)
	asJSON := fs.Bool("json", false, "print the API's JSON (/api/v1/status) unchanged")
	watch := fs.Bool("watch", false, "redraw until interrupted")
	interval := fs.Duration("interval", 2*time.Second, "with --watch: time between redraws")
	if rc := parseSub(fs, args); rc != 0 {
		return max(rc, 0)
	}
	c, err := cf.client()
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd status: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for {
		if rc := statusOnce(ctx, c, *asJSON, *watch, stdout, stderr); rc != 0 || !*watch {
			return rc
		}
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(*interval):
		}
	}
}

func statusOnce(ctx context.Context, c *control.Client, asJSON, watch bool, stdout, stderr io.Writer) int {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if watch {
		fmt.Fprint(stdout, "\x1b[H\x1b[2J")
	}
	if asJSON {
		b, err := c.Raw(cctx, "GET", control.APIPrefix+"status", nil)
		if err != nil {
			fmt.Fprintf(stderr, "govrrpd status: %v\n", err)
			return 1
		}
		stdout.Write(b)
		return 0
	}
	d, err := c.Status(cctx)
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd status: %v\n", err)
		return 1
	}
	renderStatus(stdout, d)
	return 0
}

// planMain is `govrrpd plan`: what a reload to -f FILE would change,
// asked of the running daemon, or between two files with --from.
// Exit 0 no change, 2 changes, 1 an invalid file (or no daemon).
func planMain(args []string, stdout, stderr io.Writer) int {
	fs := newSubFlags("plan", stderr, "[-f new.conf] [--from old.conf] [--json]")
	var cf clientFlags
	cf.add(fs)
	file := fs.StringP("use-file", "f", defaultConfig, "the configuration a reload would read")
	from := fs.String("from", "", "compare with this file offline instead of asking the running daemon")
	configID := fs.StringP("config-id", "i", "", "config id selecting @ID lines (default: short host name)")
	asJSON := fs.Bool("json", false, "print the plan as JSON")
	if rc := parseSub(fs, args); rc != 0 {
		return max(rc, 0)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	var (
		pl  status.Plan
		err error
	)
	if *from != "" {
		pl, err = plan.Files(*from, *file, confparse.Options{ConfigID: *configID})
	} else {
		var abs string
		abs, err = filepath.Abs(*file)
		if err != nil {
			fmt.Fprintf(stderr, "govrrpd plan: %v\n", err)
			return 1
		}
		c, cerr := cf.client()
		if cerr != nil {
			fmt.Fprintf(stderr, "govrrpd plan: %v\n", cerr)
			return 1
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pl, err = c.Plan(ctx, abs)
	}
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd plan: %v\n", err)
		return 1
	}
	if *asJSON {
		writeIndentedJSON(stdout, pl)
	} else if len(pl.Errors) > 0 {
		plan.Render(stderr, pl)
	} else {
		plan.Render(stdout, pl)
	}
	return plan.ExitCode(pl)
}
