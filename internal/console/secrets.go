package console

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// secretLine matches a keyword whose value is a VRRP authentication key:
// the page shows a placeholder and the save puts the original back. It is
// compiled on first use, as the console's other expressions are: a
// daemon whose console is never opened never builds them.
var secretLine = lazy[*regexp.Regexp]{build: func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^(\s*(?:auth_pass|auth_hmac\w*|auth_key)\s+)(\S+)`)
}}

const placeholder = "__SECRET_"

// redact replaces every key with __SECRET_N__.
func redact(text string) string {
	n, re := 0, secretLine.get()
	return re.ReplaceAllStringFunc(text, func(m string) string {
		n++
		sub := re.FindStringSubmatch(m)
		return sub[1] + placeholder + strconv.Itoa(n) + "__"
	})
}

// unredact puts the keys of orig back where edited still carries their
// placeholders; a key the user typed over stays as typed.
func unredact(edited, orig string) (string, error) {
	var keys []string
	re := secretLine.get()
	for _, m := range re.FindAllStringSubmatch(orig, -1) {
		keys = append(keys, m[2])
	}
	var bad error
	out := re.ReplaceAllStringFunc(edited, func(m string) string {
		sub := re.FindStringSubmatch(m)
		v, ok := strings.CutPrefix(sub[2], placeholder)
		if !ok {
			return m
		}
		i, err := strconv.Atoi(strings.TrimSuffix(v, "__"))
		if err != nil || i < 1 || i > len(keys) {
			bad = fmt.Errorf("unknown secret placeholder %s: type the key or keep a placeholder from the page", sub[2])
			return m
		}
		return sub[1] + keys[i-1]
	})
	return out, bad
}
