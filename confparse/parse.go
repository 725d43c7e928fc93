package confparse

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
)

// Options are the command-line settings that change how a file reads.
type Options struct {
	// ConfigID selects @ID conditional lines (keepalived -i); empty means
	// the short host name.
	ConfigID string
	// AllConfig makes a missing include file fatal (keepalived -e).
	AllConfig bool
	// CheckInterfaces makes the semantic pass verify that every named
	// interface exists, as keepalived -t does.
	CheckInterfaces bool
	// InterfaceExists answers that check; nil uses the host's interfaces.
	InterfaceExists func(name string) bool
	// ElsewhereScripts skips keepalived's resolution of scripts on this
	// host (found, executable, safe path), for reading a file written for
	// another machine, such as an lvs.cf conversion read back in a test.
	ElsewhereScripts bool
	// InNamespace says the process already runs in the configuration's
	// net_namespace (entered for -t), so its existence is not in question.
	InNamespace bool

	inputs *Inputs // where LoadInputs records what the load read
}

// walk preprocesses and tokenizes path and calls fn with each top-level
// statement as soon as its closing brace is read, so memory holds one
// top-level block at a time however large the file is. With recycle, a
// statement's nodes are valid only until fn returns: their memory carries
// the next statement.
func walk(path string, opts Options, recycle bool, fn func(*Node)) Diagnostics {
	return walkSpans(path, opts, recycle, func(n *Node, _ int) { fn(n) })
}

// walkSpans is walk telling fn the line of each statement's last token
// as well, so that a load can record where every statement ends
// (incremental.go).
func walkSpans(path string, opts Options, recycle bool, fn func(n *Node, last int)) Diagnostics {
	var (
		diags Diagnostics
		z     = tokenizer{recycle: recycle}
		depth int
		done  int // tokens of z.toks already examined
	)
	flush := func() {
		if len(z.toks) == 0 {
			return
		}
		n, err := z.parseStatement()
		if err != nil {
			diags = append(diags, Diagnostic{Pos: toPos(z.toks[0].Pos), Severity: Warning,
				Msg: fmt.Sprintf("cannot parse statement: %v", err)})
		} else {
			fn(n, z.toks[len(z.toks)-1].Pos.Line)
			z.release()
		}
		z.reset()
		done = 0
	}
	diags = append(diags, preprocess(path, opts, func(l SourceLine) {
		z.add(l)
		// Examine the new tokens: a depth-0 statement is complete when the
		// next token is another Line (not the '{' of a block whose brace sits
		// on the following line).
		for i := done; i < len(z.toks); i++ {
			t := z.toks[i]
			switch t.Type {
			case tokOpen:
				if i == 0 || (depth == 0 && z.toks[i-1].Type != tokLine) {
					diags = append(diags, Diagnostic{Pos: toPos(t.Pos), Severity: Warning, Msg: "unexpected '{' - ignoring"})
					z.toks = append(z.toks[:i], z.toks[i+1:]...)
					i--
					continue
				}
				depth++
			case tokClose:
				if depth == 0 {
					diags = append(diags, Diagnostic{Pos: toPos(t.Pos), Severity: Warning, Msg: "unexpected '}' - ignoring"})
					z.toks = append(z.toks[:i], z.toks[i+1:]...)
					i--
					continue
				}
				depth--
			case tokLine:
				if depth == 0 && i > 0 {
					// z.toks[:i] is a complete statement; what follows
					// on this source line starts the next one.
					z.carry(i, flush)
					i = -1
				}
			}
		}
		done = len(z.toks)
	})...)
	if depth > 0 && len(z.toks) > 0 {
		diags = append(diags, Diagnostic{Pos: toPos(z.toks[0].Pos), Severity: Warning,
			Msg: "block is not closed before end of file"})
		for ; depth > 0; depth-- {
			z.toks = append(z.toks, lexer.Token{Type: tokClose, Value: "}", Pos: z.toks[len(z.toks)-1].Pos})
		}
	}
	flush()
	return diags
}

// ParseTree reads path into its statement tree without the semantic pass.
func ParseTree(path string, opts Options) ([]*Node, Diagnostics) {
	var nodes []*Node
	diags := walk(path, opts, false, func(n *Node) { nodes = append(nodes, n) })
	return nodes, diags
}

// carry runs flush on the first i tokens and keeps the rest, rebasing the
// kept Line tokens onto a fresh word table. The kept tokens wait in
// buffers of the tokenizer's own: this runs once per top-level statement,
// and fresh copies were a tenth of what was left to allocate.
func (z *tokenizer) carry(i int, flush func()) {
	base := z.toks[i].Pos.Offset
	z.restToks = append(z.restToks[:0], z.toks[i:]...)
	z.restWords = append(z.restWords[:0], z.words[base:]...)
	z.toks = z.toks[:i]
	z.words = z.words[:base]
	flush()
	for _, t := range z.restToks {
		if t.Type == tokLine {
			t.Pos.Offset -= base
		}
		z.toks = append(z.toks, t)
	}
	z.words = append(z.words, z.restWords...)
}
