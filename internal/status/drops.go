package status

import "strings"

// DropClass is the reason a drop label counts under in the metrics'
// reason label. The daemon counts drops with fine labels — keepalived's
// split of the authentication errors, a truncated packet apart from one
// whose lengths disagree — and the API and dumps keep them; an operator's
// alert wants the few classes issue #13 names (ttl, checksum, auth, vrid,
// version, interval, addresses, length), so /metrics carries both: the
// class as reason, the fine label as detail. A label outside the table is
// its own class.
func DropClass(label string) string {
	if c, ok := dropClasses[label]; ok {
		return c
	}
	if strings.HasPrefix(label, "auth-") {
		return "auth"
	}
	return label
}

var dropClasses = map[string]string{
	"truncated":       "length",
	"oversized":       "length",
	"advert-interval": "interval",
	"address-list":    "addresses",
}
