// Package lvscf reads Piranha's lvs.cf (the configuration of pulse, lvsd,
// nanny and fos) exactly as Piranha 0.8.6 reads it, and converts it into a
// keepalived.conf that behaves as closely as keepalived allows.
//
// Parsing is faithful first: the same accepted syntax, defaults and fatal
// errors (with line numbers) as Piranha's lvsconfig.c, because an import
// that silently accepted a file pulse would have refused would migrate a
// configuration that never ran. The few leniencies (CRLF, unknown keys,
// unclosed blocks, newer schedulers) are each reported with a WARNING key;
// Options.Strict turns them back into Piranha's behaviour.
//
// Its messages are confparse.Diagnostic values with a Key. It imports
// confparse and the domain packages, nothing under internal/. Goldens are
// in testdata/golden (the converted keepalived.conf and the .diag warning
// keys of each example in testdata/examples) and testdata/extra
// (regenerated with -update); FuzzParse, FuzzImport and FuzzDetect fuzz the reader.
package lvscf
