package confparse

import (
	"bufio"
	"io"
	"strings"

	"github.com/govrrpd/govrrpd/check"
)

// Print writes cfg as canonical keepalived.conf: four-space indentation,
// one statement per line, blocks in a fixed order, only settings that
// differ from keepalived's defaults. Reading the output back gives the same
// Config.
func Print(w io.Writer, cfg *Config) error {
	return printAll(&printer{w: bufio.NewWriter(w)}, cfg)
}

// PrintMasked is Print for people and logs (--dump-conf): auth_pass is
// written as the mask auth_hmac keys already get, and warned about if the
// printout is read back as a configuration.
func PrintMasked(w io.Writer, cfg *Config) error {
	return printAll(&printer{w: bufio.NewWriter(w), maskSecrets: true}, cfg)
}

func printAll(p *printer, cfg *Config) error {
	for _, section := range printSections {
		section(p, cfg)
	}
	return p.w.Flush()
}

// printSections are the printers of each subsystem, in output order; each
// subsystem's file appends its own in an init function.
var printSections []func(*printer, *Config)

type printer struct {
	w     *bufio.Writer
	depth int
	// blank asks for an empty line before the next top-level block.
	blank bool
	// explicitTimers writes delay_loop and connect_timeout even where they
	// equal what the block inherits (Printer.ExplicitTimers).
	explicitTimers bool
	// byTarget indexes the checkers of indexed (then holding indexedN
	// checkers) by the real server they probe; see checkersOf.
	byTarget map[check.Target][]int
	indexed  *Config
	indexedN int
	// maskSecrets writes auth_pass as maskedKey (PrintMasked).
	maskSecrets bool
	// vsKey is the Key() of the virtual server being printed
	// (printVSNotes), formatted once for all its real servers and
	// checkers.
	vsKey string
}

// line writes one statement.
func (p *printer) line(words ...string) {
	p.indent()
	p.words(words)
	p.w.WriteByte('\n')
}

// words writes words separated by spaces: the canonical dump's hash
// prints every reload's configuration, 660,000 lines at a large site, so
// no line is built as a string first.
func (p *printer) words(words []string) {
	for i, w := range words {
		if i > 0 {
			p.w.WriteByte(' ')
		}
		p.w.WriteString(w)
	}
}

// open starts a block.
func (p *printer) open(words ...string) {
	if p.depth == 0 && p.blank {
		p.w.WriteByte('\n')
	}
	p.blank = true
	p.indent()
	if len(words) > 0 {
		p.words(words)
		p.w.WriteByte(' ')
	}
	p.w.WriteString("{\n")
	p.depth++
}

// close ends a block.
func (p *printer) close() {
	p.depth--
	p.indent()
	p.w.WriteString("}\n")
}

// comment writes a comment line.
func (p *printer) comment(text string) {
	p.indent()
	p.w.WriteString("# " + text + "\n")
}

func (p *printer) indent() {
	for i := 0; i < p.depth; i++ {
		p.w.WriteString("    ")
	}
}

// quote returns s as a keepalived word: quoted when it holds whitespace or
// characters the tokenizer would take as comment or brace.
func quote(s string) string {
	if s == "" {
		return `""`
	}
	if strings.ContainsAny(s, " \t!#{}\"") {
		return `"` + s + `"`
	}
	return s
}
