package lvscf

import (
	"strings"

	"github.com/govrrpd/govrrpd/script"
)

// Health-check programs in keepalived script syntax, exactly as they appear
// inside the double-quoted misc_path/script string (the \" are part of the
// text: keepalived's second pass turns them into quotes). probeProg copies
// nanny's send/expect probe with bash's /dev/tcp and /dev/udp: one read of
// up to 254 bytes, "*" accepts any reply, plain mode is a prefix match,
// regex mode a POSIX ERE in the C locale.
const (
	probeHead = `LC_ALL=C;`
	probeBody = `exec 3<>/dev/$1/$2/$3||exit 1;[ -z \"$4\" ]||printf %s \"$4\" >&3||exit 1;` +
		`[ -n \"$5\" ]||[ $1 = udp ]||exit 0;r=$(dd bs=254 count=1 2>/dev/null <&3;echo .);r=${r%.};` +
		`case $5 in \"*\")exit 0;;\"\")[ -n \"$r\" ];;*)if [ $6 = 1 ];then [[ $r =~ $5 ]];` +
		`else [[ $r == \"$5\"* ]];fi;;esac`
	probeProg = probeHead + probeBody
	// fosGuard makes the check pass on the node that does not hold the VIP:
	// only the active node can probe its own services.
	fosGuard     = `[ -n \"$(/sbin/ip -o addr show to $2/32)\" ]||exit 0;`
	fosProbeProg = probeHead + fosGuard + probeBody
	// programProg passes when the program's output equals $0 (nanny
	// compared send_program's output with expect).
	programProg    = `[ \"$(\"$@\")\" = \"$0\" ]`
	fosProgramProg = `[ -n \"$(/sbin/ip -o addr show to $1/32)\" ]||exit 0;shift;` + programProg
	// fosProgramNoExpect runs the program for its exit status.
	fosProgramNoExpect = `[ -n \"$(/sbin/ip -o addr show to $1/32)\" ]||exit 0;shift;exec \"$@\"`
	// loopProg runs each argument as a command, word-split like fos did,
	// without globbing.
	loopProg = `set -f;for c;do $c;done`
)

// arg is one script argument as written (raw) and as the program gets it.
type arg struct{ raw, val string }

// bare is a word that needs no quoting.
func bare(s string) arg { return arg{s, s} }

// quoted is any byte string as a single-quoted keepalived word.
func quoted(s string) arg { return arg{scriptWord(s), s} }

// word is quoted only when it must be.
func word(s string) arg { return arg{commandWord(s), s} }

// prog is one of the templates above as a single-quoted shell program.
func prog(raw string) arg {
	return arg{"'" + raw + "'", strings.ReplaceAll(raw, `\"`, `"`)}
}

// spec builds the script.Spec whose Raw is the text between the double
// quotes of the config line and whose Argv is what keepalived executes.
func spec(args ...arg) script.Spec {
	var s script.Spec
	raws := make([]string, len(args))
	for i, a := range args {
		raws[i] = a.raw
		s.Argv = append(s.Argv, a.val)
	}
	s.Raw = strings.Join(raws, " ")
	return s
}

// commandSpec turns a command string that Piranha split on spaces into a
// script with readable words.
func commandSpec(cmd string) script.Spec {
	var args []arg
	for _, w := range splitSpaces(cmd) {
		args = append(args, word(w))
	}
	return spec(args...)
}

// commandsSpec is one command as is, or several run in order by a loop.
func commandsSpec(cmds []string) script.Spec {
	if len(cmds) == 1 {
		return commandSpec(cmds[0])
	}
	args := []arg{bare("/bin/sh"), bare("-c"), prog(loopProg), bare("fos")}
	for _, c := range cmds {
		args = append(args, quoted(strings.Join(splitSpaces(c), " ")))
	}
	return spec(args...)
}
