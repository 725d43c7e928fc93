package plan

import (
	"fmt"
	"reflect"
	"strings"
)

// fieldDiff names the top-level fields that differ between two structs of
// one type: "priority 100 → 150, advert_int 1s → 2s". A field whose value
// has no short form is named alone ("auth changed"); a secret never
// appears (auth is such a field). The fields of an Opts pointer (the
// rarely given keywords vrrp.Instance keeps aside) count as the struct's
// own, nil as none given, so that a change names the keyword, not Opts.
func fieldDiff(a, b any) string {
	return strings.Join(fieldDiffs(reflect.ValueOf(a), reflect.ValueOf(b), nil), ", ")
}

func fieldDiffs(va, vb reflect.Value, out []string) []string {
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		f := va.Type().Field(i)
		if !f.IsExported() || reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			continue
		}
		if f.Name == "Opts" && f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
			out = fieldDiffs(elemOrZero(fa), elemOrZero(fb), out)
			continue
		}
		name := snake(f.Name)
		sa, oka := short(fa)
		sb, okb := short(fb)
		if oka && okb && !secret[name] {
			out = append(out, fmt.Sprintf("%s %s → %s", name, sa, sb))
		} else {
			out = append(out, name+" changed")
		}
	}
	return out
}

// elemOrZero is the struct a pointer points to, its zero value for nil.
func elemOrZero(p reflect.Value) reflect.Value {
	if p.IsNil() {
		return reflect.Zero(p.Type().Elem())
	}
	return p.Elem()
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
