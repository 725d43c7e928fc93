package confparse

// Node is one logical statement of keepalived.conf: a keyword, its
// arguments, and, for a block, the statements inside its braces.
type Node struct {
	Pos      Pos
	Key      string
	Args     []Word
	Block    bool // the statement opened a '{' block (Children may be empty)
	Children []*Node
	End      Pos // position of the closing brace
}

// Word is an argument. Quoted words keep the flag because keepalived's
// script keywords treat `"cmd arg"` (one command line) differently from
// `cmd arg` (command and user).
type Word struct {
	Text   string
	Quoted bool
}

// ArgStrings returns the argument texts.
func (n *Node) ArgStrings() []string {
	out := make([]string, len(n.Args))
	for i, a := range n.Args {
		out[i] = a.Text
	}
	return out
}
