package console

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// objectKeys are the settings the per-object forms change, Piranha's
// tabs (virtual server, real server, checker, instance and its VIPs): the
// block's kind → the keywords its form offers. vipKey adds an address to
// the instance's virtual_ipaddress block instead of setting a keyword.
func objectKeys(kind string) []string {
	switch kind {
	case "vrrp_instance":
		return []string{"priority", "advert_int", vipKey}
	case "virtual_server":
		return []string{"delay_loop", "lb_algo", "persistence_timeout"}
	case "real_server":
		return []string{"weight"}
	case "checker":
		return []string{"connect_timeout", "retry", "delay_before_retry"}
	}
	return nil
}

const vipKey = "virtual_ipaddress"

// formValue is what a form may write: one word of a keepalived.conf
// value (a number, an address, a scheduler's name), never a block, a
// comment or a second keyword. What it means is checked as -t checks it.
var formValue = lazy[*regexp.Regexp]{build: func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,64}$`) }}

// setInBlock sets keyword to value in the block that starts on line
// (1-based) of text, replacing its own line (not a nested block's) or
// adding one after the opening brace.
func setInBlock(text string, line int, keyword, value string) (string, error) {
	lines, open, end, err := blockAt(text, line)
	if err != nil {
		return "", err
	}
	if i, ok := findAtTop(lines, open, end, keyword); ok {
		lines[i] = lines[i][:strings.Index(lines[i], keyword)] + keyword + " " + value
	} else {
		lines = slices.Insert(lines, open+1, indentOf(lines[open])+"    "+keyword+" "+value)
	}
	return strings.Join(lines, "\n"), nil
}

// addToSubBlock adds a line holding value to the sub block (a
// virtual_ipaddress) of the block that starts on line, creating the sub
// block when there is none.
func addToSubBlock(text string, line int, sub, value string) (string, error) {
	lines, open, end, err := blockAt(text, line)
	if err != nil {
		return "", err
	}
	i, ok := findAtTop(lines, open, end, sub)
	if !ok {
		in := indentOf(lines[open]) + "    "
		lines = slices.Insert(lines, open+1, in+sub+" {", in+"    "+value, in+"}")
		return strings.Join(lines, "\n"), nil
	}
	sopen, send, err := blockSpan(lines, i)
	if err != nil {
		return "", err
	}
	if sopen == send {
		return "", fmt.Errorf("%s on line %d opens and closes on one line: edit it as text", sub, i+1)
	}
	lines = slices.Insert(lines, send, indentOf(lines[sopen])+"    "+value)
	return strings.Join(lines, "\n"), nil
}

// blockAt splits text into lines and finds the block that starts on
// line (1-based).
func blockAt(text string, line int) (lines []string, open, end int, err error) {
	lines = strings.Split(text, "\n")
	if line < 1 || line > len(lines) {
		return nil, 0, 0, fmt.Errorf("line %d is not in the file", line)
	}
	open, end, err = blockSpan(lines, line-1)
	return lines, open, end, err
}

// blockSpan is the block whose header is lines[start]: the index of the
// line with its '{' (that line or one alone on the next) and of the line
// with the matching '}'.
func blockSpan(lines []string, start int) (open, end int, err error) {
	depth, open := 0, -1
	for i := start; i < len(lines); i++ {
		code := strings.TrimSpace(codeOf(lines[i]))
		if open < 0 && i > start && code != "" && !strings.HasPrefix(code, "{") {
			break
		}
		if open < 0 && strings.Contains(code, "{") {
			open = i
		}
		depth += strings.Count(code, "{") - strings.Count(code, "}")
		if open >= 0 && depth <= 0 {
			return open, i, nil
		}
	}
	if open < 0 {
		return 0, 0, fmt.Errorf("no block opens at line %d", start+1)
	}
	return 0, 0, fmt.Errorf("the block at line %d never closes", start+1)
}

// findAtTop is the line of the block open..end, at the block's own level
// (not a nested block's), whose first word is keyword.
func findAtTop(lines []string, open, end int, keyword string) (int, bool) {
	depth := 0
	for i := open; i < end; i++ {
		code := codeOf(lines[i])
		if f := strings.Fields(code); i > open && depth == 1 && len(f) > 0 && f[0] == keyword {
			return i, true
		}
		depth += strings.Count(code, "{") - strings.Count(code, "}")
	}
	return 0, false
}

// codeOf is a line without its comment ('#' or '!').
func codeOf(l string) string {
	code, _, _ := strings.Cut(l, "#")
	code, _, _ = strings.Cut(code, "!")
	return code
}

func indentOf(l string) string { return l[:len(l)-len(strings.TrimLeft(l, " \t"))] }

// objectSet is a per-object form's submission: the change is made to the
// file's text and then checked and planned exactly like a text edit; the
// user applies it from the edit page.
func (c *Console) objectSet(w http.ResponseWriter, r *http.Request) {
	if !c.o.AllowEdit {
		c.fail(w, r, http.StatusForbidden, "configuration editing is off: start govrrpd with --http-allow-edit")
		return
	}
	at := r.PostFormValue("at")
	i := strings.LastIndexByte(at, ':')
	file, ok := c.editable(at[:max(i, 0)])
	line, err := strconv.Atoi(at[i+1:])
	kind, keyword, value := r.PostFormValue("kind"), r.PostFormValue("key"), strings.TrimSpace(r.PostFormValue("value"))
	switch {
	case !ok || err != nil:
		c.fail(w, r, http.StatusNotFound, "not an object of the running configuration: "+at)
		return
	case !slices.Contains(objectKeys(kind), keyword):
		c.fail(w, r, http.StatusBadRequest, fmt.Sprintf("a %s form sets one of %v, not %q", kind, objectKeys(kind), keyword))
		return
	case !formValue.get().MatchString(value):
		c.fail(w, r, http.StatusBadRequest, fmt.Sprintf("%s: the value is one word (letters, digits, . _ : / -), not %q", keyword, value))
		return
	}
	orig, err := os.ReadFile(file)
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	var text string
	if keyword == vipKey {
		text, err = addToSubBlock(redact(string(orig)), line, vipKey, value)
	} else {
		text, err = setInBlock(redact(string(orig)), line, keyword, value)
	}
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, at+": "+err.Error())
		return
	}
	r.PostForm.Set("file", file)
	r.PostForm.Set("text", text)
	r.PostForm.Set("hash", hashOf(orig))
	c.editCheck(w, r)
}
