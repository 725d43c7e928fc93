package main

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/roff"
)

func renderMan(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(append([]string{"man", "--date", "2026-12-06"}, args...), &out, &errOut); code != 0 {
		t.Fatalf("govrrpd man %v: exit %d: %s", args, code, errOut.String())
	}
	return out.String()
}

func lint(t *testing.T, page string) {
	t.Helper()
	if err := roff.Lint([]byte(page)); errors.Is(err, roff.ErrNoLinter) {
		t.Skip(err)
	} else if err != nil {
		t.Fatalf("%v\n%s", err, page)
	}
}

// Every option --help prints must be in govrrpd(8), with its short form.
func TestMan8HasEveryHelpFlag(t *testing.T) {
	var help bytes.Buffer
	if code := run([]string{"--help"}, &help, &help); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	page := strings.NewReplacer(`\-`, "-", `\fB`, "", `\fR`, "", `\fI`, "").Replace(renderMan(t))
	flags := regexp.MustCompile(`(?m)^\s+(?:(-\w), )?(--[\w-]+)`).FindAllStringSubmatch(help.String(), -1)
	if len(flags) < 30 {
		t.Fatalf("only %d flags found in --help:\n%s", len(flags), help.String())
	}
	for _, f := range flags {
		want := f[2]
		if f[1] != "" {
			want = f[1] + ", " + f[2]
		}
		if !strings.Contains(page, "\n"+want) {
			t.Errorf("govrrpd(8) has no entry for %s", want)
		}
	}
}

func TestMan8SubcommandsAndSignalsDocumented(t *testing.T) {
	for name := range subcommands {
		h, ok := subcommandHelp[name]
		if !ok || !strings.HasPrefix(h[0], name) || h[1] == "" {
			t.Errorf("subcommand %q has no synopsis and description in subcommandHelp (man.go)", name)
		}
	}
	for _, sev := range severities() {
		if severityHelp[sev.String()] == "" {
			t.Errorf("confparse severity %q (exit %d) has no entry in severityHelp (man.go)", sev, exitFor(sev))
		}
	}
	for name := range signals {
		if h, ok := signalHelp[name]; !ok || h[1] == "" {
			t.Errorf("signal function %s has no entry in signalHelp (man.go)", name)
		}
	}
	page := renderMan(t)
	for _, s := range []string{"SIGHUP", "SIGUSR1", "SIGRTMIN+2", "import\\-lvs\\-cf", "WATCHDOG_USEC"} {
		if !strings.Contains(page, s) {
			t.Errorf("govrrpd(8) does not mention %s", s)
		}
	}
}

func TestManPagesLintClean(t *testing.T) {
	t.Run("govrrpd.8", func(t *testing.T) { lint(t, renderMan(t)) })
	t.Run("govrrpd.conf.5", func(t *testing.T) {
		lint(t, renderMan(t, "--section", "5", "--keywords", "../../docs/keywords.md"))
	})
}

func TestManErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"man", "--section", "3"}, "no section 3"},
		{[]string{"man", "--section", "5", "--keywords", "/nonexistent"}, "keyword table"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		if code := run(tt.args, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tt.args, code, errOut.String(), tt.want)
		}
	}
}

// govrrpd(8) says which subcommands govrrpd-ops carries out, and where the
// helpers are looked for.
func TestMan8NamesOpsHelper(t *testing.T) {
	page := strings.NewReplacer(`\-`, "-", `\fB`, "", `\fR`, "", `\fI`, "").Replace(renderMan(t))
	entries := regexp.MustCompile(`(?m)^\.TP\n(govrrpd \S+)[^\n]*\n([^\n]*)`).FindAllStringSubmatch(page, -1)
	seen := map[string]bool{}
	for _, e := range entries {
		verb := strings.TrimPrefix(e[1], "govrrpd ")
		seen[verb] = true
		if got, want := strings.Contains(e[2], "Carried out by govrrpd-ops"), slices.Contains(opsVerbs, verb); got != want {
			t.Errorf("govrrpd(8) entry for %s names govrrpd-ops: %v, want %v:\n%s", verb, got, want, e[2])
		}
	}
	for _, v := range append(opsVerbs, "man", "import-lvs-cf") {
		if !seen[v] {
			t.Errorf("govrrpd(8) has no entry for govrrpd %s", v)
		}
	}
	if !strings.Contains(page, "/usr/libexec/govrrpd/") || !strings.Contains(page, "govrrpd-ops serve") {
		t.Error("govrrpd(8) FILES does not say where the helpers are and when govrrpd-ops runs")
	}
}
