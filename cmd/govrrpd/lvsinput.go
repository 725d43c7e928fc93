package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/govrrpd/govrrpd/confparse/lvscf"
)

func init() {
	subcommands["import-lvs-cf"] = importLVSCF
}

// lvscfInput lets `govrrpd -f /etc/sysconfig/ha/lvs.cf` run a Piranha
// configuration directly: when the file's content is lvs.cf, it is
// converted in memory (node chosen as pulse did) to a keepalived.conf in a
// private temporary file, and the conversion's diagnostics are printed
// naming the lvs.cf line. It returns the path to load and a cleanup.
func lvscfInput(path string, stderr io.Writer) (string, func(), error) {
	data, err := os.ReadFile(path)
	if err != nil || !mayBeLVSCF(data) || !lvscf.Detect(data) {
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

// mayBeLVSCF is false for data that lvscf.Detect would not take for
// lvs.cf, decided without the importer. Detect decides on the first line
// with words, and says lvs.cf only when that line holds a "=" (a global
// `key = value`) or opens a virtual or failover block; a keepalived.conf
// starts with a comment, a block name and "{", or an include. Every start
// reads its configuration through here, and Detect builds the lvs.cf key
// tables and maps the importer's code into the daemon's memory for good
// (docs/scale.md, "Session 7: the binary's resident pages").
// FuzzMayBeLVSCF holds it to Detect.
func mayBeLVSCF(data []byte) bool {
	// Lines end at '\r' or '\n' as Detect cuts them; empty ones have no
	// words either way.
	for line := range bytes.FieldsFuncSeq(data, func(r rune) bool { return r == '\r' || r == '\n' }) {
		// lvs.cf's blanks are spaces and tabs; a line that is blank or
		// a # comment has no words and Detect reads on.
		w := bytes.TrimLeft(line, " \t")
		if len(w) == 0 || w[0] == '#' {
			continue
		}
		first := firstWord(w)
		return bytes.IndexByte(line, '=') >= 0 || string(first) == "virtual" || string(first) == "failover"
	}
	return false
}

// firstWord is the word w starts with, as lvs.cf's lexer reads it: up to
// a blank, or between quotes ("" when the quote is not closed).
func firstWord(w []byte) []byte {
	if q := w[0]; q == '"' || q == '\'' {
		if end := bytes.IndexByte(w[1:], q); end >= 0 {
			return w[1 : 1+end]
		}
		return nil
	}
	if i := bytes.IndexAny(w, " \t"); i >= 0 {
		return w[:i]
	}
	return w
}
