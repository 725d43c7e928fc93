package confparse

import (
	"fmt"
	"strings"
)

// keepalived has no notion of an unknown block: it reports the unknown
// keyword, ignores the '{' ("Unexpected '{'"), and reads the body as if it
// were written at the current level; the closing '}' is then one more
// unknown keyword. At the root that is harmless and builds everything in
// the body — a real configuration wraps its virtual_server blocks in
// `group { }` and keepalived runs them — so govrrpd does the same there.

// unknownRootBlock reads n's body at the root, with keepalived's three
// messages.
func unknownRootBlock[T any](a *analyzer, n *Node, tbl table[T], t T, msg string) {
	a.warnf(n.Pos, "%s; keepalived ignores its '{' and reads its body at the top level, and so does govrrpd", msg)
	for _, c := range n.Children {
		dispatch(a, c, tbl, t, "")
	}
	a.warnf(n.End, "unknown keyword '}' (the end of the unknown block '%s' at line %d)", n.Key, n.Pos.Line)
}

// bodyNote says, for an unknown block inside another block, which of its
// statements keepalived would apply to the enclosing block: keepalived
// reads them there, and the unknown block's '}' then closes the enclosing
// block early. govrrpd skips the body instead.
func bodyNote[T any](n *Node, tbl table[T]) string {
	var known []string
	for _, c := range n.Children {
		if _, ok := tbl[c.Key]; ok {
			known = append(known, fmt.Sprintf("'%s' (line %d)", c.Key, c.Pos.Line))
		}
	}
	if len(known) == 0 {
		return ""
	}
	return fmt.Sprintf(" (keepalived would apply %s to the enclosing block and close it at line %d)", strings.Join(known, ", "), n.End.Line)
}
