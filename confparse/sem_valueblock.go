package confparse

import (
	"fmt"
	"strings"
)

// keepalived reads the list blocks of an instance (track_interface,
// virtual_ipaddress, unicast_peer, ...) with parser.c's alloc_value_block:
// when the keyword's line carries a word that is not '{', it reports
// "Block X has extra parameters", ignores those words, and takes the block
// as opened anyway, so every following line up to the first one ending in
// '}' becomes an entry of the list. `track_interface eth0` on one line
// thus swallows the next statements, an `authentication { }` block
// included, and that instance runs without the authentication the file
// seems to set. govrrpd reads the file the same way, so that it keeps
// talking to the keepalived peer that shares it, and says at FILE:LINE
// exactly what keepalived makes of those lines.

// instValueBlocks are the vrrp_instance keywords keepalived reads with
// alloc_value_block.
var instValueBlocks = map[string]bool{
	"track_interface": true, "track_script": true, "track_file": true, "track_process": true, "track_bfd": true,
	"unicast_peer": true, "virtual_ipaddress": true, "virtual_ipaddress_excluded": true,
	"virtual_routes": true, "virtual_rules": true,
}

// openValueBlocks returns kids as keepalived's parser groups them: a list
// keyword written with words and no '{' gets the following statements as
// its entries.
func (a *analyzer) openValueBlocks(kids []*Node, blocks map[string]bool) []*Node {
	var out []*Node
	for i := 0; i < len(kids); i++ {
		k := kids[i]
		if k.Block || !blocks[k.Key] || len(k.Args) == 0 {
			out = append(out, k)
			continue
		}
		open := &Node{Pos: k.Pos, Key: k.Key, Block: true}
		var swallowed []string
		ended := false
		j := i + 1
		for ; j < len(kids) && !ended; j++ {
			swallowed = append(swallowed, kids[j].Key)
			open.Children, ended = valueEntries(kids[j], open.Children)
		}
		a.warnf(k.Pos, "%s", valueBlockMsg(k, kids[i+1:j], swallowed, ended))
		out = append(out, open)
		i = j - 1
	}
	return out
}

// valueEntries appends the lines of n as list entries, as keepalived reads
// them line by line; ended reports the '}' that closes the list.
func valueEntries(n *Node, dst []*Node) ([]*Node, bool) {
	e := &Node{Pos: n.Pos, Key: n.Key, Args: n.Args}
	if n.Block {
		e.Args = append(append([]Word(nil), n.Args...), Word{Text: "{"})
	}
	dst = append(dst, e)
	if !n.Block {
		return dst, false
	}
	for _, c := range n.Children {
		var ended bool
		if dst, ended = valueEntries(c, dst); ended {
			return dst, true
		}
	}
	return dst, true // n's own closing brace
}

func valueBlockMsg(k *Node, taken []*Node, keys []string, ended bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Block %s has extra parameters %s ...: keepalived ignores '%s' and reads %s as an opened block",
		k.Key, k.Args[0].Text, strings.Join(k.ArgStrings(), " "), k.Key)
	if len(taken) == 0 {
		b.WriteString(", closed by the enclosing block's '}'")
		return b.String()
	}
	last := taken[len(taken)-1]
	end := last.Pos.Line
	if last.Block {
		end = last.End.Line
	}
	fmt.Fprintf(&b, "; lines %d-%d (%s) become its entries and do not apply as written", taken[0].Pos.Line, end, strings.Join(keys, ", "))
	if !ended {
		b.WriteString(", and the enclosing block's '}' closes it, so keepalived reads what follows inside this block")
	}
	b.WriteString("; govrrpd reads them the same way")
	return b.String()
}
