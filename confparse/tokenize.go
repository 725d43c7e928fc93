package confparse

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the stream the grammar reads. keepalived's lexical rule is
// that an unquoted brace splits a physical line, so braces are tokens of
// their own; the words between braces (one logical line) travel as a single
// Line token, which keeps participle's work per line small.
const (
	tokEOF  lexer.TokenType = lexer.EOF
	tokLine lexer.TokenType = iota + 1
	tokOpen
	tokClose
)

// tokenSymbols is a function, not a variable, because participle's grammar
// is built during package initialisation, before variables it cannot see
// through the lexer.Definition interface are set.
func tokenSymbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":   tokEOF,
		"Line":  tokLine,
		"Open":  tokOpen,
		"Close": tokClose,
	}
}

// SourceLine is one line after preprocessing, with the place it came from.
type SourceLine struct {
	Pos  Pos
	Text string
	// split says the line is a lone brace or has no brace outside quotes,
	// as the preprocessor's lines are (emitSplit), so the tokenizer need
	// not look for one again.
	split bool
}

// tokenizer turns source lines into Line/Open/Close tokens. A Line token's
// words live in words[Pos.Offset : Pos.Offset+Pos.Column]; the position
// fields are reused as indexes so that a token stays a plain value.
type tokenizer struct {
	toks  []lexer.Token
	words []Word

	key    []byte
	shapes map[string]*skel

	// recycle reuses one statement's node memory for the next (see slab);
	// spare is that memory.
	recycle bool
	spare   nodeSlab

	// restToks and restWords hold what carry keeps across a flush.
	restToks  []lexer.Token
	restWords []Word

	// interned holds the words seen so far; see word.
	interned map[string]string
	recent   [512]string
}

// word returns w as a string of its own, never sharing the line's memory:
// the preprocessor lends the tokenizer plain lines in a buffer it reuses.
// A configuration repeats its words (keywords, numbers, the same few
// addresses), so words are interned and a 660k-line file costs a few
// hundred copies instead of a string per line. The table is bounded so
// that a file of unique words costs a copy each, not an ever-growing map.
func (z *tokenizer) word(w string) string {
	// A direct-mapped cache in front of the table: most words repeat the
	// word seen last at the same place, and a hit costs a comparison
	// instead of a map lookup.
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint32(w[i])) * 16777619
	}
	slot := &z.recent[h%uint32(len(z.recent))]
	if *slot == w {
		return *slot
	}
	if v, ok := z.interned[w]; ok {
		*slot = v
		return v
	}
	v := strings.Clone(w)
	*slot = v
	if len(w) <= maxInternLen && len(z.interned) < maxInterned {
		if z.interned == nil {
			z.interned = make(map[string]string, 256)
		}
		z.interned[v] = v
	}
	return v
}

// Bounds of the word table: long words are rarely repeated, and the
// table's size is bounded whatever the file.
const (
	maxInternLen = 64
	maxInterned  = 1 << 14
)

func (z *tokenizer) reset() {
	z.toks = z.toks[:0]
	z.words = z.words[:0]
}

// lineWords returns the words of a Line token.
func (z *tokenizer) lineWords(t lexer.Token) []Word {
	return z.words[t.Pos.Offset : t.Pos.Offset+t.Pos.Column]
}

// add tokenizes one source line.
//
// Rules (keepalived 2.2.7 lib/parser.c, after the preprocessor has removed
// comments): the line is cut at each '{' or '}' outside double quotes,
// where a quote runs to the next '"' whatever precedes it; between braces,
// white space separates words, a word starting with '"' runs to the next
// '"' (quotes removed, Quoted set) and any other word runs to white space
// or a '"', so `ab"c d"` is two words; a quote left open drops the rest of
// the line (keepalived: "Unmatched quote"). Backslashes and single quotes
// are ordinary characters, except on the lines of script keywords, which
// keepalived reads again with quotes and escapes: see scriptLineWords.
func (z *tokenizer) add(l SourceLine) {
	pos := lexer.Position{Filename: l.Pos.File, Line: l.Pos.Line}
	s := l.Text
	if l.split && s != "{" && s != "}" {
		z.addWords(s, pos)
		return
	}
	for s != "" {
		i := firstBrace(s)
		if i < 0 {
			z.addWords(s, pos)
			return
		}
		z.addWords(s[:i], pos)
		t, v := tokOpen, "{"
		if s[i] == '}' {
			t, v = tokClose, "}"
		}
		z.toks = append(z.toks, lexer.Token{Type: t, Value: v, Pos: pos})
		s = s[i+1:]
	}
}

// addWords adds the words of one brace-free piece as a Line token.
func (z *tokenizer) addWords(s string, pos lexer.Position) {
	start, piece := len(z.words), s
	for {
		for s != "" && isCSpace(s[0]) {
			s = s[1:]
		}
		if s == "" {
			break
		}
		if s[0] == '"' {
			j := strings.IndexByte(s[1:], '"')
			if j < 0 {
				break
			}
			z.words = append(z.words, Word{Text: z.word(s[1 : j+1]), Quoted: true})
			s = s[j+2:]
			continue
		}
		j := 0
		for j < len(s) && s[j] != '"' && !isCSpace(s[j]) {
			j++
		}
		z.words = append(z.words, Word{Text: z.word(s[:j])})
		s = s[j:]
	}
	n := len(z.words) - start
	if n == 0 {
		return
	}
	if scriptKeyword(z.words[start].Text) {
		z.words = append(z.words[:start], scriptLineWords(piece)...)
		n = len(z.words) - start
		for i := start; i < len(z.words); i++ {
			z.words[i].Text = z.word(z.words[i].Text)
		}
	}
	p := pos
	p.Offset, p.Column = start, n
	z.toks = append(z.toks, lexer.Token{Type: tokLine, Pos: p})
}
