// Package confparse reads keepalived.conf, exactly as keepalived reads it,
// into the typed settings of the vrrp, ipvs and check packages.
//
// Reading is four stages, each with its own file: the preprocessor
// (includes, conditional lines, parameters, sequences) yields source lines;
// the tokenizer splits them into words and braces; a participle grammar
// builds the block tree; the semantic pass turns the tree into a Config with
// keepalived's defaults, range checks and diagnostics. The printer goes the
// other way, from a Config to canonical keepalived.conf. A reload may read
// only the virtual_server blocks that changed and splice the rest from the
// last load (incremental.go, LoadInputsAfter), with the same result.
//
// It may import the domain packages it fills (vrrp, ipvs, check, script,
// srcpos, iproute) and nothing under internal/. Goldens live in testdata:
// corpus/ is keepalived's sample configurations with keepalived's own -t
// verdicts (corpus_test.go), dump/ the --dump-conf output of each
// (dump_golden_test.go, regenerated with -update), lvs/ and sem/ inputs of
// the printer and semantic tests. The semantic pass has table tests per
// keyword family (sem_*_test.go); fuzz targets cover the preprocessor, the
// semantic pass and the whole pipeline (FuzzPreprocess, FuzzLoadVRRP,
// FuzzVirtualServer, FuzzPipeline and others).
package confparse
