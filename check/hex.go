package check

import (
	"fmt"
	"strings"
)

// Pattern is a byte string with per-nibble wildcards, as require_reply
// writes it: Mask has 0xf for every nibble written as X.
type Pattern struct {
	Data, Mask []byte
}

// ParseHex reads keepalived's hex strings (payload, require_reply): hex
// digits, blanks between octets, a lone digit before a blank is one octet;
// with wildcards, x/X matches any nibble.
func ParseHex(s string, wildcards bool) (Pattern, error) {
	var p Pattern
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		v, m, err := hexNibble(s[i], wildcards)
		if err != nil {
			return Pattern{}, err
		}
		i++
		if i < len(s) && s[i] != ' ' && s[i] != '\t' {
			v2, m2, err := hexNibble(s[i], wildcards)
			if err != nil {
				return Pattern{}, err
			}
			i++
			v, m = v<<4|v2, m<<4|m2
		}
		p.Data = append(p.Data, v)
		p.Mask = append(p.Mask, m)
	}
	if len(p.Data) == 0 {
		return Pattern{}, fmt.Errorf("empty hex string")
	}
	return p, nil
}

func hexNibble(c byte, wildcards bool) (v, mask byte, err error) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', 0, nil
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, 0, nil
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, 0, nil
	case wildcards && (c == 'x' || c == 'X'):
		return 0, 0xf, nil
	}
	return 0, 0, fmt.Errorf("invalid hex character %q", c)
}

// Match compares the first min(len(reply), len(Data)) octets, ignoring
// wildcard nibbles, as keepalived does: a short reply is judged on what
// arrived, the length limits being checked separately.
func (p Pattern) Match(reply []byte) bool {
	n := min(len(reply), len(p.Data))
	for i := 0; i < n; i++ {
		if (reply[i]^p.Data[i])&^p.Mask[i] != 0 {
			return false
		}
	}
	return true
}

// String renders the pattern back in keepalived's notation.
func (p Pattern) String() string {
	var b strings.Builder
	const digits = "0123456789abcdef"
	for i, d := range p.Data {
		if i > 0 {
			b.WriteByte(' ')
		}
		for _, sh := range []uint{4, 0} {
			if p.Mask[i]>>sh&0xf != 0 {
				b.WriteByte('X')
			} else {
				b.WriteByte(digits[d>>sh&0xf])
			}
		}
	}
	return b.String()
}
