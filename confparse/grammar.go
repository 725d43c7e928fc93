package confparse

import (
	"fmt"
	"io"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// gStmt is the participle grammar of one statement. The whole language is
// this one recursive production: a logical line of words, then optionally a
// braced body; the keyword tables of the semantic pass give the words their
// meaning.
type gStmt struct {
	Line  lexer.Token `parser:"@Line"`
	Open  bool        `parser:"( @Open"`
	Body  []*gStmt    `parser:"  @@*"`
	Close lexer.Token `parser:"  @Close )?"`
}

// lexerDef tells participle the token types; the tokens themselves come
// from the tokenizer, never from participle's own lexing.
type lexerDef struct{}

func (lexerDef) Symbols() map[string]lexer.TokenType { return tokenSymbols() }

func (lexerDef) Lex(string, io.Reader) (lexer.Lexer, error) {
	return nil, fmt.Errorf("confparse: the grammar reads pre-split tokens only")
}

var stmtParser = participle.MustBuild[gStmt](participle.Lexer(lexerDef{}))

// sliceLexer feeds a prepared token slice to participle.
type sliceLexer struct {
	toks []lexer.Token
	i    int
}

func (s *sliceLexer) Next() (lexer.Token, error) {
	if s.i >= len(s.toks) {
		var p lexer.Position
		if len(s.toks) > 0 {
			p = s.toks[len(s.toks)-1].Pos
		}
		return lexer.EOFToken(p), nil
	}
	t := s.toks[s.i]
	s.i++
	return t, nil
}

// skel is a parsed statement with tokens named by index, so that one parse
// serves every statement with the same sequence of token types.
type skel struct {
	line     int
	block    bool
	close    int
	children []*skel
	count    int // statements in this subtree, itself included
}

// parseStatement runs the grammar over the tokens of one top-level
// statement.
//
// The tree the grammar builds depends only on the sequence of token types
// (Line, Open, Close), never on the words, so participle parses each
// distinct shape once and the result is reused: a file of ten thousand
// virtual_server blocks of one shape costs one grammar run, not ten
// thousand.
func (z *tokenizer) parseStatement() (*Node, error) {
	key := z.shapeKey()
	sk, ok := z.shapes[string(key)]
	if !ok {
		var err error
		if sk, err = z.parseShape(); err != nil {
			return nil, err
		}
		if z.shapes == nil {
			z.shapes = map[string]*skel{}
		}
		if len(z.shapes) < maxShapes {
			z.shapes[string(key)] = sk
		}
	}
	args := 0
	for _, t := range z.toks {
		if t.Type == tokLine {
			args += t.Pos.Column - 1 // the first word is the key
		}
	}
	sl := z.slab(sk.count, args)
	return z.node(sk, &sl), nil
}

// nodeSlab holds the memory of one top-level statement's tree, allocated
// at once: a file of 660k lines made 1.3 million small allocations of
// nodes and argument lists otherwise. A node that outlives the semantic
// pass keeps its statement's slab alive, so handlers remember positions,
// not nodes.
type nodeSlab struct {
	nodes []Node
	ptrs  []*Node
	words []Word
}

// slab returns memory for a statement of count nodes and args arguments.
// When the tokenizer recycles, the previous statement's memory is cleared
// and handed out again: the semantic pass is done with a statement when
// the next one is parsed, and reusing one warm slab instead of allocating
// 78 MB of trees that die at once took a fifth of -t's page faults and
// most of its garbage on 660k lines.
func (z *tokenizer) slab(count, args int) nodeSlab {
	if !z.recycle {
		return nodeSlab{nodes: make([]Node, count), ptrs: make([]*Node, count-1), words: make([]Word, args)}
	}
	sp := &z.spare
	if cap(sp.nodes) < count {
		sp.nodes = make([]Node, count+count/4)
		sp.ptrs = make([]*Node, count+count/4)
	}
	if cap(sp.words) < args {
		sp.words = make([]Word, args+args/4)
	}
	sl := nodeSlab{nodes: sp.nodes[:count], ptrs: sp.ptrs[:count-1], words: sp.words[:args]}
	clear(sl.nodes)
	return sl
}

// release ends the semantic pass's use of the statement just handed out.
// With poisonSlabs set (tests only), recycled memory is overwritten at
// once, so that a handler keeping a node past its statement reads junk
// and a comparison with a non-recycling load shows it.
func (z *tokenizer) release() {
	if !z.recycle || !poisonSlabs {
		return
	}
	junk := Node{Pos: Pos{File: "poisoned", Line: -1}, Key: "poisoned", Block: true}
	for i := range z.spare.nodes[:cap(z.spare.nodes)] {
		z.spare.nodes[i] = junk
	}
	for i := range z.spare.ptrs[:cap(z.spare.ptrs)] {
		z.spare.ptrs[i] = &junk
	}
	for i := range z.spare.words[:cap(z.spare.words)] {
		z.spare.words[i] = Word{Text: "poisoned"}
	}
}

// poisonSlabs is set by tests; see release.
var poisonSlabs bool

// maxShapes bounds the shape cache so that a hostile file of endlessly
// different shapes costs time, not memory.
const maxShapes = 4096

func (z *tokenizer) shapeKey() []byte {
	z.key = z.key[:0]
	for _, t := range z.toks {
		z.key = append(z.key, byte(t.Type))
	}
	return z.key
}

// parseShape runs participle over a copy of the tokens whose offsets are
// their indexes, and keeps the indexes.
func (z *tokenizer) parseShape() (*skel, error) {
	idx := make([]lexer.Token, len(z.toks))
	for i, t := range z.toks {
		t.Pos.Offset = i
		idx[i] = t
	}
	peek, err := lexer.Upgrade(&sliceLexer{toks: idx})
	if err != nil {
		return nil, err
	}
	g, err := stmtParser.ParseFromLexer(peek)
	if err != nil {
		return nil, err
	}
	if peek.Peek().Type != lexer.EOF {
		return nil, fmt.Errorf("unexpected %q", peek.Peek().Value)
	}
	return toSkel(g), nil
}

func toSkel(g *gStmt) *skel {
	s := &skel{line: g.Line.Pos.Offset, block: g.Open, count: 1}
	if g.Open {
		s.close = g.Close.Pos.Offset
		s.children = make([]*skel, len(g.Body))
		for i, c := range g.Body {
			s.children[i] = toSkel(c)
			s.count += s.children[i].count
		}
	}
	return s
}

func toPos(p lexer.Position) Pos { return Pos{File: p.Filename, Line: p.Line} }

// node builds the tree of s from sl, taking from the front of each of its
// slices. Slices handed out are capped, so a handler appending to Args or
// Children copies instead of writing over a neighbour.
func (z *tokenizer) node(s *skel, sl *nodeSlab) *Node {
	lt := z.toks[s.line]
	ws := z.lineWords(lt)
	n := &sl.nodes[0]
	sl.nodes = sl.nodes[1:]
	n.Pos, n.Key = toPos(lt.Pos), ws[0].Text
	if k := len(ws) - 1; k > 0 {
		n.Args = sl.words[:k:k]
		copy(n.Args, ws[1:])
		sl.words = sl.words[k:]
	}
	if s.block {
		n.Block = true
		k := len(s.children)
		n.Children = sl.ptrs[:k:k]
		sl.ptrs = sl.ptrs[k:]
		for i, c := range s.children {
			n.Children[i] = z.node(c, sl)
		}
		n.End = toPos(z.toks[s.close].Pos)
	}
	return n
}
