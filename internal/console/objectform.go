package console

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// objectKeys are the settings the per-object forms change (Piranha's
// tabs kept to what is a number): the block's kind → its keyword.
var objectKeys = map[string]string{"real_server": "weight", "vrrp_instance": "priority"}

// setInBlock sets keyword to value in the block that starts on line
// (1-based) of text, replacing its own line (not a nested block's) or
// adding one after the opening brace.
func setInBlock(text string, line int, keyword, value string) (string, error) {
	lines := strings.Split(text, "\n")
	if line < 1 || line > len(lines) {
		return "", fmt.Errorf("line %d is not in the file", line)
	}
	depth, open := 0, -1
	for i := line - 1; i < len(lines); i++ {
		code, _, _ := strings.Cut(lines[i], "#")
		code, _, _ = strings.Cut(code, "!")
		if f := strings.Fields(code); depth == 1 && len(f) > 0 && f[0] == keyword {
			lines[i] = lines[i][:strings.Index(lines[i], keyword)] + keyword + " " + value
			return strings.Join(lines, "\n"), nil
		}
		if open < 0 && i > line-1 && !strings.HasPrefix(strings.TrimSpace(code), "{") && strings.TrimSpace(code) != "" {
			break // the block's brace is on its first line or alone on a next one
		}
		depth += strings.Count(code, "{") - strings.Count(code, "}")
		if open < 0 && depth > 0 {
			open = i
		}
		if open >= 0 && depth <= 0 {
			break
		}
	}
	if open < 0 {
		return "", fmt.Errorf("no block opens at line %d", line)
	}
	indent := lines[open][:len(lines[open])-len(strings.TrimLeft(lines[open], " \t"))] + "    "
	lines = append(lines[:open+1], append([]string{indent + keyword + " " + value}, lines[open+1:]...)...)
	return strings.Join(lines, "\n"), nil
}

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
	keyword := objectKeys[r.PostFormValue("kind")]
	value, verr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("value")))
	switch {
	case !ok || err != nil:
		c.fail(w, r, http.StatusNotFound, "not an object of the running configuration: "+at)
		return
	case keyword == "" || verr != nil:
		c.fail(w, r, http.StatusBadRequest, "the form sets the weight of a real_server or the priority of a vrrp_instance, as a number")
		return
	}
	orig, err := os.ReadFile(file)
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	text, err := setInBlock(redact(string(orig)), line, keyword, strconv.Itoa(value))
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, at+": "+err.Error())
		return
	}
	r.PostForm.Set("file", file)
	r.PostForm.Set("text", text)
	r.PostForm.Set("hash", hashOf(orig))
	c.editCheck(w, r)
}
