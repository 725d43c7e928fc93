package confparse

import "github.com/govrrpd/govrrpd/script"

// parseScript is the name the semantic pass (VRRP and IPVS halves) calls.
// The real reader is parseScriptSpec in scriptword.go; this alias keeps the
// package building until that file takes the name parseScript itself, at
// which point this file is deleted.
func parseScript(words []Word) (script.Spec, error) { return parseScriptSpec(words) }
