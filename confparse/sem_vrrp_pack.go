package confparse

import (
	"strings"

	"github.com/govrrpd/govrrpd/vrrp"
)

// packInstanceStrings copies the instances' names and interface names into
// one string, each distinct one once. The tokenizer allocated each word on
// its own among the parse's garbage, and a small string that stays keeps
// its span of the heap resident once that garbage is collected: at 4,080
// instances, two live strings an instance scattered over spans otherwise
// empty (issue #12, the heap's slack).
func packInstanceStrings(insts []vrrp.Instance) {
	at := make(map[string]int, len(insts)+1) // each string's offset in the buffer
	n := 0
	for i := range insts {
		for _, s := range [...]string{insts[i].Name, insts[i].Interface} {
			if _, ok := at[s]; !ok {
				at[s] = n
				n += len(s)
			}
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i := range insts {
		for _, s := range [...]string{insts[i].Name, insts[i].Interface} {
			if at[s] == b.Len() { // first seen: offsets grow in this order
				b.WriteString(s)
			}
		}
	}
	all := b.String()
	for i := range insts {
		in := &insts[i]
		in.Name = all[at[in.Name] : at[in.Name]+len(in.Name)]
		in.Interface = all[at[in.Interface] : at[in.Interface]+len(in.Interface)]
	}
}
