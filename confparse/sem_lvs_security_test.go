package confparse

import (
	"testing"

	"github.com/govrrpd/govrrpd/script"
)

// Checker scripts and script security, as keepalived 2.2.7 -t judges them
// (measured in a namespace): a program that exists, run while
// enable_script_security is off, is a SECURITY VIOLATION (exit 6); one
// that does not exist is not; under enable_script_security a script whose
// user cannot be set is removed.
func TestSemLVSCheckerScriptSecurity(t *testing.T) {
	old := userExists
	userExists = func(string) bool { return false } // no keepalived_script user
	defer func() { userExists = old }()
	violation := "SECURITY VIOLATION - check scripts are being executed but script_security not enabled."
	secure := "global_defs {\nenable_script_security\n}\n" // shifts the lines by 3
	misc := func(c *Config) any { return len(c.Checkers) }
	slRun(t, []slRow{
		{"misc program found", slCk("MISC_CHECK", "misc_path /bin/true"), misc, 1, []slDiag{{Security, lineCk - 1, violation}}},
		{"misc program missing", slCk("MISC_CHECK", "misc_path /nonexistent/check"), misc, 1, nil},
		{"notify_up found", slRS("notify_up /bin/true"), func(c *Config) any { return rs0(c).Options().NotifyUp.Raw }, "/bin/true",
			[]slDiag{{Security, 5, violation}}},
		{"quorum_down found", slVS("quorum_down \"/bin/true down\""), func(c *Config) any { return vs0(c).Options().QuorumDown.Raw }, "/bin/true down",
			[]slDiag{{Security, 1, violation}}},
		{"one message for several", slRS("notify_up /bin/true\nnotify_down /bin/true\nMISC_CHECK {\nmisc_path /bin/true\n}"), misc, 1,
			[]slDiag{{Security, 5, violation}}},
		{"secure without a default user", secure + slCk("MISC_CHECK", "misc_path /bin/true"), misc, 0,
			[]slDiag{slW(lineCk+2, "Unable to set default user for misc script /bin/true - removing")}},
		{"secure notify without a default user", secure + slRS("notify_down /bin/true"), func(c *Config) any { return rs0(c).Options().NotifyDown },
			(*script.Spec)(nil), []slDiag{slW(8, "Unable to set default user for notify script /bin/true - ignoring")}},
		{"secure with its own user", secure + slCk("MISC_CHECK", "misc_path /bin/true\nuser nobody"), misc, 1, nil},
		{"secure with script_user", "global_defs {\nenable_script_security\nscript_user nobody\n}\n" + slCk("MISC_CHECK", "misc_path /bin/true"),
			misc, 1, nil},
		{"a user that does not exist", slCk("MISC_CHECK", "misc_path /bin/true\nuser no_such_user_h15"), misc, 0,
			[]slDiag{slW(lineCk-1, "Unable to set user no_such_user_h15 for misc script /bin/true - removing")}},
		{"no service, no check", "global_defs {\n}\n", nil, nil, nil},
	})
	// Reading a file written for another machine skips the check.
	cfg, diags := loadElsewhere(t, slCk("MISC_CHECK", "misc_path /bin/true"))
	if len(cfg.Checkers) != 1 || len(diags) != 0 {
		t.Errorf("ElsewhereScripts: %d checkers, messages:\n%s", len(cfg.Checkers), diags)
	}
}
