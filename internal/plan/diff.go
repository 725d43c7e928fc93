package plan

import (
	"fmt"
	"reflect"
	"strings"
)

// fieldDiff names the top-level fields that differ between two structs of
// one type: "priority 100 → 150, advert_int 1s → 2s". A field whose value
// has no short form is named alone ("auth changed"); a secret never
// appears (auth is such a field).
func fieldDiff(a, b any) string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	var out []string
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		if !va.Type().Field(i).IsExported() || reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			continue
		}
		name := snake(va.Type().Field(i).Name)
		sa, oka := short(fa)
		sb, okb := short(fb)
		if oka && okb && !secret[name] {
			out = append(out, fmt.Sprintf("%s %s → %s", name, sa, sb))
		} else {
			out = append(out, name+" changed")
		}
	}
	return strings.Join(out, ", ")
}

// secret fields are never printed, only named.
var secret = map[string]bool{"auth": true}

// short formats a value that prints in a few characters.
func short(v reflect.Value) (string, bool) {
	if s, ok := v.Interface().(fmt.Stringer); ok && v.Kind() != reflect.Pointer {
		return quoteEmpty(s.String()), true
	}
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float64:
		return fmt.Sprint(v.Interface()), true
	case reflect.String:
		return quoteEmpty(v.String()), true
	}
	return "", false
}

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// snake turns a Go field name into the keyword-like form plans print:
// AdvertInt → advert_int, VRID → vrid.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		up := r >= 'A' && r <= 'Z'
		if up && i > 0 {
			prev := rune(s[i-1])
			nextLower := i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z'
			if prev >= 'a' && prev <= 'z' || (prev >= 'A' && prev <= 'Z' && nextLower) {
				b.WriteByte('_')
			}
		}
		if up {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
