package confparse

import (
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"

	"github.com/govrrpd/govrrpd/check"
)

// The keyword registry is the one list of what govrrpd does with each
// keepalived.conf keyword, built from the semantic pass's own tables so it
// cannot drift from them: docs/keywords.md is generated from it (a test
// keeps the file current) and so is govrrpd.conf(5).

// KeywordStatus is what govrrpd does with a keyword.
type KeywordStatus string

// The statuses a keyword can have.
const (
	// KwImplemented is read into typed settings and acted on.
	KwImplemented KeywordStatus = "implemented"
	// KwWarned is accepted by keepalived 2.2.7 but not (fully) acted on
	// by govrrpd: a warning at FILE:LINE, so -t exits 5.
	KwWarned KeywordStatus = "warned"
	// KwNoEffect tunes keepalived's child processes or DBus, which
	// mean nothing for one Go process: a note at FILE:LINE, -t stays 0.
	KwNoEffect KeywordStatus = "no effect"
	// KwRefused is refused with a FILE:LINE message naming why.
	KwRefused KeywordStatus = "refused"
)

// Keyword is one registry entry.
type Keyword struct {
	Block  string // "top level", "global_defs", "vrrp_instance", a checker name, ...
	Name   string
	Status KeywordStatus
	Note   string
}

