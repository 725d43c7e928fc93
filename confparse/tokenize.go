package confparse

import (
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
}

// tokenizer turns source lines into Line/Open/Close tokens. A Line token's
// words live in words[Pos.Offset : Pos.Offset+Pos.Column]; the position
// fields are reused as indexes so that a token stays a plain value.
type tokenizer struct {
	toks  []lexer.Token
	words []Word
	buf   []byte

	key    []byte
	shapes map[string]*skel
}

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
// Rules (keepalived lib/parser.c): whitespace separates words; '!' or '#'
// outside double quotes starts a comment; a backslash before '!' or '#'
// outside quotes makes it literal; double quotes group (and are removed),
// and a word that had any quoted part is Quoted so that script keywords can
// tell `"a b"` from `a b`; '{' and '}' outside quotes split the line.
func (z *tokenizer) add(l SourceLine) {
	pos := lexer.Position{Filename: l.Pos.File, Line: l.Pos.Line}
	s := l.Text
	start := len(z.words)
	inWord, quoted, inQuote := false, false, false
	z.buf = z.buf[:0]
	flushWord := func() {
		if inWord {
			z.words = append(z.words, Word{Text: string(z.buf), Quoted: quoted})
			z.buf = z.buf[:0]
			inWord, quoted = false, false
		}
	}
	flushLine := func() {
		flushWord()
		if n := len(z.words) - start; n > 0 {
			p := pos
			p.Offset, p.Column = start, n
			z.toks = append(z.toks, lexer.Token{Type: tokLine, Pos: p})
		}
		start = len(z.words)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inQuote {
			if c == '"' {
				inQuote = false
			} else {
				z.buf = append(z.buf, c)
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n', '\v', '\f':
			flushWord()
		case '!', '#':
			i = len(s)
		case '\\':
			if i+1 < len(s) && (s[i+1] == '!' || s[i+1] == '#') {
				i++
				c = s[i]
			}
			z.buf = append(z.buf, c)
			inWord = true
		case '"':
			inQuote, inWord, quoted = true, true, true
		case '{', '}':
			flushLine()
			t, v := tokOpen, "{"
			if c == '}' {
				t, v = tokClose, "}"
			}
			z.toks = append(z.toks, lexer.Token{Type: t, Value: v, Pos: pos})
		default:
			z.buf = append(z.buf, c)
			inWord = true
		}
	}
	flushLine()
}
