package confparse

import (
	"strings"
	"testing"
)

// seqRow is one ~SEQ/~LST line: the lines it expands to and every
// diagnostic it gives, in order (all warnings: keepalived reports them and
// reads on).
type seqRow struct {
	name, in string
	lines    []string
	diags    []string
}

func runSeqRows(t *testing.T, rows []seqRow) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			got, diags := preLines(t, map[string]string{"main.conf": r.in}, Options{})
			if strings.Join(got, "\n") != strings.Join(r.lines, "\n") {
				t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(r.lines, "\n"))
			}
			var msgs []string
			for _, d := range diags {
				if d.Severity != Warning || d.Pos.Line != 1 {
					t.Errorf("diagnostic %v: want a warning at line 1", d)
				}
				msgs = append(msgs, d.Msg)
			}
			if strings.Join(msgs, "\n") != strings.Join(r.diags, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(r.diags, "\n"))
			}
		})
	}
}

// The shapes of a ~SEQ line keepalived's check_seq accepts, and the
// messages of those it refuses; a refused line expands to nothing.
func TestSeqForms(t *testing.T) {
	inv := func(l string) []string {
		return []string{"Invalid ~SEQ definition '" + l + "'", "Invalid ~SEQ specification '" + l + "'"}
	}
	runSeqRows(t, []seqRow{
		{"spaces everywhere", "~SEQ ( i , 1 , 2 ) s$i\n", []string{"1: s1", "1: s2"}, nil},
		{"text glued to the parenthesis", "~SEQ(i,2)s$i\n", []string{"1: s1", "1: s2"}, nil},
		{"hex with spaces", "~SEQx ( i , 14 , 16 ) h$i\n", []string{"1: he", "1: hf", "1: h10"}, nil},
		{"negative step", "~SEQ(i,5,-2,0) s$i\n", []string{"1: s5", "1: s3", "1: s1"}, nil},
		{"one value at its end", "~SEQ(i,3,3) s$i\n", []string{"1: s3"}, nil},
		{"step past the end", "~SEQ(i,1,10,5) s$i\n", []string{"1: s1"}, nil},
		{"near the top of int64", "~SEQ(i,9223372036854775806,9223372036854775807) s$i\n",
			[]string{"1: s9223372036854775806", "1: s9223372036854775807"}, nil},
		{"near the bottom of int64", "~SEQ(i,-9223372036854775807,-1,-9223372036854775808) s$i\n",
			[]string{"1: s-9223372036854775807", "1: s-9223372036854775808"}, nil},
		{"no parenthesis", "~SEQ i,2 x\n", nil, []string{"Invalid ~SEQ specification '~SEQ i,2 x'"}},
		{"nothing after the name", "~SEQ(i) x\n", nil, inv("~SEQ(i) x")},
		{"no name", "~SEQ(,2) x\n", nil, inv("~SEQ(,2) x")},
		{"no closing parenthesis", "~SEQ(i,2 x\n", nil, inv("~SEQ(i,2 x")},
		{"four numbers", "~SEQ(i,1,2,3,4) x\n", nil, inv("~SEQ(i,1,2,3,4) x")},
		{"a word for a number", "~SEQ(i,two) x\n", nil, inv("~SEQ(i,two) x")},
		{"zero step", "~SEQ(i,1,0,5) x\n", nil,
			[]string{"Invalid ~SEQ values '~SEQ(i,1,0,5) x'", "Invalid ~SEQ specification '~SEQ(i,1,0,5) x'"}},
		{"step away from the end", "~SEQ(i,5,1,1) x\n", nil,
			[]string{"Invalid ~SEQ values '~SEQ(i,5,1,1) x'", "Invalid ~SEQ specification '~SEQ(i,5,1,1) x'"}},
		{"hex below zero", "~SEQx(i,-1,1) x\n", nil, []string{"~SEQx is only valid for positive numbers '~SEQx(i,-1,1) x'",
			"Invalid ~SEQ specification '~SEQx(i,-1,1) x'"}},
		{"parameters too long", "~SEQ(i,100000000000000000000,100000000000000000000,100000000000000000000) x\n", nil,
			[]string{"~SEQ parameter strings too long '~SEQ(i,100000000000000000000,100000000000000000000,100000000000000000000) x'",
				"Invalid ~SEQ specification '~SEQ(i,100000000000000000000,100000000000000000000,100000000000000000000) x'"}},
	})
}

// ~LST lines: one variable or a {list}, bare values or {sets}; a set
// shorter than the variables leaves the rest empty.
func TestLstForms(t *testing.T) {
	inv := func(l string) []string { return []string{"Invalid ~LST specification '" + l + "'"} }
	runSeqRows(t, []seqRow{
		{"spaces everywhere", "~LST ( v , a , b ) l$v\n", []string{"1: la", "1: lb"}, nil},
		{"one value", "~LST(v,a) l$v\n", []string{"1: la"}, nil},
		{"braced sets with spaces", "~LST( { p , q } , { 1 , 2 } , { 3 , 4 } ) ${p}-${q}\n", []string{"1: 1-2", "1: 3-4"}, nil},
		{"a bare value for two variables", "~LST({p,q},7,{8,9}) ${p}-${q}\n", []string{"1: 7-", "1: 8-9"}, nil},
		{"three variables, short sets", "~LST({a,b,c},{1},{1,2}) [${a}][${b}][${c}]\n", []string{"1: [1][][]", "1: [1][2][]"}, nil},
		{"empty value", "~LST(v,,b) [${v}]\n", []string{"1: []", "1: [b]"}, nil},
		// keepalived's find_definition: an unbraced name ends only at a
		// blank, ',', ')' or the line's end; anything else leaves it as text.
		{"unbraced name before other text", "~LST(v,a) $v- [$v] $v,$v\n", []string{"1: $v- [$v] a,a"}, nil},
		{"no parenthesis", "~LST v,a x\n", nil, inv("~LST v,a x")},
		{"no values", "~LST(v) x\n", nil, inv("~LST(v) x")},
		{"no closing parenthesis", "~LST(v,a,b x\n", nil, inv("~LST(v,a,b x")},
		{"unclosed variable list", "~LST({a,b x\n", nil, inv("~LST({a,b x")},
		{"unclosed set", "~LST({a,b},{1,2 x\n", nil, inv("~LST({a,b},{1,2 x")},
		{"too many values in a set", "~LST({a,b},{1,2,3}) x\n", nil,
			[]string{"~LST specification has too many values '~LST({a,b},{1,2,3}) x'", "Invalid ~LST specification '~LST({a,b},{1,2,3}) x'"}},
	})
}