// keywordNotes are the entries whose status or note the handler's kind
// does not give, keyed "block keyword".
var keywordNotes = map[string]Keyword{
	"top level net_namespace":                 {Status: KwImplemented, Note: "the daemon runs in /run/netns/NAME as with -s NAME (-s wins); -t runs inside it; when it does not exist -t checks nothing and exits 0 and the daemon exits, as keepalived"},
	"top level vrrp_track_file":               {Status: KwImplemented, Note: "deprecated alias of track_file, with keepalived's note (Info: -t stays 0)"},
	"global_defs vrrp_check_unicast_src":      {Status: KwImplemented, Note: "takes no value: a word after it is ignored (Info), as keepalived turns it on anyway"},
	"vrrp_instance check_unicast_src":         {Status: KwImplemented, Note: "takes no value, as in keepalived; without unicast peers keepalived's deprecation warning"},
	"global_defs lvs_sync_daemon":             {Status: KwImplemented, Note: "the IPVS sync daemon is started"},
	"global_defs dynamic_interfaces":          {Status: KwImplemented, Note: "a missing interface is waited for in FAULT; -t accepts it with a note, as keepalived 2.2.7 (exit 0). keepalived reads global_defs first; govrrpd applies it to the instances' own interfaces and to the lines after it"},
	"global_defs script_user":                 {Status: KwImplemented, Note: "a user or group that does not exist removes every script left to the default user"},
	"global_defs enable_script_security":      {Status: KwImplemented, Note: "without script_user and a keepalived_script user, scripts are removed, never run as root"},
	"global_defs lvs_flush_on_stop":           {Status: KwImplemented, Note: "`VS` warns: the whole table is flushed"},
	"vrrp_instance authentication":            {Status: KwImplemented, Note: "PASS; AH is parsed and warned (govrrpd cannot send or check AH)"},
	"vrrp_instance auth_hmac":                 {Status: KwImplemented, Note: "keepalived 2.4.0, with 2.4.3's meaning: signed and verified on the wire; keys masked in dumps and logs"},
	"vrrp_instance v3_checksum_as_v2":         {Status: KwImplemented, Note: "keepalived 2.2.8, with 2.4.3's meaning: VRRPv3/IPv4 sent with the RFC 9568 checksum"},
	"global_defs v3_checksum_as_v2":           {Status: KwImplemented, Note: "keepalived 2.2.8, with 2.4.3's meaning"},
	"vrrp_instance owner_ignore_adverts":      {Status: KwImplemented, Note: "keepalived 2.3.3, with 2.4.3's meaning"},
	"global_defs vrrp_priority":               {Status: KwImplemented, Note: "the nice value of every thread of govrrpd's one process (its checkers too); scripts start at the daemon's own starting priority, as keepalived resets it in its children"},
	"global_defs vrrp_cpu_affinity":           {Status: KwImplemented, Note: "every thread of govrrpd's one process; a CPU the machine lacks drops the set with an error, as keepalived -t refuses it"},
	"global_defs vrrp_owner_ignore_adverts":   {Status: KwImplemented, Note: "keepalived 2.3.3, with 2.4.3's meaning"},
	"vrrp_instance unicast_ttl":               {Status: KwWarned, Note: "255 (the default) is what govrrpd sends; any other value is read as keepalived does and warned: not supported by govrrpd yet"},
	"vrrp_instance lvs_sync_daemon_interface": {Status: KwWarned, Note: "keepalived's deprecation warning; not modelled"},
	"vrrp_instance debug":                     {Status: KwImplemented, Note: "a no-op in keepalived too"},
	"vrrp_instance unicast_peer":              {Status: KwImplemented, Note: "an address written with /prefix or -range is the address before it, as keepalived"},
	"vrrp_instance track_interface":           {Status: KwImplemented, Note: "written with words and no '{', the following lines become its entries, as keepalived"},
	"virtual_server alpha":                    {Status: KwImplemented, Note: "bare flag as in keepalived: a value after it is not read (noted) and the flag is set"},
	"virtual_server omega":                    {Status: KwImplemented, Note: "bare flag as in keepalived: a value after it is not read (noted) and the flag is set"},
	"virtual_server inhibit_on_failure":       {Status: KwImplemented, Note: "bare flag as in keepalived: a value after it is not read (noted) and the flag is set"},
	"virtual_server ha_suspend":               {Status: KwImplemented, Note: "bare flag as in keepalived: a value after it is not read (noted) and the flag is set"},
	"virtual_server ops":                      {Status: KwImplemented, Note: "bare flag as in keepalived: a value after it is not read (noted) and the flag is set"},
	"virtual_server sorry_server_inhibit":     {Status: KwImplemented, Note: "bare flag as in keepalived: a value after it is not read (noted) and the flag is set"},
	"url regex_no_match":                      {Status: KwImplemented, Note: "bare flag as in keepalived: a value after it is not read (noted) and the flag is set"},
	"MISC_CHECK misc_dynamic":                 {Status: KwImplemented, Note: "bare flag as in keepalived: a value after it is not read (noted) and the flag is set"},
	"MISC_CHECK misc_path":                    {Status: KwImplemented, Note: "the first word is the command line (quote it to give arguments); words after it are noted and ignored, as keepalived 2.2.7: the user goes in user"},
	"MISC_CHECK misc_timeout":                 {Status: KwImplemented, Note: "whole seconds, 0 to 4294; 0 is the delay loop"},
	"virtual_server quorum":                   {Status: KwImplemented, Note: "reduced to the real servers' total weight at the end of the block, with keepalived's warning; hysteresis kept below it"},
	"HTTP_GET enable_sni":                     {Status: KwNoEffect, Note: "accepted as keepalived does, with a note: SNI means nothing without TLS"},
	"global_defs enable_snmp_vrrp":            {Status: KwImplemented, Note: "KEEPALIVED-MIB global and vrrp trees over AgentX (docs/snmp.md)"},
	"global_defs enable_snmp_keepalived":      {Status: KwImplemented, Note: "deprecated alias of enable_snmp_vrrp, a note (keepalived is silent)"},
	"global_defs enable_snmp_checker":         {Status: KwImplemented, Note: "KEEPALIVED-MIB check tree (virtual and real servers)"},
	"global_defs enable_snmp_rfc":             {Status: KwImplemented, Note: "enable_snmp_rfcv2 and enable_snmp_rfcv3"},
	"global_defs enable_snmp_rfcv2":           {Status: KwImplemented, Note: "VRRP-MIB (RFC 2787) for VRRPv2 IPv4 instances"},
	"global_defs enable_snmp_rfcv3":           {Status: KwImplemented, Note: "VRRPv3-MIB (RFC 6527) for VRRPv3 instances with addresses"},
	"global_defs enable_traps":                {Status: KwImplemented, Note: "keepalived's notifications on state and real-server changes"},
	"global_defs snmp_socket":                 {Status: KwImplemented, Note: "the master agent's AgentX socket; -A wins, as in keepalived"},
	"HTTP_GET nb_get_retry":                   {Status: KwImplemented, Note: "deprecated alias of retry, warned; HTTP_GET and SSL_GET only, unknown in other checkers as in keepalived"},
	"SSL_GET nb_get_retry":                    {Status: KwImplemented, Note: "deprecated alias of retry, warned; HTTP_GET and SSL_GET only, unknown in other checkers as in keepalived"},
}

