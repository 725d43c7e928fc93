package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/internal/control"
)

func init() {
	modes["ctl"] = ctlMain
}

const ctlUsage = `ACTION ...
  drain VS RS               set the real server's weight to 0, keeping it in the table
  undrain VS RS             restore its weight
  maintenance INSTANCE on|off
                            hold the instance BACKUP (a master hands over first) / release it
  reload                    reload the configuration and print the result
VS is a virtual server as status shows it ("TCP 192.0.2.10:80", "FWM 7"); it may be given
as one quoted argument or as separate words.`

// ctlMain is `govrrpd ctl`: the admin actions. Exit 0 done, 1 refused or
// failed (the daemon's message on stderr), 2 usage.
func ctlMain(args []string, stdout, stderr io.Writer) int {
	fs := newSubFlags("ctl", stderr, ctlUsage)
	var cf clientFlags
	cf.add(fs)
	fs.SetInterspersed(false)
	if rc := parseSub(fs, args); rc != 0 {
		return max(rc, 0)
	}
	c, err := cf.client()
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd ctl: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return 2
	}
	switch act, rest := rest[0], rest[1:]; {
	case (act == "drain" || act == "undrain") && len(rest) >= 2:
		vs, rs := strings.Join(rest[:len(rest)-1], " "), rest[len(rest)-1]
		return done(stdout, stderr, c.Drain(ctx, vs, rs, act == "drain"), fmt.Sprintf("%sed %s in %s", act, rs, vs))
	case act == "maintenance" && len(rest) == 2 && (rest[1] == "on" || rest[1] == "off"):
		return done(stdout, stderr, c.Maintenance(ctx, rest[0], rest[1] == "on"),
			fmt.Sprintf("maintenance %s for %s", rest[1], rest[0]))
	case act == "reload" && len(rest) == 0:
		return ctlReload(ctx, c, stdout, stderr)
	}
	fs.Usage()
	return 2
}

func done(stdout, stderr io.Writer, err error, what string) int {
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd ctl: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, what)
	return 0
}

func ctlReload(ctx context.Context, c *control.Client, stdout, stderr io.Writer) int {
	r, err := c.Reload(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd ctl: %v\n", err)
		return 1
	}
	if r.Result == "refused" {
		fmt.Fprintf(stderr, "reload refused, the running configuration stays:\n%s\n", r.Error)
		return 1
	}
	fmt.Fprintf(stdout, "reload %s, config hash %s, %d changes\n", r.Result, short(r.ConfigHash), len(r.Changes))
	for _, ch := range r.Changes {
		fmt.Fprintf(stdout, "  %s %s %s\n", ch.Op, strings.ReplaceAll(ch.Kind, "_", " "), ch.Object)
	}
	return 0
}

func writeIndentedJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// short is the first 12 hex digits of a hash, as git shows commits.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