// Keywords returns the registry: every keyword of every block, sorted by
// block (in file order) then name.
func Keywords() []Keyword {
	var out []Keyword
	addKeywords(&out, "top level", topLevel)
	addKeywords(&out, "global_defs", globalTable)
	addKeywords(&out, "vrrp_instance", instTable)
	addKeywords(&out, "vrrp_sync_group", groupTable)
	addKeywordList(&out, "vrrp_script", "script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail")
	addKeywordList(&out, "vrrp_track_process", "process", "param_match", "full_command", "weight", "quorum",
		"quorum_max", "fork_delay", "terminate_delay", "delay")
	addKeywordList(&out, "track_file", "file", "weight", "init_file")
	addKeywords(&out, "bfd_instance", bfdTable)
	addKeywords(&out, "virtual_server", vsTable)
	addKeywords(&out, "real_server", rsTable)
	for _, k := range slices.SortedFunc(maps.Keys(chkTables), func(a, b check.Kind) int { return strings.Compare(a.String(), b.String()) }) {
		addKeywords(&out, k.String(), chkTables[k])
	}
	addKeywords(&out, "url", chkURLTable)
	addKeywords(&out, "SSL", sslTable)
	return out
}

// addKeywords adds a table's keywords; a notYet handler is warned, an
// ignored one has no effect, anything else is implemented.
func addKeywords[T any](out *[]Keyword, block string, t table[T]) {
	for _, k := range slices.Sorted(maps.Keys(t)) {
		kw := Keyword{Block: block, Name: k, Status: KwImplemented}
		switch handlerName(t[k]) {
		case "notYet":
			kw.Status, kw.Note = KwWarned, "not supported by govrrpd yet"
		case "ignored":
			kw.Status = KwNoEffect
		}
		*out = append(*out, noted(kw))
	}
}

// handlerName is the name of the generic function a handler instantiates
// ("notYet", "ignored"), or "" for any other handler.
func handlerName[T any](h handler[T]) string {
	f := runtime.FuncForPC(reflect.ValueOf(h).Pointer())
	if f == nil {
		return ""
	}
	name := f.Name()
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimPrefix(name, "confparse.")
	name, _, _ = strings.Cut(name, "[")
	return name
}

func addKeywordList(out *[]Keyword, block string, names ...string) {
	for _, k := range slices.Sorted(slices.Values(names)) {
		*out = append(*out, noted(Keyword{Block: block, Name: k, Status: KwImplemented}))
	}
}

func noted(kw Keyword) Keyword {
	if n, ok := keywordNotes[kw.Block+" "+kw.Name]; ok {
		kw.Status, kw.Note = n.Status, n.Note
	}
	newer := map[string]map[string]string{"global_defs": newerKeywords, "vrrp_instance": newerInstanceKeywords}
	if v, ok := newer[kw.Block][kw.Name]; ok {
		kw.Status, kw.Note = KwRefused, "keepalived "+v+": refused by name at FILE:LINE"
	}
	return kw
}
